"""跨省通办's tables: this node and its keys, the partners and theirs, the cases that
travel between nodes, the outbox and inbox of envelopes, and the refusals."""

from __future__ import annotations

import json
import uuid

from django.conf import settings
from django.db import models

from onething.privacy.fields import EncryptedTextField

USES = [("sig", "签名"), ("enc", "加密")]


class NodeIdentity(models.Model):
    """This node (one row): its code, name, GB/T 2260 regions, address, what it offers."""

    code = models.CharField("节点代码", max_length=40)
    name = models.CharField("节点名称", max_length=100)
    regions = models.JSONField("行政区划", default=list)
    base_url = models.CharField("访问地址", max_length=200, blank=True)
    # 跨省通办清单: [{package, name, place, modes: [...], fields, questions, materials}]
    offered = models.JSONField("跨省通办清单", default=list)

    class Meta:
        verbose_name = verbose_name_plural = "本节点"


class NodeKey(models.Model):
    """One of this node's keys; the newest valid one of each use signs or is encrypted to."""

    kid = models.CharField("密钥编号", max_length=40, unique=True)
    use = models.CharField("用途", max_length=3, choices=USES)
    private_text = EncryptedTextField(default="")  # the private JWK, encrypted at rest
    public_jwk = models.JSONField("公钥")
    created_at = models.DateTimeField("生效时间", auto_now_add=True)
    valid_until = models.DateTimeField("失效时间", null=True, blank=True)  # set when rotated

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "本节点密钥"

    @property
    def private_jwk(self) -> dict:
        return json.loads(self.private_text)


class Partner(models.Model):
    """A node this node exchanges with (合作地区), kept by the administrator."""

    code = models.CharField("节点代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    regions = models.JSONField("行政区划", default=list)
    base_url = models.CharField("访问地址", max_length=200)
    active = models.BooleanField("启用", default=True)
    offered = models.JSONField("对方的跨省通办清单", default=list)
    licence_keys = models.JSONField("对方的电子证照公钥", default=dict)
    # Our signing key the partner is known to hold (a keys message it acknowledged);
    # blank: our oldest valid key is used until then.
    knows_our_kid = models.CharField("对方已知的本节点签名密钥", max_length=40, blank=True)
    added_at = models.DateTimeField("添加时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "合作节点"

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class PartnerKey(models.Model):
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="keys", verbose_name="合作节点"
    )
    kid = models.CharField("密钥编号", max_length=40)
    use = models.CharField("用途", max_length=3, choices=USES)
    public_jwk = models.JSONField("公钥")
    valid_from = models.DateTimeField("生效时间")
    valid_until = models.DateTimeField("失效时间", null=True, blank=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = verbose_name_plural = "合作节点公钥"
        constraints = [models.UniqueConstraint(fields=["partner", "kid"], name="partner_key_once")]


class RemoteCase(models.Model):
    """One case as both nodes see it: `ref` is shared; the receiving side (收) forwards,
    the handling side (办) opens its own case (`local_case_id`) and reports back."""

    FORWARDED, HANDLED = "forwarded", "handled"
    DIRECTIONS = [(FORWARDED, "本地收件、异地办理"), (HANDLED, "异地收件、本地办理")]

    ref = models.UUIDField("通办编号", default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="cases", verbose_name="合作节点"
    )
    direction = models.CharField("方向", max_length=10, choices=DIRECTIONS)
    mode = models.CharField("通办模式", max_length=20, default="异地代收代办")
    package_id = models.CharField("一件事编号", max_length=100)
    package_name = models.CharField("事项", max_length=200)
    person_text = EncryptedTextField(default="")  # {"name", "id_number", "phone"} as JSON
    window = models.CharField("收件窗口（行政区划）", max_length=12, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField("收件时间", null=True, blank=True)
    forward_due = models.DateField("转办期限", null=True, blank=True)
    forwarded_at = models.DateTimeField("对方签收时间", null=True, blank=True)
    local_case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # 多地联办: the local case's items that the partner implements (held here till it decides)
    items = models.JSONField("对方办理的事项", default=list, blank=True)
    partner_number = models.CharField("对方受理编号", max_length=40, blank=True)
    partner_state = models.CharField("对方办理状态", max_length=40, blank=True)
    partner_due = models.DateField("对方办结期限", null=True, blank=True)
    certificate = models.JSONField("电子证照", null=True, blank=True)
    certificate_status = models.CharField("证照核验", max_length=10, blank=True)  # valid|…
    collection = models.CharField("领取方式", max_length=10, default="window")
    handed_over_at = models.DateTimeField("送达时间", null=True, blank=True)
    sent_seq = models.PositiveIntegerField("已发序号", default=0)
    applied_seq = models.PositiveIntegerField("已处理序号", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "跨省通办件"

    @property
    def person(self) -> dict:
        return json.loads(self.person_text) if self.person_text else {}


class RemoteEvent(models.Model):
    """A line of the case's shared timeline (what happened on either side, and when)."""

    remote_case = models.ForeignKey(
        RemoteCase, on_delete=models.CASCADE, related_name="events", verbose_name="跨省通办件"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    text = models.CharField("经过", max_length=300)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = "跨省通办办理过程"


class OutboundMessage(models.Model):
    """An envelope to send, written in the transaction of the change that caused it."""

    message_id = models.UUIDField("消息编号", unique=True, default=uuid.uuid4)
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="outbox", verbose_name="合作节点"
    )
    kind = models.CharField("类型", max_length=20)
    case_ref = models.CharField("通办编号", max_length=40, blank=True)
    seq = models.PositiveIntegerField("序号", default=0)
    body = models.JSONField("内容", default=dict)
    secret = models.TextField(blank=True)  # JWE to the partner; dropped once delivered
    created_at = models.DateTimeField("写入时间", auto_now_add=True)
    available_at = models.DateTimeField("下次发送", db_index=True)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    sending_since = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    ack = models.TextField(blank=True)  # the partner's signed receipt

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["delivered_at", "cancelled_at", "available_at"])]
        verbose_name = verbose_name_plural = "发出的交换消息"


class InboundMessage(models.Model):
    """An envelope received: applied once, in order per sender and case."""

    WAITING, APPLIED, FAILED = "waiting", "applied", "failed"
    message_id = models.CharField("消息编号", max_length=100, unique=True)
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="inbox", verbose_name="合作节点"
    )
    kind = models.CharField("类型", max_length=20)
    case_ref = models.CharField("通办编号", max_length=40, blank=True)
    seq = models.PositiveIntegerField("序号", default=0)
    body = models.JSONField("内容", default=dict)
    secret = models.TextField(blank=True)  # JWE to us; dropped once applied
    content_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField("对方写入时间")  # the sender's
    received_at = models.DateTimeField("收到时间", auto_now_add=True)
    state = models.CharField("状态", max_length=10, default=WAITING)
    applied_at = models.DateTimeField("处理时间", null=True, blank=True)
    error = models.CharField("处理错误", max_length=500, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["partner", "case_ref", "state", "seq"])]
        verbose_name = verbose_name_plural = "收到的交换消息"


class Refusal(models.Model):
    """An envelope refused (tampered, replayed, unknown sender, expired key …)."""

    at = models.DateTimeField("时间", auto_now_add=True)
    code = models.CharField("原因代码", max_length=20)
    detail = models.CharField("原因", max_length=300)
    claimed_sender = models.CharField("自称发送方", max_length=100, blank=True)
    message_id = models.CharField("消息编号", max_length=100, blank=True)
    remote_addr = models.CharField("来源地址", max_length=45, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = "拒收记录"
