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
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse

from onething.accounts.models import User
from onething.cases.lifecycle import (
    CASE_ACTION_LABELS,
    CASE_STATE_LABELS,
    TASK_ACTION_LABELS,
    TASK_STATE_LABELS,
    CaseState,
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
