"""Issued electronic certificates (电子证照库) and what happened to them.

The signed document itself (every printed datum, the holder's code) is stored
encrypted; the columns beside it are what lists and look-ups need.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.utils import timezone

from onething.licences.certificate import LicenceStatus
from onething.privacy.fields import EncryptedTextField

STATE_VALID = "valid"
STATE_REVOKED = "revoked"


class Licence(models.Model):
    number = models.CharField("证照编号", max_length=96, unique=True)
    type_id = models.CharField("证照类型", max_length=100)
    type_name = models.CharField("证照名称", max_length=200)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="licences",
        verbose_name="持证主体",
    )
    holder_kind = models.CharField("持证主体类型", max_length=12)  # enterprise | person
    holder_name = models.CharField("持证主体名称", max_length=200)
    holder_digest = models.CharField("检索摘要", max_length=64, db_index=True)  # look-up by code
    issuer_name = models.CharField("发证机关", max_length=200)
    department = models.CharField("发证部门", max_length=50)
    jurisdiction = models.CharField("发证辖区", max_length=12)
    issuer_uscc = models.CharField("发证机关统一社会信用代码", max_length=18)
    issued_on = models.DateField("发证日期")
    valid_until = models.DateField("有效期至", null=True, blank=True)  # None: 长期
    document_text = EncryptedTextField("签名的证照数据")  # JSON, the signed document
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="licences",
        verbose_name="来源办件",
    )
    task = models.OneToOneField(
        "cases.Task",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="licence",
        verbose_name="来源事项",
    )
    state = models.CharField("状态", max_length=12, default=STATE_VALID)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_reason = models.TextField("撤销理由", blank=True)
    created_at = models.DateTimeField("签发时间", auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = "电子证照"
        verbose_name_plural = "电子证照"
        indexes = [models.Index(fields=["holder", "type_id"], name="licence_holder_type")]

    def __str__(self) -> str:
        return f"{self.type_name} {self.number}"

    @property
    def document(self) -> dict:
        return json.loads(self.document_text)

    def status_on(self, today) -> LicenceStatus:
        if self.state == STATE_REVOKED:
            return LicenceStatus.revoked
        if self.valid_until is not None and self.valid_until < today:
            return LicenceStatus.expired
        return LicenceStatus.valid


class LicenceSerial(models.Model):
    """The last serial number an issuer gave a licence type (顺序号)."""

    type_code = models.CharField("证照类型代码", max_length=20)
    issuer_uscc = models.CharField("发证机关统一社会信用代码", max_length=18)
    last = models.PositiveIntegerField("最后顺序号", default=0)

    class Meta:
        verbose_name = "证照顺序号"
        verbose_name_plural = "证照顺序号"
        constraints = [
            models.UniqueConstraint(fields=["type_code", "issuer_uscc"], name="licence_serial_once")
        ]

    def __str__(self) -> str:
        return f"{self.type_code} {self.issuer_uscc}"


class LicenceEvent(models.Model):
    """Issued, revoked, looked up by staff: the licence's own record."""

    licence = models.ForeignKey(
        Licence, on_delete=models.PROTECT, related_name="events", verbose_name="电子证照"
    )
    kind = models.CharField("事件", max_length=20)  # revoked | expired | lookup (issue: the row)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    note = models.TextField("说明", blank=True)
    at = models.DateTimeField("时间", default=timezone.now, editable=False)
    # Append-only and chained (privacy/audit.py): one chain for the table, written only by
    # licences/events.py.
    seq = models.PositiveIntegerField("链内序号", editable=False)
    mac = models.CharField("链式校验值", max_length=80, editable=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "证照记录"
        verbose_name_plural = "证照记录"
        constraints = [  # an expiry is recorded once, whichever instance's sweep sees it
            models.UniqueConstraint(
                fields=["licence"], condition=models.Q(kind="expired"), name="licence_expires_once"
            ),
            models.UniqueConstraint(fields=["seq"], name="licence_event_chain_seq"),
        ]

    def __str__(self) -> str:
        when = f" {timezone.localtime(self.at):%Y-%m-%d %H:%M}" if self.at else ""
        return f"{EVENT_LABELS.get(self.kind, self.kind)}{when}"


EVENT_LABELS = {"revoked": "撤销", "expired": "到期", "lookup": "工作人员查看"}
