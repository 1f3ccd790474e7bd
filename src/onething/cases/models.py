"""Cases in the database: the application, one task per item, and the action log.

Only what changed is written on a transition: the case or task row (with its version
number raised, for optimistic concurrency) and one `Action` row in the same
transaction — the audit trail and the state can never disagree.
"""

from __future__ import annotations

import json
import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from onething.cases.deadlines import Pause
from onething.cases.lifecycle import (
    CASE_ACTION_LABELS,
    CASE_STATE_LABELS,
    TASK_ACTION_LABELS,
    TASK_STATE_LABELS,
    TASK_TERMINAL,
    CaseState,
    TaskState,
)
from onething.catalog.models import CatalogVersion
from onething.privacy.fields import EncryptedTextField

CHANNELS = [
    ("web", "网上办"),
    ("mobile", "掌上办"),
    ("kiosk", "自助终端"),
    ("window", "窗口"),
    ("agent", "代办"),
    ("visit", "上门办"),
]
CHANNEL_LABELS = dict(CHANNELS)

# 帮办代办: how the applicant consented to a case staff filled in for them.
CONSENTS = [
    ("code", "经本人短信验证码确认"),
    ("signature", "经本人当面签名确认"),
]
CONSENT_LABELS = dict(CONSENTS)


OPEN_CASE_STATES = [
    CaseState.SUBMITTED.value,
    CaseState.AWAITING_COMPLETION.value,
    CaseState.IN_PROGRESS.value,
    CaseState.READY.value,
]


class Case(models.Model):
    """An application for one 一件事 package."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField("受理编号", max_length=32, unique=True, null=True, blank=True)
    catalog_version = models.ForeignKey(
        CatalogVersion, on_delete=models.PROTECT, verbose_name="目录版本"
    )
    package_id = models.CharField("一件事", max_length=100)
    package_name = models.CharField("一件事名称", max_length=200)
    answers = models.JSONField("情形", default=dict)
    form_text = EncryptedTextField("申报信息", default="", blank=True)  # JSON, encrypted
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name="申请人",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agent_cases",
        verbose_name="代办员",
    )
    channel = models.CharField("渠道", max_length=10, choices=CHANNELS)
    # 自助终端: the kiosk a case was filed at (channel "kiosk"; blank otherwise).
    kiosk_code = models.CharField("自助终端", max_length=40, blank=True, default="")
    # 帮办代办 / 上门办: the member of staff who filled in the form for the applicant, and
    # how the applicant consented (blank: not assisted, or in person at a home visit).
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="代为填报人",
    )
    consent = models.CharField("本人确认方式", max_length=10, choices=CONSENTS, blank=True)
    consent_at = models.DateTimeField("本人确认时间", null=True, blank=True)
    window = models.CharField("受理窗口（行政区划）", max_length=12, db_index=True)
    place = models.CharField("属地（县级）", max_length=12, db_index=True)
    state = models.CharField(
        "状态",
        max_length=24,
        choices=[(s.value, CASE_STATE_LABELS[s]) for s in CaseState],
        default=CaseState.DRAFT,
    )
    version = models.PositiveIntegerField(default=0)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    window_due = models.DateField("窗口受理期限", null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_date = models.DateField("办结期限", null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    # Working days from acceptance to the last decision (kept for the dashboard).
    days_taken = models.PositiveSmallIntegerField("实际办理工作日", null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # 下一个期限: the window's decision date while submitted; while in progress the
    # earlier of the package's due date and a running item's own (`deadlines.next_deadline`).
    # Kept by the services after each change (`store.keep_deadline`) so that overdue lists
    # are an index range.
    deadline = models.DateField("下一个期限", null=True, blank=True)
    refusal_reason = models.TextField("不予受理理由", blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "办件"
        verbose_name_plural = "办件"
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"], name="case_idempotency_key_once"
            )
        ]
        indexes = [
            models.Index(fields=["window", "state", "window_due", "id"], name="case_window_queue"),
            models.Index(fields=["state", "due_date"], name="case_state_due"),
            models.Index(fields=["applicant", "created_at"], name="case_applicant"),
            # The dashboard's roll-up recomputes a filing day at a time.
            models.Index(fields=["submitted_at"], name="case_submitted"),
            # The open cases by next deadline: the supervision lists, in index order.
            models.Index(
                fields=["deadline", "id"],
                name="case_open_deadline",
                condition=models.Q(state__in=OPEN_CASE_STATES),
                # counted without reading the rows (PostgreSQL; SQLite ignores it)
                include=["state", "window", "place"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number or '草稿'} {self.package_name}"

    @property
    def form(self) -> dict:
        return json.loads(self.form_text) if self.form_text else {}

    @form.setter
    def form(self, value: dict) -> None:
        self.form_text = json.dumps(value, ensure_ascii=False, sort_keys=True)

    @property
    def state_label(self) -> str:
        return CASE_STATE_LABELS[CaseState(self.state)]

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS.get(self.channel, self.channel)

    @property
    def filed_by_note(self) -> str:
        """For an assisted case 由 <staff> 代为填报（经本人短信验证码确认）, else ""."""
        if self.filed_by_id is None:
            return ""
        how = CONSENT_LABELS.get(self.consent) or (
            "上门核验本人身份后受理" if self.channel == "visit" else "本人在场"
        )
        name = self.filed_by.full_name or self.filed_by.username
        return f"由 {name} 代为填报（{how}）"


OPEN_TASK_STATES = [state.value for state in TaskState if state not in TASK_TERMINAL]


class Task(models.Model):
    """One item of a case, handled by its department at the level that implements it."""

    # (case, item_id) is unique, which indexes case lookups already
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks", db_index=False)
    position = models.PositiveSmallIntegerField()  # package order
    item_id = models.CharField("事项", max_length=100)
    item_name = models.CharField("事项名称", max_length=200)
    department = models.CharField("部门", max_length=50)
    jurisdiction = models.CharField("办理层级（行政区划）", max_length=12)
    after = models.JSONField("前置事项", default=list)
    kind = models.CharField(max_length=10)
    promised_days = models.PositiveSmallIntegerField("承诺时限")
    state = models.CharField(
        "状态",
        max_length=16,
        choices=[(s.value, TASK_STATE_LABELS[s]) for s in TaskState],
        default=TaskState.WAITING,
    )
    version = models.PositiveIntegerField(default=0)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name="承办人",
    )
    workable_on = models.DateField(null=True, blank=True)
    due_date = models.DateField("办结期限", null=True, blank=True)
    finished_on = models.DateField(null=True, blank=True)
    pauses = models.JSONField("暂停计时", default=list)  # [[start, end or null], …]
    decision_note = models.TextField("办理意见", blank=True)
    # 等候外部前置: what outside the case it waits for (定制办: another project's item, a
    # joint review); released once that is done and its own predecessors are approved.
    held_for = models.CharField("等候", max_length=300, blank=True)

    class Meta:
        ordering = ["case_id", "position"]
        verbose_name = "事项办理"
        verbose_name_plural = "事项办理"
        constraints = [
            models.UniqueConstraint(fields=["case", "item_id"], name="task_item_once_per_case")
        ]
        indexes = [
            models.Index(
                fields=["department", "jurisdiction", "state", "due_date"], name="task_work_list"
            ),
            models.Index(fields=["state", "due_date"], name="task_state_due"),
            # A reviewer's open items by due date: the work list, read in index order.
            models.Index(
                fields=["department", "jurisdiction", "due_date", "id"],
                name="task_open_list",
                condition=models.Q(state__in=OPEN_TASK_STATES),
            ),
            # A reviewer's finished items, newest first (the history behind the work list).
            models.Index(
                fields=["department", "jurisdiction", "-finished_on"], name="task_done_list"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_name}（{self.state_label}）"

    @property
    def state_label(self) -> str:
        return TASK_STATE_LABELS[TaskState(self.state)]

    def pause_list(self) -> tuple[Pause, ...]:
        return tuple(
            Pause(date.fromisoformat(start), date.fromisoformat(end) if end else None)
            for start, end in self.pauses
        )


# What an audit record's `action` says, in Chinese (case and task actions alike).
ACTION_LABELS = {
    a.value: label for a, label in (*CASE_ACTION_LABELS.items(), *TASK_ACTION_LABELS.items())
}


class Action(models.Model):
    """One entry of a case's action log (audit trail): who did what, when, from and to.

    Append-only and chained (privacy/audit.py, core/audit_chain.py): each case's actions
    form one chain, ``seq`` 1, 2, 3 … and each sealed (``mac``) over its content and the
    seal before it, written only by `store.insert_actions`. A database trigger refuses
    UPDATE and DELETE, and a case or task with actions cannot be deleted (PROTECT)."""

    # Every transition appends a row, so the table keeps one index only: (case, seq), the
    # chain's order, which also serves the timeline. Rows are never looked up by task or
    # actor.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="actions", db_index=False)
    task = models.ForeignKey(
        Task, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    actor_role = models.CharField(max_length=20)
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, editable=False)
    seq = models.PositiveIntegerField("链内序号", editable=False)
    mac = models.CharField("链式校验值", max_length=80, editable=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="action_chain_seq"),
        ]

    def __str__(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


class Notice(models.Model):
    """A written notice to the applicant (书面告知)."""

    KINDS = [
        ("completion", "一次性告知书（补齐材料）"),
        ("supplement", "补正通知"),
        ("special", "特殊环节告知"),
        ("refusal", "不予受理决定"),
        ("rejection", "不予许可决定"),
        ("acceptance", "受理通知"),
    ]
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    kind = models.CharField(max_length=20, choices=KINDS)
    lines = models.JSONField("告知事项", default=list)
    text = models.TextField(blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)

    class Meta:
        ordering = ["issued_at", "id"]
        verbose_name = "书面告知"
        verbose_name_plural = "书面告知"

    def __str__(self) -> str:
        return self.kind_label

    @property
    def kind_label(self) -> str:
        return dict(self.KINDS)[self.kind]


class SpecialProcedure(models.Model):
    """特殊环节: expert review, on-site inspection, testing or hearing; may cover several
    tasks, of one case or several (one joint expert review)."""

    KINDS = [
        ("expert_review", "专家评审"),
        ("inspection", "现场勘验"),
        ("testing", "检验检测"),
        ("hearing", "听证"),
    ]
    kind = models.CharField(max_length=20, choices=KINDS)
    title = models.CharField(max_length=200)
    days = models.PositiveSmallIntegerField("时限（工作日）")
    started_on = models.DateField()
    due_date = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    tasks = models.ManyToManyField(Task, related_name="special_procedures")

    class Meta:
        verbose_name = "特殊环节"
        verbose_name_plural = "特殊环节"

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        return dict(self.KINDS)[self.kind]


class OutboxMessage(models.Model):
    """A notification waiting to be delivered; written in the same transaction as the change."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=30)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    available_at = models.DateTimeField(db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Claimed by a sweep that is sending it now (committed before the send, cleared with
    # the result); still set after a kill: re-sent once its lease has run out.
    sending_since = models.DateTimeField("发送开始", null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "待发通知"
        verbose_name_plural = "待发通知"

    def __str__(self) -> str:
        return self.subject


ORIGINS = [
    ("applicant", "申请人提供"),
    ("form", "按一表申报生成"),
    ("package", "本件事生成"),
]


class Evidence(models.Model):
    """One required material of a case and how it was provided (see `evidence`)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    material_id = models.CharField("材料", max_length=100)
    material_name = models.CharField("材料名称", max_length=200)
    evidence_type = models.CharField("可替代的证照类型", max_length=100, blank=True)
    # Who provides it: the applicant (upload, the window, a certificate held, a promise),
    # the platform from the one form (申请书), or an item of this case (its certificate).
    origin = models.CharField("来源", max_length=10, choices=ORIGINS, default="applicant")
    produced_by = models.CharField("生成事项", max_length=100, blank=True)  # origin package
    commitment_allowed = models.BooleanField("可告知承诺", default=False)
    trust = models.CharField("可信等级", max_length=1, blank=True)  # "" while missing
    licence = models.ForeignKey(
        "licences.Licence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="uses",
        verbose_name="引用的电子证照",
    )
    file_name = models.CharField(max_length=200, blank=True)  # shown only, never a path
    file_path = models.CharField(max_length=300, blank=True)  # under the data dir, encrypted
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)  # of the content
    size = models.PositiveIntegerField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=40, blank=True)
    blank_pages = models.JSONField("空白页", default=list, blank=True)  # 1-based page numbers
    paper_received = models.BooleanField("纸质材料已收取", default=False)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    # 核验: why the window hands over without having checked it against the original.
    check_note = models.TextField("未核验原件的理由", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case_id", "id"]
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        constraints = [
            models.UniqueConstraint(fields=["case", "material_id"], name="evidence_once_per_case")
        ]

    def __str__(self) -> str:
        return self.material_name


DELIVERY_METHODS = [
    ("window", "窗口领取"),
    ("post", "邮寄送达"),
    ("electronic", "电子送达"),
]
DELIVERY_LABELS = dict(DELIVERY_METHODS)


class Delivery(models.Model):
    """How the results reach the applicant (送达), chosen by the applicant: at the window,
    by post (address, carrier, tracking number, signed for) or electronically to the
    licence library. Contact details are encrypted at rest."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="delivery")
    method = models.CharField("送达方式", max_length=12, choices=DELIVERY_METHODS)
    recipient_name = EncryptedTextField("收件人", blank=True, default="")
    recipient_phone = EncryptedTextField("收件人电话", blank=True, default="")
    address = EncryptedTextField("邮寄地址", blank=True, default="")
    chosen_at = models.DateTimeField(auto_now=True)
    carrier = models.CharField("承运单位", max_length=40, blank=True)
    tracking_number = models.CharField("运单号", max_length=40, blank=True)
    dispatched_at = models.DateTimeField("交付时间", null=True, blank=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_note = models.CharField("签收情况", max_length=100, blank=True)

    class Meta:
        verbose_name = "结果送达"
        verbose_name_plural = "结果送达"

    def __str__(self) -> str:
        return self.method_label

    @property
    def method_label(self) -> str:
        return DELIVERY_LABELS.get(self.method, self.method)
