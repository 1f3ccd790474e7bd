"""What the case pages share: role checks, labels, deadline chips, the next step in
the applicant's words, the scoped case look-up, and list paging that does not count.

Every change goes through `onething.cases.services`; every list and case is scoped by
`onething.cases.query` (staff see their jurisdiction only; a case one may not see is a
404). A refused request shows the service's reason on the page with its status (400,
403, 404, 409); a change that succeeded redirects back with a message (POST, redirect,
GET), and each action form carries the version the page showed, so an action taken on a
stale page is refused with 409 instead of being applied to something the user never saw.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from onething.accounts.models import User
from onething.calendar.loaded import current_calendar
from onething.cases.deadlines import (
    DEADLINE_STATE_LABELS,
    deadline_state,
    working_days_left,
)
from onething.cases.lifecycle import (
    CASE_ACTION_LABELS,
    CASE_STATE_LABELS,
    TASK_ACTION_LABELS,
    TASK_PAUSED,
    TASK_STATE_LABELS,
    TASK_TERMINAL,
    CaseState,
    TaskState,
)
from onething.cases.models import (
    Case,
    SpecialProcedure,
    Task,
)
from onething.cases.query import case_by_public_id
from onething.catalog.entities import Catalog
from onething.catalog.services import current_catalog
from onething.core.access import may_view_case
from onething.core.error_pages import forbidden
from onething.core.errors import CaseError
from onething.core.roles import ROLE_LABELS, Role
from onething.privacy.services import display_name

PAGE_SIZE = 25
QUEUE_LIMIT = 20  # the first of each queue: the ones to do now

# --------------------------------------------------------------------------- helpers

_CJK = re.compile(r"[\u4e00-\u9fff]")

ACTION_LABELS: dict[str, str] = {
    "create": "创建申请",
    "edit": "修改草稿",
    "upload_evidence": "上传材料",
    "check_original": "核验原件",
    "receive_paper": "收取纸质材料",
    "promise_evidence": "告知承诺",
    "check_all": "核验全部原件",
    "note_unchecked": "记录未核验原件的理由",
    "choose_delivery": "选择领取方式",
    "delivery_signed": "确认签收",
    "rate": "评价",
    "rectification_open": "差评整改立项",
    "rectification_verify": "核实差评",
    "rectification_answer": "整改并答复",
    "rectification_revisit": "回访",
    "rectification_appeal": "申诉差评",
    "rectification_appeal_decided": "裁定申诉",
    **{action.value: label for action, label in CASE_ACTION_LABELS.items()},
    **{action.value: label for action, label in TASK_ACTION_LABELS.items()},
}
STATE_LABELS: dict[str, str] = {
    **{state.value: label for state, label in CASE_STATE_LABELS.items()},
    **{state.value: label for state, label in TASK_STATE_LABELS.items()},
}
SPECIAL_KINDS = SpecialProcedure.KINDS
CLOSED_TASK_STATES = [state.value for state in TASK_TERMINAL]
CLOSED_CASE_STATES = (
    CaseState.COMPLETED.value,
    CaseState.REFUSED.value,
    CaseState.WITHDRAWN.value,
)
OVERDUE_STATES = (CaseState.SUBMITTED, CaseState.IN_PROGRESS)  # where a deadline runs


def role_required(*roles: str):
    """Log-in required (redirect to the log-in page), then one of `roles` (403 otherwise)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if request.user.role not in roles:
                names = "、".join(ROLE_LABELS[Role(r)] for r in roles)
                return forbidden(request, f"此页面供{names}使用。")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def post_only(view):
    """An action address opened with GET (after logging in again, a reload, a bookmark)
    leads to the case page instead of a bare 405."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, case_id, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            case = visible_case(request.user, case_id)
            messages.info(request, "操作没有执行：请在页面上重新选择要办理的操作。")
            return redirect(case_url(case))
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, case_id, *args, **kwargs)

    return wrapped


def error_message(exc: CaseError, what: str) -> str:
    """The service's reason in Chinese; a refusal that came without one gets a plain one."""
    if _CJK.search(exc.message):
        return exc.message
    if exc.status == 409:
        return f"现在不能{what}：办件或事项的状态已经变化，请刷新页面查看最新状态后再操作。"
    if exc.status == 403:
        return f"您无权{what}。"
    if exc.status == 404:
        return "办件或事项不存在。"
    return f"不能{what}，请检查填写的内容。"


def posted_version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "").strip()
    return int(raw) if raw.isdigit() else None


def posted_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def name_lookups(catalog: Catalog | None):
    def place(code: str) -> str:
        return catalog.place_name(code) if catalog else code

    def department(department_id: str) -> str:
        found = catalog.departments.get(department_id) if catalog else None
        return found.name if found else department_id

    return place, department


def current_catalog_or_none() -> Catalog | None:
    current = current_catalog()
    return current.catalog if current else None


@dataclass(frozen=True, slots=True)
class Deadline:
    """A due date with its deadline state, for a coloured chip."""

    due: date
    state: str
    label: str
    days_left: int | None

    @property
    def hint(self) -> str:
        if self.state in ("done", "paused") or self.days_left is None:
            return ""
        if self.days_left < 0:
            return f"已超 {-self.days_left} 个工作日"
        if self.days_left == 0:
            return "今日到期"
        return f"剩 {self.days_left} 个工作日"


def deadline_of(
    due: date | None,
    today: date,
    *,
    paused: bool = False,
    finished_on: date | None = None,
) -> Deadline | None:
    if due is None:
        return None
    calendar = current_calendar()
    state = deadline_state(
        due,
        today,
        calendar,
        settings.DEADLINE_WARNING_DAYS,
        paused=paused,
        finished_on=finished_on,
    )
    left = None if finished_on else working_days_left(due, today, calendar)
    return Deadline(due, state.value, DEADLINE_STATE_LABELS[state], left)


def case_deadline(case: Case, today: date) -> Deadline | None:
    """The window's decision date while submitted, the case's due date while in progress."""
    if case.state == CaseState.SUBMITTED:
        return deadline_of(case.window_due, today)
    if case.state == CaseState.IN_PROGRESS:
        # An item past its own due date makes the case late, even if the package's date
        # is still ahead (the supervisor must see it). `deadline` (下一个期限, kept with
        # every audit record) is the earlier of the package's date and its running items'.
        if case.deadline is not None and case.deadline < today:
            return deadline_of(case.deadline, today)
        return deadline_of(case.due_date, today)
    if case.state in (CaseState.READY, CaseState.COMPLETED) and case.due_date:
        finished = timezone.localdate(case.ready_at) if case.ready_at else today
        return deadline_of(case.due_date, today, finished_on=finished)
    return None


def task_deadline(task: Task, today: date) -> Deadline | None:
    return deadline_of(
        task.due_date,
        today,
        paused=TaskState(task.state) in TASK_PAUSED,
        finished_on=task.finished_on,
    )


def progress(tasks: list[Task]) -> tuple[int, int]:
    """(finished, all) of a case's items."""
    return sum(1 for t in tasks if t.state in CLOSED_TASK_STATES), len(tasks)


@dataclass(frozen=True, slots=True)
class Outcome:
    """How the items came out: what the applicant collects, and what was refused."""

    approved: int
    rejected: list[str]
    cancelled: list[str]

    @property
    def summary(self) -> str:
        parts = [f"{self.approved} 项准予许可"]
        if self.rejected:
            parts.append(f"{len(self.rejected)} 项不予许可（{'、'.join(self.rejected)}）")
        if self.cancelled:
            parts.append(f"{len(self.cancelled)} 项因前置事项未获许可而终止")
        return "，".join(parts)


def outcome(tasks: list[Task]) -> Outcome:
    return Outcome(
        approved=sum(1 for t in tasks if t.state == TaskState.APPROVED),
        rejected=[t.item_name for t in tasks if t.state == TaskState.REJECTED],
        cancelled=[t.item_name for t in tasks if t.state == TaskState.CANCELLED],
    )


def next_step(case: Case, tasks: list[Task], place_name: Callable[[str], str]) -> str:
    """What happens next, in the applicant's words."""
    state = CaseState(case.state)
    if state == CaseState.DRAFT:
        return "请检查后提交申请"
    if state == CaseState.SUBMITTED:
        return f"等待{place_name(case.window)}窗口受理（{case.window_due} 前作出决定）"
    if state == CaseState.AWAITING_COMPLETION:
        return "请按一次性告知书一次补齐材料"
    if state == CaseState.IN_PROGRESS:
        waiting = [t.item_name for t in tasks if t.state == TaskState.SUPPLEMENT]
        if waiting:
            return "请补正：" + "、".join(waiting)
        refused = outcome(tasks).rejected
        if refused:
            return (
                f"{'、'.join(refused)}不予许可（理由见该事项）；"
                f"其余事项各部门并联办理中，预计 {case.due_date} 前办结"
            )
        return f"各部门并联办理中，预计 {case.due_date} 前办结"
    if state == CaseState.READY:
        result = outcome(tasks)
        if result.rejected:
            return f"已全部办结（{result.summary}），请到{place_name(case.window)}窗口领取结果"
        return f"已全部办结，请到{place_name(case.window)}窗口一次领取全部结果"
    if state == CaseState.COMPLETED:
        result = outcome(tasks)
        if result.rejected:
            return f"已办结（{result.summary}），结果已领取"
        return "已办结，结果已领取"
    if state == CaseState.REFUSED:
        return "不予受理：" + case.refusal_reason
    return "申请已撤回"


def visible_case(user: User, case_id) -> Case:
    case = case_by_public_id(case_id)
    if case is None or not may_view_case(user, case):
        raise Http404("办件不存在，或您无权查看。")
    return case


def case_url(case: Case, anchor: str = "") -> str:
    return reverse("cases:detail", args=[case.public_id]) + (f"#{anchor}" if anchor else "")


def paginate(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@dataclass
class Slice:
    """One page of a list that grows with history, read without counting the list (a
    count reads every row; the next page is known by reading one row more)."""

    object_list: list
    number: int
    has_next: bool
    paginator: None = None  # the template then shows no "page x of y"

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


COUNT_UP_TO = 1_000


def count_up_to(queryset) -> str:
    """How many, read no further than COUNT_UP_TO rows: "10000+" beyond (a count of a
    list that grows with history must not read all of it)."""
    found = queryset.order_by()[: COUNT_UP_TO + 1].count()
    return f"{COUNT_UP_TO}+" if found > COUNT_UP_TO else str(found)


def page_slice(request: HttpRequest, queryset) -> Slice:
    try:
        number = min(10_000, max(1, int(request.GET.get("page", 1))))
    except ValueError:
        number = 1
    start = (number - 1) * PAGE_SIZE
    rows = list(queryset[start : start + PAGE_SIZE + 1])
    return Slice(rows[:PAGE_SIZE], number, len(rows) > PAGE_SIZE)


# --------------------------------------------------------------------------- staff lists


PERSONAL = ("id_number", "phone")  # encrypted; a list shows masked names only


def for_listing(cases, with_tasks: bool = False):
    """Cases for a list: with the applicant (and with_tasks: their items' states and
    names), without what a list never shows (the encrypted form and personal numbers:
    decrypting them costs more than the list)."""
    cases = cases.select_related("applicant").defer(
        "form_text", *(f"applicant__{field}" for field in PERSONAL)
    )
    if with_tasks:
        cases = cases.prefetch_related(
            Prefetch("tasks", queryset=Task.objects.only(*LISTED_TASK_FIELDS))
        )
    return cases


# What an applicant's list row reads of a case's items: progress and the next step.
LISTED_TASK_FIELDS = ("id", "case_id", "position", "state", "item_name")


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
