"""好差评, 差评整改, complaints and the dashboard's roll-up in the admin, read-only: each
is changed only by its service (rating, appeal, rectification step, complaint step), which
keeps its record. Raters and complainants are masked; a complainant's contact details
are shown only masked, whatever the admin's role."""

from __future__ import annotations

from django.contrib import admin

from onething.accounts.admin import department_name, place_name
from onething.evaluation.complaints import CATEGORIES, KINDS, STATE_LABELS, SUBJECTS
from onething.evaluation.models import (
    Complaint,
    ComplaintEvent,
    DailyFigures,
    FiguresWatermark,
    Rating,
    Rectification,
    RectificationStep,
)
from onething.evaluation.ratings import LEVEL_LABELS
from onething.privacy.admin import (
    ChoiceFilter,
    ReadOnlyAdmin,
    ReadOnlyInline,
    labelled,
    masked_person,
)
from onething.privacy.masking import mask_name, mask_phone, mask_text


class LevelFilter(ChoiceFilter):
    title = "评价等级"
    parameter_name = "level"
    options = {str(level.value): label for level, label in LEVEL_LABELS.items()}


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("created", "of_case", "window_shown", "stage_label", "level_label", "removed")
    list_filter = (LevelFilter, "removed")
    search_fields = ("=case__number",)
    list_select_related = ("case",)
    ordering = ("-id",)
    fields = readonly_fields = (
        "created",
        "of_case",
        "window_shown",
        "stage_label",
        "level_label",
        "reasons",
        "text_shown",
        "channel",
        "rater_shown",
        "appeal",
        "removed",
        "removal_reason",
    )

    created = labelled("created_at", "评价时间")
    of_case = labelled("case", "办件")

    @admin.display(description="窗口")
    def window_shown(self, rating: Rating) -> str:
        return place_name(rating.window) if rating.window else "—"

    @admin.display(description="评价环节")
    def stage_label(self, rating: Rating) -> str:
        return rating.stage_label

    @admin.display(description="评价等级")
    def level_label(self, rating: Rating) -> str:
        return rating.level_label

    @admin.display(description="评价内容")
    def text_shown(self, rating: Rating) -> str:
        return mask_text(rating.text)

    @admin.display(description="评价人")
    def rater_shown(self, rating: Rating) -> str:
        return masked_person(rating.rater)


class StepFields:
    when = labelled("at", "时间")
    step = labelled("action", "步骤")

    @admin.display(description="操作人")
    def who(self, step) -> str:
        return masked_person(step.actor)


class RectificationStepInline(StepFields, ReadOnlyInline):
    model = RectificationStep
    fields = readonly_fields = ("when", "step", "note_shown", "who")
    note_shown = labelled("note", "说明")


class RectificationStateFilter(ChoiceFilter):
    title = "状态"
    parameter_name = "state"
    options = dict(Rectification.STATES)


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = ("created", "of_case", "unit_shown", "place", "state_shown", "verify_due")
    list_filter = (RectificationStateFilter, "escalated")
    search_fields = ("=case__number",)
    list_select_related = ("case",)
    ordering = ("-id",)
    fields = readonly_fields = (
        "of_rating",
        "of_case",
        "unit_shown",
        "place",
        "state_shown",
        "verify_due",
        "rectify_due",
        "holds",
        "verify_note",
        "action_note",
        "answer",
        "revisit_satisfied",
        "revisit_note",
        "escalated",
        "created",
        "closed",
    )
    inlines = [RectificationStepInline]

    of_rating = labelled("rating", "差评")
    of_case = labelled("case", "办件")
    state_shown = labelled("state_label", "状态")
    holds = labelled("verified", "反映属实", boolean=True)
    created = labelled("created_at", "生成时间")
    closed = labelled("closed_at", "办结时间")

    @admin.display(description="责任单位")
    def unit_shown(self, rectification: Rectification) -> str:
        unit = rectification.unit
        return "综合窗口" if unit == "window" else department_name(unit)

    @admin.display(description="行政区划")
    def place(self, rectification: Rectification) -> str:
        return place_name(rectification.jurisdiction)


COMPLAINT_STATES = {state.value: label for state, label in STATE_LABELS.items()}


class ComplaintEventInline(StepFields, ReadOnlyInline):
    model = ComplaintEvent
    fields = readonly_fields = ("when", "step", "text_shown", "who")
    text_shown = labelled("text", "告知内容")


class ComplaintKindFilter(ChoiceFilter):
    title = "类型"
    parameter_name = "kind"
    options = KINDS


class ComplaintCategoryFilter(ChoiceFilter):
    title = "问题类别"
    parameter_name = "category"
    options = CATEGORIES


class ComplaintStateFilter(ChoiceFilter):
    title = "状态"
    parameter_name = "state"
    options = COMPLAINT_STATES


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = (
        "tracking",
        "created",
        "kind_shown",
        "category_shown",
        "place",
        "state_shown",
        "due_date",
    )
    list_filter = (ComplaintKindFilter, ComplaintCategoryFilter, ComplaintStateFilter)
    search_fields = ("=tracking",)
    ordering = ("-id",)
    fields = readonly_fields = (
        "tracking",
        "created",
        "kind_shown",
        "category_shown",
        "subject_shown",
        "of_case",
        "about",
        "text_shown",
        "place",
        "contact",
        "by_channel",
        "state_shown",
        "assignee_shown",
        "due_date",
        "reply",
        "revisit_note",
        "merged",
        "closed",
    )
    inlines = [ComplaintEventInline]

    created = labelled("created_at", "提出时间")
    of_case = labelled("case", "办件")
    by_channel = labelled("channel", "渠道")
    merged = labelled("merged_into", "并入诉求")
    closed = labelled("closed_at", "办结时间")

    @admin.display(description="类型")
    def kind_shown(self, complaint: Complaint) -> str:
        return KINDS.get(complaint.kind, complaint.kind)

    @admin.display(description="问题类别")
    def category_shown(self, complaint: Complaint) -> str:
        return CATEGORIES.get(complaint.category, complaint.category)

    @admin.display(description="对象")
    def subject_shown(self, complaint: Complaint) -> str:
        return SUBJECTS.get(complaint.subject, complaint.subject)

    @admin.display(description="内容")
    def text_shown(self, complaint: Complaint) -> str:
        return mask_text(complaint.text)

    @admin.display(description="行政区划")
    def place(self, complaint: Complaint) -> str:
        return place_name(complaint.jurisdiction)

    @admin.display(description="联系人")
    def contact(self, complaint: Complaint) -> str:
        if complaint.anonymous:
            return "匿名"
        shown = [mask_name(complaint.contact_name), mask_phone(complaint.contact_phone)]
        return " ".join(part for part in shown if part) or "—"

    @admin.display(description="状态")
    def state_shown(self, complaint: Complaint) -> str:
        return COMPLAINT_STATES.get(complaint.state, complaint.state)

    @admin.display(description="承办人")
    def assignee_shown(self, complaint: Complaint) -> str:
        return masked_person(complaint.assignee) if complaint.assignee_id else "—"


@admin.register(DailyFigures)
class DailyFiguresAdmin(ReadOnlyAdmin):
    """The dashboard's roll-up (kept by `evaluation.rollup`): for checking its sums."""

    list_display = (
        "filed_on",
        "package",
        "department_shown",
        "window_shown",
        "place_shown",
        "filed_count",
        "accepted_count",
        "finished_count",
        "on_time_count",
        "ratings_count",
        "good_count",
    )
    search_fields = ("=package_id", "=department")
    ordering = ("-day", "id")
    fields = readonly_fields = (*list_display, "days")

    filed_on = labelled("day", "申报日期")
    package = labelled("package_name", "一件事")
    filed_count = labelled("filed", "申报件数")
    accepted_count = labelled("accepted", "受理件数")
    finished_count = labelled("finished", "办结件数")
    on_time_count = labelled("on_time", "按时办结件数")
    ratings_count = labelled("ratings", "评价数")
    good_count = labelled("good_ratings", "好评数")
    days = labelled("days_taken", "办理工作日分布")

    @admin.display(description="部门")
    def department_shown(self, figures: DailyFigures) -> str:
        return department_name(figures.department) if figures.department else "（全部）"

    @admin.display(description="受理窗口")
    def window_shown(self, figures: DailyFigures) -> str:
        return place_name(figures.window)

    @admin.display(description="属地")
    def place_shown(self, figures: DailyFigures) -> str:
        return place_name(figures.place)


@admin.register(FiguresWatermark)
class FiguresWatermarkAdmin(ReadOnlyAdmin):
    list_display = ("read", "refreshed")
    fields = readonly_fields = ("read", "refreshed", "recent_reads")

    read = labelled("read_from", "已读到的办理记录")
    refreshed = labelled("refreshed_at", "最近刷新")
    recent_reads = labelled("recent", "最近刷新记录")
