"""The case pages (办件): applicants file and follow their cases, the window accepts and
hands over, departments decide their items, supervisors oversee.

Every change goes through `onething.cases.services`; every list and case is scoped by
`onething.cases.query` (staff see their jurisdiction only; a case one may not see is a
404). A refused request shows the service's reason on the page with its status (400,
403, 404, 409); a change that succeeded redirects back with a message (POST, redirect,
GET), and each action form carries the version the page showed, so an action taken on a
stale page is refused with 409 instead of being applied to something the user never saw.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_GET, require_http_methods

from onething.accounts.models import Authorisation, User
from onething.accounts.roles import ROLE_LABELS, ApplicantKind, Role
from onething.calendar.loaded import current_calendar
from onething.cases import services
from onething.cases.deadlines import (
    DEADLINE_STATE_LABELS,
    deadline_state,
    working_days_left,
)
from onething.cases.documents import REMEDY, TITLES, render_notice_pdf
from onething.cases.evidence import PENDING_LABEL, TRUST_LABELS, TRUST_SHORT, TrustLevel
from onething.cases.lifecycle import (
    CASE_ACTION_LABELS,
    CASE_STATE_LABELS,
    CASE_TERMINAL,
    TASK_ACTION_LABELS,
    TASK_PAUSED,
    TASK_STATE_LABELS,
    TASK_TERMINAL,
    CaseState,
    TaskState,
    allowed_case_actions,
    allowed_task_actions,
)
from onething.cases.models import (
    OPEN_CASE_STATES,
    OPEN_TASK_STATES,
    Case,
    Notice,
    SpecialProcedure,
    Task,
)
from onething.cases.query import (
    can_act_on_case,
    can_view_case,
    can_work_task,
    case_by_public_id,
    cases_for,
    evidence_of,
    notices_of,
    tasks_for,
    tasks_of,
    timeline_of,
)
from onething.cases.services import CaseError, Filing, InvalidInput
from onething.catalog.entities import Catalog
from onething.catalog.guide import build_guide
from onething.catalog.services import catalog_of, current_catalog
from onething.evaluation.views import rating_context
from onething.guides.documents import answers_query
from onething.guides.views import answers_from_query, question_forms
from onething.intake.grouping import group_fields
from onething.intake.precheck import MaterialState, precheck
from onething.privacy.masking import mask_id_number, mask_phone
from onething.privacy.models import PersonalDataView
from onething.privacy.services import FULL_VIEW_ROLES, display_name, show_person
from onething.web.errors import forbidden

PAGE_SIZE = 25
QUEUE_LIMIT = 20  # the first of each queue: the ones to do now

# --------------------------------------------------------------------------- helpers

_CJK = re.compile(r"[\u4e00-\u9fff]")
_MOBILE_AGENT = re.compile(r"Mobile|Android|iPhone|HarmonyOS", re.IGNORECASE)

ACTION_LABELS: dict[str, str] = {
    "create": "创建申请",
    "edit": "修改草稿",
    "upload_evidence": "上传材料",
    "check_original": "核验原件",
    "receive_paper": "收取纸质材料",
    "promise_evidence": "告知承诺",
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
            case = _visible_case(request.user, case_id)
            messages.info(request, "操作没有执行：请在页面上重新选择要办理的操作。")
            return redirect(_case_url(case))
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


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "").strip()
    return int(raw) if raw.isdigit() else None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _names(catalog: Catalog | None):
    def place(code: str) -> str:
        jurisdiction = catalog.jurisdictions.get(code) if catalog else None
        return jurisdiction.name if jurisdiction else code

    def department(department_id: str) -> str:
        found = catalog.departments.get(department_id) if catalog else None
        return found.name if found else department_id

    return place, department


def _current() -> Catalog | None:
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


def _visible_case(user: User, case_id) -> Case:
    case = case_by_public_id(case_id)
    if case is None or not can_view_case(user, case):
        raise Http404("办件不存在，或您无权查看。")
    return case


def _case_url(case: Case, anchor: str = "") -> str:
    return reverse("cases:detail", args=[case.public_id]) + (f"#{anchor}" if anchor else "")


def _paginate(request: HttpRequest, queryset):
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


def _count_up_to(queryset) -> str:
    """How many, read no further than COUNT_UP_TO rows: "10000+" beyond (a count of a
    list that grows with history must not read all of it)."""
    found = queryset.order_by()[: COUNT_UP_TO + 1].count()
    return f"{COUNT_UP_TO}+" if found > COUNT_UP_TO else str(found)


def _slice(request: HttpRequest, queryset) -> Slice:
    try:
        number = min(10_000, max(1, int(request.GET.get("page", 1))))
    except ValueError:
        number = 1
    start = (number - 1) * PAGE_SIZE
    rows = list(queryset[start : start + PAGE_SIZE + 1])
    return Slice(rows[:PAGE_SIZE], number, len(rows) > PAGE_SIZE)


# --------------------------------------------------------------------------- applicant


@role_required(Role.APPLICANT, Role.AGENT)
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """My cases (an agent: the cases filed for principals) and an agent's principals."""
    user = request.user
    today = timezone.localdate()
    place, _department = _names(_current())
    page = _paginate(request, _listed(cases_for(user), with_tasks=True).order_by("-created_at"))
    rows = []
    for case in page:
        tasks = list(case.tasks.all())
        done, total = progress(tasks)
        rows.append(
            {
                "case": case,
                "applicant": display_name(user, case.applicant),
                "done": done,
                "total": total,
                "deadline": case_deadline(case, today),
                "next": next_step(case, tasks, place),
                "attention": case.state in (CaseState.DRAFT, CaseState.AWAITING_COMPLETION)
                or any(t.state == TaskState.SUPPLEMENT for t in tasks)
                or case.state == CaseState.READY,
            }
        )
    principals = []
    if user.role == Role.AGENT:
        current = _current()
        for authorisation in Authorisation.objects.filter(agent=user).select_related("principal"):
            if authorisation.revoked_at is not None or authorisation.valid_until < today:
                continue
            packages = [
                current.packages[p].name if current and p in current.packages else p
                for p in authorisation.packages
            ]
            principals.append(
                {
                    "name": display_name(user, authorisation.principal),
                    "packages": "、".join(packages) or "全部一件事",
                    "valid_until": authorisation.valid_until,
                    "document": authorisation.document,
                }
            )
    return render(
        request,
        "cases/mine.html",
        {"nav": "mine", "rows": rows, "page": page, "principals": principals},
    )


def _principals(user: User, package_id: str) -> list[User]:
    """The applicants an agent may file this package for today."""
    return [
        a.principal
        for a in Authorisation.objects.filter(agent=user).select_related("principal")
        if a.covers(package_id)
    ]


def account_values(person: User | None) -> dict[str, str]:
    """What the account already knows, by the catalogue's common field ids."""
    if person is None:
        return {}
    values = {"applicant_phone": person.phone or ""}
    if person.applicant_kind == ApplicantKind.ENTERPRISE:
        values.update(company_name=person.full_name, uscc=person.uscc)
    else:
        values.update(applicant_name=person.full_name, applicant_id_number=person.id_number or "")
    return {key: value for key, value in values.items() if value}


def prefill_sources(
    fields, person: User | None, catalog: Catalog | None = None
) -> dict[str, tuple[str, str]]:
    """field id -> (value, where it comes from), for fields the platform already knows:
    the account (identity, credit code), the holder's valid business-licence certificate
    (registered data, by the labels printed on it), and the latest earlier application."""
    if person is None:
        return {}
    wanted = {f.id: f for f in fields}
    known: dict[str, tuple[str, str]] = {}
    for key, value in account_values(person).items():
        known[key] = (value, "账户实名信息")
    if "uscc" not in known and person.uscc:
        known["uscc"] = (person.uscc, "账户实名信息")
    if catalog is not None:
        from onething.licences.services import valid_licences

        by_label = {field.label: field_id for field_id, field in catalog.fields.items()}
        for licence in valid_licences(person, {"business_licence"}).values():
            for label, value in licence.document.get("data", {}).items():
                field_id = by_label.get(label)
                if field_id and field_id not in known and value:
                    known[field_id] = (str(value), f"电子证照《{licence.type_name}》")
    earlier = (
        Case.objects.filter(applicant=person)
        .exclude(state=CaseState.DRAFT)
        .order_by("-submitted_at")
        .only("form_text", "package_name", "number")
        .first()
    )
    if earlier is not None:
        for field_id, value in earlier.form.items():
            if field_id not in known and value not in (None, ""):
                known[field_id] = (str(value), f"上次申报 {earlier.number}")
    values: dict[str, tuple[str, str]] = {}
    for field_id, form_field in wanted.items():
        if field_id in known:
            values[field_id] = known[field_id]
        elif form_field.type == "uscc" and "uscc" in known:
            values[field_id] = known["uscc"]
    return values


INPUT_TYPES = {
    "text": "text",
    "address": "text",
    "integer": "number",
    "number": "number",
    "date": "date",
    "phone": "tel",
    "email": "email",
    "id_card": "text",
    "uscc": "text",
}
AUTOCOMPLETE = {"phone": "tel", "email": "email", "address": "street-address"}


def form_sections(guide, catalog: Catalog, rows) -> list[dict[str, Any]]:
    """The form's rows in sections: 申请人, 企业信息, 经营场所, then each item's own."""
    by_id = {row["id"]: row for row in rows}
    item_names = {gi.id: gi.item.name for gi in guide.items}
    groups = {f.id: catalog.fields[f.id].group for f in guide.fields if f.id in catalog.fields}
    return [
        {"title": section.title, "rows": [by_id[i] for i in section.field_ids]}
        for section in group_fields(guide.fields, item_names, groups)
    ]


def field_rows(guide, catalog: Catalog, values, prefilled, errors) -> list[dict[str, Any]]:
    item_names = {gi.id: gi.item.name for gi in guide.items}
    rows = []
    for form_field in guide.fields:
        entry = catalog.fields.get(form_field.id)
        value = values.get(form_field.id, "")
        kind = form_field.type
        rows.append(
            {
                "id": form_field.id,
                "label": form_field.label,
                "type": kind,
                "input_type": INPUT_TYPES.get(kind, "text"),
                "step": "1" if kind == "integer" else "any",
                "autocomplete": AUTOCOMPLETE.get(kind, "off"),
                "select": kind in ("choice", "boolean"),
                "choices": list(form_field.choices)
                if kind == "choice"
                else [("true", "是"), ("false", "否")],
                "required": form_field.required,
                "value": value,
                "prefilled": bool(value) and prefilled.get(form_field.id, ("",))[0] == value,
                "prefill_source": prefilled.get(form_field.id, ("", ""))[1],
                "error": errors.get(form_field.id, ""),
                "help": entry.help if entry else None,
                "used_by": [item_names[i] for i in form_field.for_items if i in item_names],
            }
        )
    return rows


def _apply_materials(guide, person: User | None) -> dict[str, Any]:
    """The materials the answers call for, with those the applicant's electronic
    certificates stand in for (免提交)."""
    from onething.licences.services import valid_licences

    types = {m.evidence for m in guide.materials if m.evidence}
    held = valid_licences(person, types) if person is not None and types else {}
    materials = [
        {"name": m.name, "required": m.required, "held": held.get(m.evidence or "")}
        for m in guide.materials
    ]
    return {"materials": materials, "exempt_count": sum(1 for m in materials if m["held"])}


def county_groups(catalog: Catalog) -> list[dict[str, Any]]:
    """The county-level jurisdictions, grouped under their city (for the place select)."""
    groups: dict[str, dict[str, Any]] = {}
    for jurisdiction in catalog.jurisdictions.values():
        if jurisdiction.level != "county":
            continue
        parent = catalog.jurisdictions.get(jurisdiction.parent or "")
        key = parent.code if parent else ""
        group = groups.setdefault(key, {"name": parent.name if parent else "其他", "places": []})
        group["places"].append(jurisdiction)
    return list(groups.values())


def _channel(request: HttpRequest) -> str:
    return "mobile" if _MOBILE_AGENT.search(request.headers.get("User-Agent", "")) else "web"


def _answer_text(answers) -> dict[str, str]:
    return {
        key: "true" if value is True else "false" if value is False else str(value)
        for key, value in answers.items()
    }


@role_required(Role.APPLICANT, Role.AGENT)
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, package_id: str) -> HttpResponse:
    """The filing page: the questions, the place, the one form; save a draft or submit."""
    user = request.user
    current = current_catalog()
    if current is None or package_id not in current.catalog.packages:
        raise Http404(f"没有编号为 {package_id} 的一件事")
    catalog = current.catalog
    package = catalog.packages[package_id]
    posted = request.method == "POST"
    data = request.POST if posted else request.GET

    draft = None
    draft_id = data.get("case", "").strip()
    if draft_id:
        try:
            draft = _visible_case(user, uuid.UUID(draft_id))
        except ValueError:
            raise Http404("办件不存在") from None
        if draft.package_id != package_id or not can_act_on_case(user, draft):
            raise Http404("办件不存在")
        if draft.state != CaseState.DRAFT:
            messages.info(request, "该申请已经提交，不能再修改。")
            return redirect(_case_url(draft))

    # Who the case is for.
    principals = _principals(user, package_id) if user.role == Role.AGENT else []
    if draft is not None:
        person = draft.applicant
    elif user.role == Role.AGENT:
        wanted = data.get("principal", "")
        person = next((p for p in principals if str(p.pk) == wanted), None)
        if person is None and principals and not wanted:
            person = principals[0]
    else:
        person = user

    # The answers, the place and the form values.
    if draft is not None and not posted:
        answers, answer_errors = answers_from_query(package, _answer_text(draft.answers))
    else:
        answers, answer_errors = answers_from_query(package, data)
    guide = build_guide(catalog, package, answers)
    sources = prefill_sources(guide.fields, person, catalog)
    known = {field_id: value for field_id, (value, _source) in sources.items()}
    if posted:
        values = {f.id: data[f.id] for f in guide.fields if f.id in data}
        values = {**{k: v for k, v in known.items() if k not in values}, **values}
    elif draft is not None:
        values = {f.id: str(draft.form.get(f.id, "")) for f in guide.fields}
    else:
        values = dict(known)
    counties = county_groups(catalog)
    county_codes = {p.code for g in counties for p in g["places"]}
    default_place = (person.jurisdiction if person else "") or user.jurisdiction
    place = data.get("place") or (draft.place if draft else default_place)
    if place not in county_codes:
        place = default_place if default_place in county_codes else ""

    key = data.get("idempotency_key", "").strip()[:100] or str(uuid.uuid4())
    if draft is None and posted and person is not None:  # saved by autosave before
        draft = Case.objects.filter(
            applicant=person, idempotency_key=key, state=CaseState.DRAFT
        ).first()
    error, field_errors, status = "", {}, 200
    unanswered = [q for q in package.questions if q.id not in answers]
    intent = data.get("intent", "") if posted else ""
    if answer_errors:
        error, status = "情形回答有误：" + "".join(answer_errors), 400
    elif intent == "autosave":
        return _autosave(request, user, package_id, answers, place, values, draft, person, key)
    elif intent in ("draft", "submit"):
        if intent == "submit" and unanswered:
            error = "请先回答全部问题：" + "；".join(q.text for q in unanswered)
            status = 400
        elif user.role == Role.AGENT and person is None:
            error, status = "请选择委托人", 400
        else:
            filing = Filing(
                package_id, _answer_text(answers), place, values, channel=_channel(request)
            )
            try:
                return _file(request, user, filing, intent, draft, person, key)
            except CaseError as exc:
                error = error_message(exc, "申报")
                field_errors = (
                    exc.details.get("fields", {}) if isinstance(exc, InvalidInput) else {}
                )
                status = exc.status
                if isinstance(exc, _DraftSaved):
                    draft = exc.case

    rows = field_rows(guide, catalog, values, sources, field_errors)
    open_cases = (
        list(
            Case.objects.filter(applicant=person, package_id=package_id)
            .exclude(state__in=[CaseState.DRAFT, *[s.value for s in CASE_TERMINAL]])
            .order_by("-created_at")
            .only("public_id", "number", "state")[:3]
        )
        if person is not None and draft is None
        else []
    )
    context = {
        "nav": "mine",
        "open_cases": [(c, STATE_LABELS.get(c.state, c.state)) for c in open_cases],
        "package": package,
        "guide": guide,
        "items": [
            (gi.item.name, guide.department_names.get(gi.item.department, "")) for gi in guide.items
        ],
        **_apply_materials(guide, person),
        "questions": question_forms(package, answers),
        "unanswered": unanswered,
        "counties": counties,
        "place": place,
        "fields": rows,
        "sections": form_sections(guide, catalog, rows),
        "field_errors": [(r["id"], r["error"]) for r in rows if r["error"]],
        "prefilled_count": sum(1 for r in rows if r["prefilled"]),
        "error": error,
        "idempotency_key": key,
        "draft": draft,
        "draft_migrated": draft.catalog_version.number
        if draft is not None and draft.catalog_version_id != current.pk
        else None,
        "agent": user.role == Role.AGENT,
        "principals": [(p.pk, display_name(user, p)) for p in principals],
        "person": person,
        "query": answers_query(answers),
    }
    template = "cases/apply.html"
    if request.htmx and intent == "refresh":
        status = 200
    return render(request, template, context, status=status)


class _DraftSaved(InvalidInput):
    """The draft's edits were saved but submitting it was refused (its reason inside)."""

    def __init__(self, case: Case, cause: CaseError):
        super().__init__(cause.message, cause.details)
        self.status = cause.status
        self.case = case


def _autosave(request, user, package_id, answers, place, values, draft, person, key):
    """Save what is typed as a draft (the same draft each time: by its idempotency key),
    so the applicant can go on from another device after logging in; a small status."""

    def status(text: str, version: int | None = None) -> HttpResponse:
        body = f'<small class="muted autosave" id="autosave-status" role="status">{text}</small>'
        if version is not None:  # the page's draft version follows, or submitting would 409
            body += (
                f'<input type="hidden" name="version" value="{version}" id="draft-version"'
                ' hx-swap-oob="true">'
            )
        return HttpResponse(body)

    if person is None:
        return status("选择委托人后自动保存")
    filing = Filing(package_id, _answer_text(answers), place, values, channel=_channel(request))
    try:
        if draft is not None:
            saved = services.update_draft(user, draft.public_id, None, filing)
        else:
            applicant = person if user.role == Role.AGENT else None
            saved, _created = services.file_case(
                user, filing, applicant=applicant, submit=False, idempotency_key=key
            )
    except CaseError as exc:
        return status(f"暂未自动保存：{escape(error_message(exc, '保存草稿'))}")
    return status(f"草稿已自动保存（{timezone.localtime():%H:%M}）", saved.version)


def _file(request, user, filing, intent, draft, person, key) -> HttpResponse:
    submit = intent == "submit"
    if draft is not None:
        case = services.update_draft(user, draft.public_id, _version(request), filing)
        if submit:
            try:
                case = services.submit(user, case.public_id, version=case.version)
            except CaseError as exc:
                raise _DraftSaved(case, exc) from None
        created = True
    else:
        applicant = person if user.role == Role.AGENT else None
        case, created = services.file_case(
            user, filing, applicant=applicant, submit=submit, idempotency_key=key
        )
    if not created:
        messages.info(request, "这份申请已经提交过，没有重复办理。")
    elif case.state == CaseState.DRAFT:
        messages.success(request, "草稿已保存。可以随时修改，确认无误后提交。")
    else:
        messages.success(
            request,
            f"申请已提交，受理编号 {case.number}。窗口将在 {case.window_due} 前作出受理决定。",
        )
    return redirect(_case_url(case))


# --------------------------------------------------------------------------- the case page


@dataclass(slots=True)
class TaskRow:
    task: Task
    department: str
    place: str
    deadline: Deadline | None
    assignee: str
    actions: set[str] = field(default_factory=set)
    procedure: SpecialProcedure | None = None
    supplement: Notice | None = None
    mine: bool = False

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.task.state, self.task.state)


def _form_values(case: Case, guide, catalog: Catalog, full: bool) -> list[tuple[str, str]]:
    form = case.form
    rows = []
    for form_field in guide.fields:
        value = str(form.get(form_field.id, ""))
        if not full and form_field.type == "id_card":
            value = mask_id_number(value)
        elif not full and form_field.type == "phone":
            value = mask_phone(value)
        elif form_field.type == "boolean":
            value = {"true": "是", "false": "否"}.get(value, value)
        rows.append((form_field.label, value))
    return rows


def case_context(
    user: User, case: Case, full_identity: bool = False, failed: dict | None = None
) -> dict[str, Any]:
    catalog = catalog_of(case.catalog_version)
    place, department = _names(catalog)
    today = timezone.localdate()
    own = user.pk in (case.applicant_id, case.agent_id)
    role = user.role
    tasks = tasks_of(case, with_records=True)
    names = {t.pk: t.item_name for t in tasks}

    case_actions: set[str] = set()
    if can_act_on_case(user, case):
        case_actions = {a.value for a in allowed_case_actions(case.state, role)}
        if not own:
            case_actions -= {"submit", "withdraw", "complete"}
    rows = []
    for task in tasks:
        row = TaskRow(
            task=task,
            department=department(task.department),
            place=place(task.jurisdiction),
            deadline=task_deadline(task, today),
            assignee=display_name(user, task.assignee) if task.assignee_id else "",
            mine=task.assignee_id == user.pk,
        )
        if can_work_task(user, task):
            row.actions = {a.value for a in allowed_task_actions(task.state, role)}
            if task.state != TaskState.WORKABLE and task.assignee_id not in (None, user.pk):
                row.actions = set()  # another reviewer's item
        elif (own or role == Role.CLERK) and can_act_on_case(user, case):
            row.actions = {a.value for a in allowed_task_actions(task.state, role)}
        row.procedure = next((p for p in task.special_procedures.all() if p.ended_on is None), None)
        row.supplement = next(
            (n for n in task.notices.all() if n.kind == "supplement" and n.answered_at is None),
            None,
        )
        rows.append(row)

    guide = build_guide(catalog, catalog.packages[case.package_id], case.answers)
    see_full = own or full_identity
    identity = None
    if role in FULL_VIEW_ROLES or own:
        identity = show_person(
            user,
            case.applicant,
            purpose=f"办件审查 {case.number or case.public_id}",
            full=full_identity and not own,
        )
    done, total = progress(tasks)
    timeline = [
        {
            "at": timezone.localtime(action.at),
            "who": "系统"
            if action.actor_id is None
            else ("您" if action.actor_id == user.pk else display_name(user, action.actor)),
            "role": "系统"
            if action.actor_id is None
            else ROLE_LABELS.get(action.actor_role, action.actor_role),
            "what": ACTION_LABELS.get(action.action, action.action),
            "task": names.get(action.task_id, ""),
            "to": STATE_LABELS.get(action.to_state, "") if action.to_state else "",
            "note": action.note,
            "lines": action.data.get("lines", []) if isinstance(action.data, dict) else [],
        }
        for action in timeline_of(case)
    ]
    questions = {q.id: q.text for q in catalog.packages[case.package_id].questions}
    answered = [
        (questions.get(k, k), "是" if v is True else "否" if v is False else v)
        for k, v in case.answers.items()
    ]
    return {
        "case": case,
        "own": own,
        "state_label": STATE_LABELS.get(case.state, case.state),
        "window_name": place(case.window),
        "place_name": place(case.place),
        "applicant": display_name(user, case.applicant),
        "agent": display_name(user, case.agent) if case.agent_id else "",
        "identity": identity,
        "can_see_identity": role in FULL_VIEW_ROLES and not own,
        "full_identity": full_identity,
        "deadline": case_deadline(case, today),
        "tasks": rows,
        "done": done,
        "total": total,
        "outcome": outcome(tasks),
        "remedy": REMEDY,
        "next": next_step(case, tasks, place),
        "case_actions": case_actions,
        "form_values": _form_values(case, guide, catalog, see_full),
        "answered": answered,
        "timeline": timeline,
        **_materials(user, case, own, catalog),
        **rating_context(user, case, own),
        "notices": [
            {
                "notice": n,
                "task": names.get(n.task_id, ""),
                "title": TITLES.get(n.kind, n.kind_label),
            }
            for n in notices_of(case)
        ],
        "special_kinds": SPECIAL_KINDS,
        "failed": failed or {},
        "closed": case.state in [s.value for s in CASE_TERMINAL],
    }


def _materials(user: User, case: Case, own: bool, catalog: Catalog) -> dict[str, Any]:
    """The case's materials with their trust levels, and what the viewer may do."""
    today = timezone.localdate()
    open_states = (CaseState.SUBMITTED, CaseState.AWAITING_COMPLETION, CaseState.IN_PROGRESS)
    may_upload = own or (user.role == Role.AGENT and can_act_on_case(user, case))
    rows = []
    for evidence in evidence_of(case):
        level = evidence.trust or ""
        licence = evidence.licence
        problem, status_label = "", ""
        if licence is not None:
            status = licence.status_on(today)
            if status != "valid":
                status_label = status.label
                problem = f"该证照{status_label}，请改为提交原件或上传电子件。"
        rows.append(
            {
                "evidence": evidence,
                "level": level,
                "label": TRUST_SHORT[TrustLevel(level)] if level else PENDING_LABEL,
                "long_label": TRUST_LABELS[TrustLevel(level)] if level else PENDING_LABEL,
                "licence": licence,
                "licence_problem": problem,
                "licence_status": status_label,
                "checked_by": display_name(user, evidence.checked_by)
                if evidence.checked_by_id
                else "",
                "can_upload": may_upload
                and case.state in open_states
                and (level in ("", "C") or bool(problem)),
                "can_promise": may_upload
                and case.state in open_states
                and evidence.commitment_allowed
                and level in ("", "C"),
                "can_check": user.role == Role.CLERK
                and can_act_on_case(user, case)
                and case.state in open_states
                and (level in ("", "C") or bool(problem)),
            }
        )
    ready = sum(1 for r in rows if r["level"] and not r["licence_problem"])
    return {
        "materials": rows,
        "materials_ready": ready,
        "precheck": _precheck(user, case, rows, own, today, catalog),
    }


PRECHECK_STATES = (CaseState.DRAFT, CaseState.SUBMITTED, CaseState.AWAITING_COMPLETION)


def _precheck(user: User, case: Case, rows, own: bool, today, catalog: Catalog) -> list | None:
    """预审 for the applicant (what to fix) and the window (where the check starts);
    None once the window has decided."""
    if case.state not in PRECHECK_STATES or not (own or user.role == Role.CLERK):
        return None
    labels = {field_id: field.label for field_id, field in catalog.fields.items()}
    materials = [
        MaterialState(
            name=row["evidence"].material_name,
            required=True,
            provided=bool(row["level"]),
            certificate_problem=row["licence_status"],
        )
        for row in rows
    ]
    values = {k: str(v) for k, v in case.form.items()}
    return precheck(values, labels, materials, today, case.applicant.id_number or "")


def _render_case(
    request: HttpRequest,
    case: Case,
    status: int = 200,
    error: str = "",
    fields: dict | None = None,
    failed: dict | None = None,
    full_identity: bool = False,
    reload: bool = True,
) -> HttpResponse:
    if reload:  # after an action: what it changed
        case.refresh_from_db()
    context = case_context(request.user, case, full_identity=full_identity, failed=failed)
    context.update(nav="", error=error, field_errors=sorted((fields or {}).values()))
    if request.user.role in (Role.APPLICANT, Role.AGENT):
        context["nav"] = "mine"
    return render(request, "cases/case.html", context, status=status)


@login_required
@require_GET
def case_page(request: HttpRequest, case_id) -> HttpResponse:
    return _render_case(request, _visible_case(request.user, case_id), reload=False)


@post_only
def identity(request: HttpRequest, case_id) -> HttpResponse:
    """The applicant's full identity, for staff who need it; every full view is audited."""
    case = _visible_case(request.user, case_id)
    if request.user.role not in FULL_VIEW_ROLES:
        return _render_case(request, case, 403, "您无权查看申请人的完整身份信息。")
    return _render_case(request, case, full_identity=True)


@dataclass(frozen=True, slots=True)
class CaseStep:
    label: str
    run: Callable[[User, Case, int | None, Any], Any]
    done: Callable[[Case], str]
    text: str = ""  # the posted field whose text is kept when the step is refused


CASE_STEPS: dict[str, CaseStep] = {
    "submit": CaseStep(
        "提交申请",
        lambda u, c, v, p: services.submit(u, c.public_id, version=v),
        lambda c: f"申请已提交，受理编号 {c.number}。",
    ),
    "withdraw": CaseStep(
        "撤回申请",
        lambda u, c, v, p: services.withdraw(u, c.public_id, version=v),
        lambda c: "申请已撤回。",
    ),
    "accept": CaseStep(
        "受理",
        lambda u, c, v, p: services.accept(u, c.public_id, version=v),
        lambda c: f"已受理，{c.tasks.count()} 个事项已分送各部门并联办理。",
    ),
    "request_completion": CaseStep(
        "一次性告知",
        lambda u, c, v, p: services.request_completion(
            u, c.public_id, _lines(p.get("lines", "")), p.get("text", ""), version=v
        ),
        lambda c: "一次性告知书已出具，申请人补齐后将重新提交。",
        "lines",
    ),
    "complete": CaseStep(
        "补齐材料",
        lambda u, c, v, p: services.complete(u, c.public_id, p.get("answer", ""), version=v),
        lambda c: "已补齐并重新提交，窗口将尽快受理。",
        "answer",
    ),
    "refuse": CaseStep(
        "不予受理",
        lambda u, c, v, p: services.refuse(u, c.public_id, p.get("reason", ""), version=v),
        lambda c: "已作出不予受理决定。",
        "reason",
    ),
    "hand_over": CaseStep(
        "出件",
        lambda u, c, v, p: services.hand_over(u, c.public_id, version=v),
        lambda c: "全部结果已交付申请人，办件已办结。",
    ),
}


@post_only
def evidence_upload(request: HttpRequest, case_id, evidence_id: int) -> HttpResponse:
    case = _visible_case(request.user, case_id)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise InvalidInput("请先选择要上传的文件")
        if upload.size > services.MAX_UPLOAD_BYTES:
            raise InvalidInput("文件太大：每份材料不超过 10 MB")
        evidence = services.upload_evidence(
            request.user, case_id, evidence_id, upload.name, upload.read()
        )
    except CaseError as exc:
        return _render_case(request, case, exc.status, error_message(exc, "上传材料"))
    messages.success(request, f"已上传“{evidence.material_name}”，窗口核验原件后即完成。")
    return redirect(_case_url(case, "materials"))


@post_only
def evidence_promise(request: HttpRequest, case_id, evidence_id: int) -> HttpResponse:
    case = _visible_case(request.user, case_id)
    try:
        evidence = services.promise_evidence(request.user, case_id, evidence_id)
    except CaseError as exc:
        return _render_case(request, case, exc.status, error_message(exc, "告知承诺"))
    messages.success(request, f"已就“{evidence.material_name}”作出告知承诺（可信等级 D）。")
    return redirect(_case_url(case, "materials"))


@post_only
def evidence_check(request: HttpRequest, case_id, evidence_id: int) -> HttpResponse:
    case = _visible_case(request.user, case_id)
    try:
        paper = request.POST.get("paper") == "1"
        evidence = services.check_original(request.user, case_id, evidence_id, paper)
    except CaseError as exc:
        return _render_case(request, case, exc.status, error_message(exc, "核验原件"))
    done = "已收取纸质材料并核验" if paper else "已核验原件"
    messages.success(request, f"“{evidence.material_name}”{done}（可信等级 B）。")
    return redirect(_case_url(case, "materials"))


@login_required
@require_GET
def evidence_file(request: HttpRequest, case_id, evidence_id: int) -> HttpResponse:
    """An uploaded copy, for the applicant and the staff who handle the case (audited)."""
    case = _visible_case(request.user, case_id)
    evidence = case.evidence.filter(pk=evidence_id).first()
    if evidence is None or not evidence.file_path:
        raise Http404("没有这份上传的材料")
    if request.user.pk not in (case.applicant_id, case.agent_id):  # staff: recorded
        if request.user.role not in FULL_VIEW_ROLES:
            raise Http404("没有这份上传的材料")
        PersonalDataView.objects.create(
            viewer=request.user,
            subject=case.applicant,
            fields=f"申请材料：{evidence.material_name}",
            purpose=f"审查办件 {case.number}",
        )
    content_type = evidence.content_type or "application/octet-stream"
    response = HttpResponse(services.evidence_file(evidence), content_type=content_type)
    inline = content_type != "application/ofd"  # browsers cannot show OFD: download it
    response["Content-Disposition"] = "inline" if inline else "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@post_only
def case_action(request: HttpRequest, case_id, action: str) -> HttpResponse:
    case = _visible_case(request.user, case_id)
    step = CASE_STEPS.get(action)
    if step is None:
        raise Http404("没有这项操作")
    try:
        step.run(request.user, case, _version(request), request.POST)
    except CaseError as exc:
        failed = {"action": action, "text": request.POST.get(step.text, "") if step.text else ""}
        fields = exc.details.get("fields") if isinstance(exc, InvalidInput) else None
        return _render_case(
            request, case, exc.status, error_message(exc, step.label), fields, failed
        )
    case.refresh_from_db()
    messages.success(request, step.done(case))
    return redirect(_case_url(case))


def _start_special(user: User, task: Task, version: int | None, posted) -> SpecialProcedure:
    raw_days = posted.get("days", "").strip()
    if not raw_days.isdigit():
        raise InvalidInput("请填写特殊环节的时限（工作日数）")
    if version is not None and version != task.version:
        raise services.Conflict(
            f"该事项已被他人更新（版本 {task.version}，您看到的是 {version}），请刷新后再操作"
        )
    return services.start_special(
        user, [task.pk], posted.get("kind", ""), int(raw_days), posted.get("title", "")
    )


def _end_special(user: User, task: Task, version: int | None, posted) -> SpecialProcedure:
    procedure = task.special_procedures.filter(ended_on=None).first()
    if procedure is None or task.state != TaskState.SPECIAL:
        raise services.Conflict("该事项不在特殊环节中，请刷新页面查看最新状态")
    if version is not None and version != task.version:
        raise services.Conflict(
            f"该事项已被他人更新（版本 {task.version}，您看到的是 {version}），请刷新后再操作"
        )
    return services.end_special(user, procedure.pk, posted.get("outcome", ""))


@dataclass(frozen=True, slots=True)
class TaskStep:
    label: str
    run: Callable[[User, Task, int | None, Any], Any]
    done: str
    text: str = ""


TASK_STEPS: dict[str, TaskStep] = {
    "claim": TaskStep(
        "认领", lambda u, t, v, p: services.claim(u, t.pk, version=v), "已认领“{name}”。"
    ),
    "release": TaskStep(
        "取消认领",
        lambda u, t, v, p: services.release(u, t.pk, version=v),
        "已取消认领“{name}”，其他审批人员可以认领。",
    ),
    "approve": TaskStep(
        "批准",
        lambda u, t, v, p: services.approve(u, t.pk, p.get("note", ""), version=v),
        "“{name}”已批准。",
        "note",
    ),
    "reject": TaskStep(
        "不予批准",
        lambda u, t, v, p: services.reject(u, t.pk, p.get("reason", ""), version=v),
        "“{name}”不予批准，已书面告知申请人。",
        "reason",
    ),
    "request_supplement": TaskStep(
        "要求补正",
        lambda u, t, v, p: services.request_supplement(
            u, t.pk, _lines(p.get("lines", "")), p.get("text", ""), version=v
        ),
        "已发出补正通知，“{name}”暂停计时。",
        "lines",
    ),
    "provide_supplement": TaskStep(
        "提交补正材料",
        lambda u, t, v, p: services.provide_supplement(u, t.pk, p.get("answer", ""), version=v),
        "补正材料已提交，“{name}”恢复审查。",
        "answer",
    ),
    "start_special": TaskStep(
        "启动特殊环节", _start_special, "“{name}”已进入特殊环节，所需时间不计入办理时限。", "title"
    ),
    "end_special": TaskStep(
        "结束特殊环节", _end_special, "“{name}”的特殊环节已结束，恢复审查。", "outcome"
    ),
}


@post_only
def task_action(request: HttpRequest, case_id, task_id: int, action: str) -> HttpResponse:
    case = _visible_case(request.user, case_id)
    task = case.tasks.filter(pk=task_id).first()
    step = TASK_STEPS.get(action)
    if task is None or step is None:
        raise Http404("没有这项操作")
    try:
        step.run(request.user, task, _version(request), request.POST)
    except CaseError as exc:
        failed = {
            "action": action,
            "task": task.pk,
            "text": request.POST.get(step.text, "") if step.text else "",
        }
        return _render_case(request, case, exc.status, error_message(exc, step.label), None, failed)
    messages.success(request, step.done.format(name=task.item_name))
    return redirect(_case_url(case, f"task-{task.pk}"))


@login_required
@require_GET
def notice_pdf(request: HttpRequest, case_id, notice_id: int) -> HttpResponse:
    case = _visible_case(request.user, case_id)
    notice = case.notices.select_related("task", "issued_by").filter(pk=notice_id).first()
    if notice is None:
        raise Http404("没有这份书面告知")
    pdf = render_notice_pdf(case, notice)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------- staff lists


PERSONAL = ("id_number", "phone")  # encrypted; a list shows masked names only


def _listed(cases, with_tasks: bool = False):
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


def _progress_of(cases) -> dict[int, tuple[int, int]]:
    """(finished, all) items of each case, counted in one query."""
    counts = (
        Task.objects.filter(case_id__in=[case.pk for case in cases])
        .order_by()
        .values_list("case_id")
        .annotate(done=Count("id", filter=Q(state__in=CLOSED_TASK_STATES)), total=Count("id"))
    )
    return {case_id: (done, total) for case_id, done, total in counts}


def _case_rows(user: User, cases, today: date, place) -> list[dict[str, Any]]:
    rows = []
    counts = _progress_of(cases)
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
    place, _department = _names(_current())
    mine = _listed(cases_for(user))
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
                "count": _count_up_to(queryset),
                "rows": _case_rows(user, first[:QUEUE_LIMIT], today, place),
                "more": len(first) > QUEUE_LIMIT,
            }
        )
    in_progress = _count_up_to(mine.filter(state=CaseState.IN_PROGRESS))
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
    catalog = _current()
    place, department = _names(catalog)
    show = request.GET.get("show", "open")
    if show not in dict(REVIEW_FILTERS):
        show = "open"
    tasks = (
        tasks_for(user)
        .select_related("case", "case__applicant", "assignee")
        .defer(
            "case__form_text",
            *(f"{who}__{field}" for who in ("case__applicant", "assignee") for field in PERSONAL),
        )
    )
    open_tasks = tasks.filter(state__in=OPEN_TASK_STATES)
    # Counted: the open work only (bounded); the finished history is paged, not counted.
    counts = {
        "open": open_tasks.count(),
        "todo": tasks.filter(state=TaskState.WORKABLE).count(),
        "mine": open_tasks.filter(assignee=user).count(),
    }
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
    page = _slice(request, tasks)
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
    place, _department = _names(_current())
    cases = cases_for(user).exclude(state=CaseState.DRAFT)  # not filed yet
    # Opened from a dashboard figure: one package, or the cases finished late.
    package = request.GET.get("package", "").strip()
    if package:
        cases = cases.filter(package_id=package)
    late = request.GET.get("late") == "1"
    if late:
        from onething.evaluation.dashboard import LATE

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
    page = _slice(request, _listed(listed))
    return render(
        request,
        "cases/supervision.html",
        {
            "nav": "supervision",
            "rows": _case_rows(user, page, today, place),
            "page": page,
            "states": [
                (s, CASE_STATE_LABELS[CaseState(s)])
                for s in (*OPEN_CASE_STATES, *CLOSED_CASE_STATES)
            ],
            "open_total": _count_up_to(open_cases),
            "overdue": _count_up_to(overdue_cases),
            "state": state,
            "figure": package or late,
            "place": place(user.jurisdiction) if user.jurisdiction else "全部辖区",
        },
    )
