"""Ratings (好差评) and the rectification a bad one opens (差评整改)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from onething.evaluation.ratings import LEVEL_LABELS, STAGE_LABELS, Level, Stage
from onething.privacy.fields import EncryptedTextField


class Rating(models.Model):
    # A window visit (stage "visit") may be rated without a case: then `window` says where.
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="ratings", null=True, blank=True
    )
    window = models.CharField("窗口（行政区划）", max_length=12, blank=True)
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
        indexes = [
            models.Index(
                fields=["window", "created_at"],
                name="rating_window_visits",
                condition=models.Q(case__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.stage_label}：{self.level_label}"

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
    case = models.ForeignKey(  # none for a window visit rated without a case
        "cases.Case", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
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

    def __str__(self) -> str:
        return f"{self.rating}（{self.state_label}）"

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

    def __str__(self) -> str:
        return self.tracking


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
        verbose_name = "诉求办理记录"
        verbose_name_plural = "诉求办理记录"

    def __str__(self) -> str:
        return f"诉求办理记录 {self.pk}"


class DailyFigures(models.Model):
    """日汇总: the dashboard's case figures for the cases filed on one day at one window and
    place, for one package — once for all cases (department blank) and once per department
    with an item in them. Kept by `evaluation.rollup`, so the dashboard sums a few thousand
    rows instead of scanning millions of cases."""

    day = models.DateField()  # the local day the case was filed
    window = models.CharField(max_length=12)
    place = models.CharField(max_length=12)
    package_id = models.CharField(max_length=100)
    package_name = models.CharField(max_length=200)
    department = models.CharField(max_length=100, blank=True)  # blank: every case
    filed = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    # Working days taken: how many cases took each number of days ({"3": 12, …}), for the
    # average and the p90.
    days_taken = models.JSONField(default=dict)
    ratings = models.PositiveIntegerField(default=0)
    good_ratings = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "日汇总"
        verbose_name_plural = "日汇总"
        indexes = [
            models.Index(fields=["department", "day"], name="daily_figures_by_day"),
            # what a refresh replaces: a day's rows of the packages touched
            models.Index(fields=["day", "package_id"], name="daily_figures_refresh"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.package_name}"


class FiguresWatermark(models.Model):
    """How far the audit trail has been read into `DailyFigures` (one row)."""

    # Audit records with a greater id may be missing from the roll-up.
    read_from = models.BigIntegerField(default=0)
    # Recent refreshes: [[ISO time, greatest audit id then], …] — an id becomes safe to
    # skip once every transaction open at that time must have committed.
    recent = models.JSONField(default=list)
    refreshed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = "日汇总进度"
        verbose_name_plural = "日汇总进度"

    def __str__(self) -> str:
        return f"已读到第 {self.read_from} 条办理记录"


class RectificationStep(models.Model):
    """Each step of a rectification (its own audit trail; a case's steps are also on the
    case's record)."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=30)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "整改步骤"
        verbose_name_plural = "整改步骤"

    def __str__(self) -> str:
        return f"整改步骤 {self.pk}"
