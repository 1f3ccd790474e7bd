"""The staff work lists: the window's queues, a reviewer's items, the supervisor's
cases — each an index range however long the history."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from onething.accounts.models import User
from onething.cases.lifecycle import (
    CASE_STATE_LABELS,
    CaseState,
    TaskState,
)
from onething.cases.models import OPEN_CASE_STATES, OPEN_TASK_STATES, Task
from onething.cases.query import LATE
from onething.cases.views.case_words import CLOSED_TASK_STATES, case_deadline, task_deadline
from onething.cases.views.common import (
    CLOSED_CASE_STATES,
    OVERDUE_STATES,
    PERSONAL,
    QUEUE_LIMIT,
    STATE_LABELS,
    count_up_to,
    current_catalog_or_none,
    for_listing,
    name_lookups,
    page_slice,
    role_required,
)
from onething.core.access import cases_visible_to, tasks_visible_to
from onething.core.roles import Role
from onething.privacy.services import display_name


def progress_of(cases) -> dict[int, tuple[int, int]]:
    """(finished, all) items of each case, counted in one query."""
    counts = (
        Task.objects.filter(case_id__in=[case.pk for case in cases])
        .order_by()
        .values_list("case_id")
        .annotate(done=Count("id", filter=Q(state__in=CLOSED_TASK_STATES)), total=Count("id"))
    )
    return {case_id: (done, total) for case_id, done, total in counts}


def case_rows(user: User, cases, today: date, place) -> list[dict[str, Any]]:
    rows = []
    counts = progress_of(cases)
    for case in cases:
        done, total = counts.get(case.pk, (0, 0))
        rows.append(
            {
                "case": case,
                "applicant": display_name(user, case.applicant),
                "deadline": case_deadline(case, today),
                "done": done,
                "total": total,
                "window": place(case.window),
                "state_label": STATE_LABELS.get(case.state, case.state),
            }
        )
    return rows


@role_required(Role.CLERK)
@require_GET
def window(request: HttpRequest) -> HttpResponse:
    """The window's queue: to decide (by the 5-working-day limit), awaiting the applicant's
    completion, and ready for the one handover."""
    user = request.user
    today = timezone.localdate()
    place, _department = name_lookups(current_catalog_or_none())
    mine = for_listing(cases_visible_to(user))
    queues = [
        (
            "submitted",
            "待受理",
            "5 个工作日内作出受理、一次性告知或不予受理的决定，逾期视为受理。",
            mine.filter(state=CaseState.SUBMITTED).order_by("window_due", "pk"),
        ),
        (
            "awaiting",
            "待申请人补齐",
            "已出具一次性告知书，等待申请人一次补齐。",
            mine.filter(state=CaseState.AWAITING_COMPLETION).order_by("submitted_at"),
        ),
        (
            "ready",
            "待出件",
            "各事项均已办结，请通知申请人一次领取全部结果。",
            mine.filter(state=CaseState.READY).order_by("ready_at"),
        ),
    ]
    sections = []
    for key, title, hint, queryset in queues:
        first = list(queryset[: QUEUE_LIMIT + 1])
        sections.append(
            {
                "key": key,
                "title": title,
                "hint": hint,
                "count": count_up_to(queryset),
                "rows": case_rows(user, first[:QUEUE_LIMIT], today, place),
                "more": len(first) > QUEUE_LIMIT,
            }
        )
    in_progress = count_up_to(mine.filter(state=CaseState.IN_PROGRESS))
    return render(
        request,
        "cases/window.html",
        {
            "nav": "window",
            "sections": sections,
            "in_progress": in_progress,
            "place": place(user.jurisdiction),
        },
    )


REVIEW_FILTERS = [("open", "未办结"), ("todo", "待认领"), ("mine", "我的"), ("done", "已办结")]


@role_required(Role.REVIEWER)
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    """A reviewer's work list: their department's items at their jurisdiction, open ones
    first, by due date, coloured by deadline state."""
    user = request.user
    today = timezone.localdate()
    catalog = current_catalog_or_none()
    place, department = name_lookups(catalog)
    show = request.GET.get("show", "open")
    if show not in dict(REVIEW_FILTERS):
        show = "open"
    tasks = (
        tasks_visible_to(user)
        .select_related("case", "case__applicant", "assignee")
        .defer(
            "case__form_text",
            *(f"{who}__{field}" for who in ("case__applicant", "assignee") for field in PERSONAL),
        )
    )
    open_tasks = tasks.filter(state__in=OPEN_TASK_STATES)
    # Counted: the open work only (bounded), in one pass over it; the finished history is
    # paged, not counted.
    counts = open_tasks.aggregate(
        open=Count("pk"),
        todo=Count("pk", filter=Q(state=TaskState.WORKABLE)),
        mine=Count("pk", filter=Q(assignee=user)),
    )
    if show == "done":
        tasks = tasks.filter(state__in=CLOSED_TASK_STATES).order_by("-finished_on", "-pk")
    else:
        if show == "todo":
            tasks = tasks.filter(state=TaskState.WORKABLE)
        elif show == "mine":
            tasks = open_tasks.filter(assignee=user)
        else:
            tasks = open_tasks
        # A waiting item has no due date yet: last. The open items' partial index
        # (task_open_list) gives this order without sorting them.
        tasks = tasks.order_by(F("due_date").asc(nulls_last=True), "pk")
    page = page_slice(request, tasks)
    rows = [
        {
            "task": task,
            "case": task.case,
            "applicant": display_name(user, task.case.applicant),
            "state_label": STATE_LABELS.get(task.state, task.state),
            "deadline": task_deadline(task, today),
            "assignee": display_name(user, task.assignee) if task.assignee_id else "",
            "mine": task.assignee_id == user.pk,
        }
        for task in page
    ]
    return render(
        request,
        "cases/review.html",
        {
            "nav": "review",
            "rows": rows,
            "page": page,
            "show": show,
            "filters": [(key, label, counts.get(key)) for key, label in REVIEW_FILTERS],
            "department": department(user.department),
            "place": place(user.jurisdiction),
        },
    )


@role_required(Role.SUPERVISOR, Role.ADMIN)
@require_GET
def supervision(request: HttpRequest) -> HttpResponse:
    """The cases in the supervisor's jurisdiction: the open ones by their next deadline
    (overdue first), or one state; each an index range however long the history."""
    user = request.user
    today = timezone.localdate()
    place, _department = name_lookups(current_catalog_or_none())
    cases = cases_visible_to(user).exclude(state=CaseState.DRAFT)  # not filed yet
    # Opened from a dashboard figure: one package, or the cases finished late.
    package = request.GET.get("package", "").strip()
    if package:
        cases = cases.filter(package_id=package)
    late = request.GET.get("late") == "1"
    if late:
        cases = cases.filter(LATE)
    open_cases = cases.filter(state__in=OPEN_CASE_STATES)
    overdue_cases = open_cases.filter(state__in=OVERDUE_STATES, deadline__lt=today)
    by_deadline = (F("deadline").asc(nulls_last=True), "pk")  # the case_open_deadline index
    state = request.GET.get("state", "")
    if state == "overdue":
        listed = overdue_cases.order_by(*by_deadline)
    elif state in OPEN_CASE_STATES:
        listed = open_cases.filter(state=state).order_by(*by_deadline)
    elif state in CLOSED_CASE_STATES:
        listed = cases.filter(state=state).order_by("-submitted_at")
    elif package or late:  # a figure's cases: all of them, newest first
        state, listed = "", cases.order_by("-submitted_at")
    else:
        state, listed = "", open_cases.order_by(*by_deadline)
    page = page_slice(request, for_listing(listed))
    return render(
        request,
        "cases/supervision.html",
        {
            "nav": "supervision",
            "rows": case_rows(user, page, today, place),
            "page": page,
            "states": [
                (s, CASE_STATE_LABELS[CaseState(s)])
                for s in (*OPEN_CASE_STATES, *CLOSED_CASE_STATES)
            ],
            "open_total": count_up_to(open_cases),
            "overdue": count_up_to(overdue_cases),
            "state": state,
            "figure": package or late,
            "place": place(user.jurisdiction) if user.jurisdiction else "全部辖区",
        },
    )
