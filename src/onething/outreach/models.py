"""帮办代办 and 上门办 in the database: an assisted filing waiting for the applicant's
consent (the one form as staff filled it in, the code's hash, the signature), a home
visit (request, schedule, identity check, photos) and what happened to a visit.

Until consent (or acceptance on site) no case exists: the citizen never finds a case in
我的办件 they did not agree to. Then the case is filed through the cases app's own
services (`file_case`, `accept`), and runs as any other."""

from __future__ import annotations

import json
import uuid

from django.conf import settings
from django.db import models

from onething.outreach.rules import IDENTITY_METHODS, REASONS, VISIT_STATE_LABELS, VisitState
from onething.privacy.fields import EncryptedTextField


class HeldFiling(models.Model):
    """The one form as staff filled it in for an applicant, checked, not filed yet."""

    package_id = models.CharField("一件事", max_length=100)
    package_name = models.CharField("一件事名称", max_length=200)
    answers = models.JSONField("情形", default=dict, blank=True)
    place = models.CharField("属地（县级）", max_length=12, blank=True)
    form_text = EncryptedTextField("申报信息", default="", blank=True)  # JSON, encrypted
    form_ready = models.BooleanField("一表已填好", default=False)

    class Meta:
        abstract = True

    @property
    def form(self) -> dict:
        return json.loads(self.form_text) if self.form_text else {}

    @form.setter
    def form(self, value: dict) -> None:
        self.form_text = json.dumps(value, ensure_ascii=False, sort_keys=True)


ASSIST_WAYS = [("window", "窗口帮办"), ("phone", "电话帮办")]
ASSIST_STATES = [("open", "待本人确认"), ("filed", "已提交"), ("cancelled", "已放弃")]


class AssistedFiling(HeldFiling):
    """帮办代办: staff fill in the one form for a citizen, who consents by a one-time code
    sent to their phone or by a signature on the window's tablet."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="帮办人"
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assisted_filings",
        verbose_name="申请人",
    )
    window = models.CharField("受理窗口（行政区划）", max_length=12, db_index=True)
    way = models.CharField("帮办方式", max_length=10, choices=ASSIST_WAYS, default="window")
    state = models.CharField("状态", max_length=10, choices=ASSIST_STATES, default="open")
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The last one-time code: only its keyed hash is kept (短信验证码).
    code_hash = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_used_at = models.DateTimeField(null=True, blank=True)
    code_wrong_tries = models.PositiveSmallIntegerField(default=0)
    codes_sent = models.PositiveSmallIntegerField(default=0)
    # The signature drawn on the tablet: a PNG in the private store, encrypted.
    signature_path = models.CharField(max_length=300, blank=True)
    signature_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    filed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "帮办代办"
        verbose_name_plural = "帮办代办"

    def __str__(self) -> str:
        return f"帮办代办：{self.package_name}"

    @property
    def state_label(self) -> str:
        return dict(ASSIST_STATES)[self.state]

    @property
    def way_label(self) -> str:
        return dict(ASSIST_WAYS)[self.way]


class HomeVisit(HeldFiling):
    """上门办: an applicant (or staff for them) asks for a visit; a supervisor of the
    jurisdiction schedules it; the visiting clerk checks identity, photographs the
    materials and accepts the case on site."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="home_visits",
        verbose_name="申请人",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="提出人"
    )
    jurisdiction = models.CharField("行政区划（县级）", max_length=12, db_index=True)
    address = EncryptedTextField("上门地址", default="")
    contact_phone = EncryptedTextField("联系电话", default="", blank=True)
    reason = models.CharField("原因", max_length=20, choices=list(REASONS.items()))
    reason_note = models.CharField("原因说明", max_length=300, blank=True)
    preferred_dates = models.JSONField("希望日期", default=list, blank=True)
    state = models.CharField(
        "状态",
        max_length=10,
        choices=[(s.value, VISIT_STATE_LABELS[s]) for s in VisitState],
        default=VisitState.REQUESTED,
    )
    version = models.PositiveIntegerField(default=0)
    visit_date = models.DateField("上门日期", null=True, blank=True)
    visit_time = models.TimeField("上门时间", null=True, blank=True)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="上门人员",
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    identity_method = models.CharField(
        "身份核验方式", max_length=20, choices=list(IDENTITY_METHODS.items()), blank=True
    )
    identity_checked_at = models.DateTimeField("身份核验时间", null=True, blank=True)
    identity_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField("取消原因", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "上门办"
        verbose_name_plural = "上门办"
        indexes = [models.Index(fields=["jurisdiction", "state", "done_at"], name="visit_place")]

    def __str__(self) -> str:
        return f"上门办：{self.package_name}"

    @property
    def state_label(self) -> str:
        return VISIT_STATE_LABELS[VisitState(self.state)]

    @property
    def reason_label(self) -> str:
        label = REASONS.get(self.reason, self.reason)
        return f"{label}（{self.reason_note}）" if self.reason_note else label

    @property
    def identity_label(self) -> str:
        return IDENTITY_METHODS.get(self.identity_method, "")


class VisitPhoto(models.Model):
    """A photo of a material taken on site, kept encrypted in the private store until
    the case is filed (then it is the case's upload for that material)."""

    visit = models.ForeignKey(HomeVisit, on_delete=models.CASCADE, related_name="photos")
    material_id = models.CharField("材料", max_length=100)
    material_name = models.CharField("材料名称", max_length=200)
    file_path = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["visit_id", "id"]
        verbose_name = "上门材料照片"
        verbose_name_plural = "上门材料照片"

    def __str__(self) -> str:
        return self.material_name


class VisitEvent(models.Model):
    """What happened to a visit, by whom (requested, scheduled, identity checked, photo,
    accepted, cancelled): append-only."""

    visit = models.ForeignKey(HomeVisit, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["visit_id", "id"]
        verbose_name = "上门办记录"
        verbose_name_plural = "上门办记录"

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return EVENT_LABELS.get(self.action, self.action)


EVENT_LABELS = {
    "request": "申请上门",
    "schedule": "安排上门",
    "identity": "核验身份",
    "photo": "拍照收取材料",
    "accept": "现场受理",
    "cancel": "取消",
}
