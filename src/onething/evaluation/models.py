"""Ratings (好差评) and the rectification a bad one opens (差评整改)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from onething.evaluation.ratings import LEVEL_LABELS, STAGE_LABELS, Level, Stage
from onething.privacy.fields import EncryptedTextField


class Rating(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="ratings")
    stage = models.CharField("评价环节", max_length=12)
    level = models.PositiveSmallIntegerField("评价等级")  # 5 非常满意 … 1 非常不满意
    reasons = models.JSONField("原因", default=list, blank=True)
    text = models.TextField("评价内容", blank=True)
    channel = models.CharField("渠道", max_length=10, default="web")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # A department's appeal against a rating it believes mistaken or malicious; the
    # supervisor decides. A removed rating stays, visible to supervisors with the reason.
    appeal = models.TextField("申诉理由", blank=True)
    removed = models.BooleanField("已撤销（不计入统计）", default=False)
    removal_reason = models.TextField("撤销理由", blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "好差评"
        verbose_name_plural = "好差评"
        constraints = [
            models.UniqueConstraint(fields=["case", "stage"], name="rating_once_per_stage")
        ]

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[Level(self.level)]

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[Stage(self.stage)]


class Rectification(models.Model):
    """差评整改: verify, rectify or explain, answer the applicant, then a return visit."""

    STATES = [
        ("verifying", "待核实"),
        ("rectifying", "整改中"),
        ("answered", "已答复，待回访"),
        ("closed", "已办结"),
    ]
    rating = models.OneToOneField(Rating, on_delete=models.CASCADE, related_name="rectification")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    unit = models.CharField("责任单位", max_length=100)  # "window" or a department id
    jurisdiction = models.CharField(max_length=12, db_index=True)
    state = models.CharField(max_length=12, choices=STATES, default="verifying")
    verify_due = models.DateField("核实答复期限")
    rectify_due = models.DateField("整改期限")
    verified = models.BooleanField(null=True)  # the complaint behind the rating holds
    verify_note = models.TextField("核实情况", blank=True)
    action_note = models.TextField("整改或说明", blank=True)
    answer = models.TextField("答复申请人", blank=True)
    revisit_satisfied = models.BooleanField("回访是否满意", null=True)
    revisit_note = models.TextField("回访记录", blank=True)
    escalated = models.BooleanField("已上报督办", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["verify_due", "id"]
        verbose_name = "差评整改"
        verbose_name_plural = "差评整改"

    @property
    def state_label(self) -> str:
        return dict(self.STATES)[self.state]


class Complaint(models.Model):
    """A 12345-style complaint or request. The complainant may stay anonymous; who they
    are (name, phone) is encrypted and shown only to supervisors."""

    tracking = models.CharField("查询码", max_length=40, unique=True)
    kind = models.CharField("类型", max_length=12)  # consult | complaint | help | suggestion
    category = models.CharField("问题类别", max_length=16)
    subject = models.CharField("对象", max_length=10, default="general")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    about = models.CharField("涉及的窗口或人员", max_length=200, blank=True)
    text = models.TextField("内容")
    jurisdiction = models.CharField(max_length=12, db_index=True)
    anonymous = models.BooleanField(default=False)
    contact_name = EncryptedTextField(blank=True, default="")
    contact_phone = EncryptedTextField(blank=True, default="")
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=12, default="web")  # web | phone | open311 …
    state = models.CharField(max_length=12, default="received")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_date = models.DateField("办理期限", null=True, blank=True)
    reply = models.TextField("答复", blank=True)
    revisit_note = models.TextField("回访记录", blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "投诉与诉求"
        verbose_name_plural = "投诉与诉求"


class ComplaintEvent(models.Model):
    """Each step of a complaint, shown (without personal data) to whoever follows it."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16)
    text = models.TextField(blank=True)  # what the complainant may read
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
