"""Cases in the admin, read-only: every change to a case goes through its services, which
write the audit record with it. A case's page shows its items, materials, notices,
delivery and audit trail; applicants are masked (张*), the one form is not shown.

The lists are built for millions of rows: newest first by id, no full count, filters on
choices only (none reads the table for its values)."""

from __future__ import annotations

from django.contrib import admin

from onething.accounts.admin import department_name, place_name
from onething.cases.evidence import TrustLevel, labels as evidence_labels
from onething.cases.lifecycle import (
    CASE_STATE_LABELS,
    ROLE_LABELS,
    TASK_STATE_LABELS,
)
from onething.cases.models import (
    Action,
    Case,
    Delivery,
    Evidence,
    Notice,
    OutboxMessage,
    SpecialProcedure,
    Task,
)
from onething.privacy.admin import (
    ChoiceFilter,
    ReadOnlyAdmin,
    ReadOnlyInline,
    labelled,
    masked_person,
)
from onething.privacy.masking import mask_name, mask_phone, mask_text

STATE_NAMES: dict[str, str] = {
    **{s.value: label for s, label in TASK_STATE_LABELS.items()},
    **{s.value: label for s, label in CASE_STATE_LABELS.items()},
}


def state_name(value: str) -> str:
    return STATE_NAMES.get(value, value) if value else "—"


class TaskInline(ReadOnlyInline):
    model = Task
    fields = readonly_fields = (
        "item_name",
        "department_shown",
        "level",
        "state",
        "assignee_shown",
        "due_date",
        "finished",
        "pauses",
    )

    finished = labelled("finished_on", "办结日期")

    @admin.display(description="部门")
    def department_shown(self, task: Task) -> str:
        return department_name(task.department)

    @admin.display(description="办理层级")
    def level(self, task: Task) -> str:
        return place_name(task.jurisdiction)

    @admin.display(description="承办人")
    def assignee_shown(self, task: Task) -> str:
        return masked_person(task.assignee) if task.assignee_id else "—"


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = readonly_fields = (
        "material_name",
        "origin",
        "trust_shown",
        "licence",
        "file",
        "page_count",
        "paper_received",
        "checked",
        "check_note",
    )

    file = labelled("file_name", "文件名")
    page_count = labelled("pages", "页数")
    checked = labelled("checked_at", "核验时间")

    @admin.display(description="可信等级")
    def trust_shown(self, evidence: Evidence) -> str:
        level = TrustLevel(evidence.trust) if evidence.trust else None
        return evidence_labels(level, evidence.origin)[1]


class NoticeInline(ReadOnlyInline):
    model = Notice
    fields = readonly_fields = ("what", "item", "issued", "answered")

    what = labelled("kind_label", "告知类型")
    item = labelled("task", "事项")
    issued = labelled("issued_at", "告知时间")
    answered = labelled("answered_at", "答复时间")


class DeliveryInline(ReadOnlyInline):
    model = Delivery
    fields = readonly_fields = (
        "method",
        "recipient",
        "phone",
        "carrier",
        "tracking_number",
        "dispatched_at",
        "signed_at",
    )

    @admin.display(description="收件人")
    def recipient(self, delivery: Delivery) -> str:
        return mask_name(delivery.recipient_name)

    @admin.display(description="收件人电话")
    def phone(self, delivery: Delivery) -> str:
        return mask_phone(delivery.recipient_phone)


class ActionFields:
    """An audit record as the case page shows it: labels in Chinese, people masked."""

    when = labelled("at", "时间")
    item = labelled("task", "事项")

    @admin.display(description="操作")
    def what(self, record: Action) -> str:
        return str(record)

    @admin.display(description="操作人")
    def who(self, record: Action) -> str:
        return masked_person(record.actor)

    @admin.display(description="角色")
    def role(self, record: Action) -> str:
        return ROLE_LABELS.get(record.actor_role, "系统")

    @admin.display(description="原状态")
    def before(self, record: Action) -> str:
        return state_name(record.from_state)

    @admin.display(description="新状态")
    def after(self, record: Action) -> str:
        return state_name(record.to_state)

    @admin.display(description="说明")
    def note_shown(self, record: Action) -> str:
        return mask_text(record.note)


class ActionInline(ActionFields, ReadOnlyInline):
    model = Action
    fields = readonly_fields = ("when", "who", "role", "what", "before", "after", "note_shown")


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "package_name",
        "applicant_shown",
        "state",
        "channel",
        "window_shown",
        "submitted",
        "due_date",
    )
    list_filter = ("state", "channel")
    search_fields = ("=number", "package_name")
    list_select_related = ("applicant",)
    ordering = ("-id",)  # the primary key's order: no sort of the whole table
    fields = readonly_fields = (
        "number",
        "public",
        "package_name",
        "package_id",
        "catalog_version",
        "answers",
        "applicant_shown",
        "agent_shown",
        "channel",
        "kiosk_code",
        "window_shown",
        "place_shown",
        "state",
        "submitted",
        "window_due",
        "accepted",
        "due_date",
        "deadline",
        "ready",
        "completed",
        "days_taken",
        "refusal_reason",
    )
    inlines = [TaskInline, EvidenceInline, NoticeInline, DeliveryInline, ActionInline]

    public = labelled("public_id", "办件标识")
    submitted = labelled("submitted_at", "提交时间")
    accepted = labelled("accepted_at", "受理时间")
    ready = labelled("ready_at", "待领取时间")
    completed = labelled("completed_at", "办结时间")

    @admin.display(description="申请人")
    def applicant_shown(self, case: Case) -> str:
        return masked_person(case.applicant)

    @admin.display(description="代办员")
    def agent_shown(self, case: Case) -> str:
        return masked_person(case.agent) if case.agent_id else "—"

    @admin.display(description="受理窗口")
    def window_shown(self, case: Case) -> str:
        return place_name(case.window)

    @admin.display(description="属地")
    def place_shown(self, case: Case) -> str:
        return place_name(case.place)


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ("item_name", "of_case", "department_shown", "level", "state", "due_date")
    list_filter = ("state",)
    search_fields = ("=case__number", "item_name")
    list_select_related = ("case",)
    ordering = ("-id",)
    fields = readonly_fields = (
        "of_case",
        "item_name",
        "item_id",
        "department_shown",
        "level",
        "state",
        "assignee_shown",
        "promised_days",
        "workable",
        "due_date",
        "finished",
        "pauses",
        "decision_note",
    )

    of_case = labelled("case", "办件")
    workable = labelled("workable_on", "可办理日期")
    finished = TaskInline.finished

    department_shown = TaskInline.department_shown
    level = TaskInline.level
    assignee_shown = TaskInline.assignee_shown


@admin.register(Action)
class ActionAdmin(ActionFields, ReadOnlyAdmin):
    """The audit trail (办理记录), newest first; one case's through the search for its
    number."""

    list_display = ("when", "of_case", "who", "role", "what", "before", "after")
    search_fields = ("=case__number",)
    list_select_related = ("case", "actor")
    ordering = ("-id",)
    fields = readonly_fields = (
        "when",
        "of_case",
        "item",
        "who",
        "role",
        "what",
        "before",
        "after",
        "note_shown",
    )

    of_case = labelled("case", "办件")


class ProcedureKindFilter(ChoiceFilter):
    title = "环节类型"
    parameter_name = "kind"
    options = dict(SpecialProcedure.KINDS)


@admin.register(SpecialProcedure)
class SpecialProcedureAdmin(ReadOnlyAdmin):
    list_display = ("title_shown", "what", "days", "started", "due", "ended")
    list_filter = (ProcedureKindFilter,)
    search_fields = ("title",)
    ordering = ("-id",)
    fields = readonly_fields = (
        "what",
        "title_shown",
        "days",
        "started",
        "due",
        "ended",
        "outcome_shown",
        "by",
        "items",
    )

    what = labelled("kind_label", "环节类型")
    title_shown = labelled("title", "名称")
    started = labelled("started_on", "开始日期")
    due = labelled("due_date", "期限")
    ended = labelled("ended_on", "结束日期")
    outcome_shown = labelled("outcome", "结果")

    @admin.display(description="启动人")
    def by(self, procedure: SpecialProcedure) -> str:
        return masked_person(procedure.created_by)

    @admin.display(description="涉及事项")
    def items(self, procedure: SpecialProcedure) -> str:
        return "、".join(f"{t.case.number} {t.item_name}" for t in procedure.tasks.all())


class SentFilter(admin.SimpleListFilter):
    title = "发送情况"
    parameter_name = "sent"

    def lookups(self, request, model_admin):
        return [("yes", "已发送"), ("no", "待发送")]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(delivered_at__isnull=value == "no") if value else queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Notifications waiting or sent; the subject only (the body may name the person)."""

    list_display = ("created", "kind_shown", "subject_shown", "recipient_shown", "sent", "tries")
    list_filter = (SentFilter,)
    list_select_related = ("recipient",)
    ordering = ("-id",)
    fields = readonly_fields = (
        "created",
        "kind_shown",
        "subject_shown",
        "recipient_shown",
        "of_case",
        "available",
        "sent",
        "tries",
        "error",
    )

    created = labelled("created_at", "生成时间")
    kind_shown = labelled("kind", "通知类型")
    subject_shown = labelled("subject", "标题")
    of_case = labelled("case", "办件")
    available = labelled("available_at", "可发送时间")
    sent = labelled("delivered_at", "发送时间")
    tries = labelled("attempts", "尝试次数")
    error = labelled("last_error", "最近错误")

    @admin.display(description="收件人")
    def recipient_shown(self, message: OutboxMessage) -> str:
        return masked_person(message.recipient)
