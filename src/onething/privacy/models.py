"""Every time someone is shown personal data in full — a person's ID or phone number, a
bank account, a complainant's name and phone — it is written down.

The record is append-only and chained (privacy/audit.py): one chain for the table, each
record at its ``seq`` and sealed (``mac``) over its content and the seal before it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class PersonalDataView(models.Model):
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="查看人"
    )
    # The person whose data was shown: an account, or someone without one (a
    # complainant), then named masked in `subject_label`.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="信息主体",
    )
    subject_label = models.CharField("信息主体（无账号）", max_length=200, blank=True)
    fields = models.CharField("查看的信息", max_length=200)
    purpose = models.CharField("事由", max_length=200)
    at = models.DateTimeField("时间", default=timezone.now, editable=False, db_index=True)
    seq = models.PositiveIntegerField("链内序号", editable=False)
    mac = models.CharField("链式校验值", max_length=80, editable=False)

    class Meta:
        ordering = ["-at"]
        verbose_name = "个人信息查看记录"
        verbose_name_plural = "个人信息查看记录"
        constraints = [models.UniqueConstraint(fields=["seq"], name="data_view_chain_seq")]
