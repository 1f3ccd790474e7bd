"""The case page (办件): what every role sees of one case, and its documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from onething.accounts.models import User
from onething.cases import materials
from onething.cases.instant_decisions import traces_of
from onething.cases.lifecycle import (
    CASE_TERMINAL,
    CaseState,
)
from onething.cases.models import (
    Case,
    Notice,
    SpecialProcedure,
    Task,
)
from onething.cases.offers import case_actions_for, task_actions_for
from onething.cases.printouts import (
    REMEDY,
    TITLES,
    render_application_pdf,
    render_notice_pdf,
    render_receipt_pdf,
)
from onething.cases.query import (
    evidence_of,
    notices_of,
    open_procedures_of,
    tasks_of,
    timeline_of,
)
from onething.cases.views.case_parts import (
    delivery_context,
    materials_context,
    results_context,
)
from onething.cases.views.case_words import (
    Deadline,
    case_deadline,
    next_step,
    outcome,
    progress,
    task_deadline,
)
from onething.cases.views.common import (
    ACTION_LABELS,
    SPECIAL_KINDS,
    STATE_LABELS,
    name_lookups,
    post_only,
    visible_case,
)
from onething.catalog.entities import Catalog
from onething.catalog.services import catalog_of, guide_of
from onething.core.access import (
    acts_for_applicant,
    may_see_in_full,
    own_case,
)
from onething.core.roles import ROLE_LABELS
from onething.privacy.masking import mask_form_value
from onething.privacy.services import display_name, record_view, show_person

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
    instant: dict[str, Any] | None = None  # 秒批: the rule trace, where the item has one

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.task.state, self.task.state)


def _form_values(case: Case, guide, catalog: Catalog, full: bool) -> list[tuple[str, str]]:
    form = case.form
    rows = []
    for form_field in guide.fields:
        value = str(form.get(form_field.id, ""))
        if not full:  # ID and phone numbers, bank accounts
            value = mask_form_value(form_field.id, form_field.type, value, form_field.label)
        if form_field.type == "boolean":
            value = {"true": "是", "false": "否"}.get(value, value)
        rows.append((form_field.label, value))
    return rows


def case_context(
    user: User,
    case: Case,
    full_identity: bool = False,
    failed: dict | None = None,
    kiosk: str = "",  # the kiosk the user is signed in at (自助领取 is offered there)
) -> dict[str, Any]:
    catalog = catalog_of(case.catalog_version)
    place, _department = name_lookups(catalog)
    today = timezone.localdate()
    own = own_case(user, case)
    tasks = tasks_of(case)
    names = {t.pk: t.item_name for t in tasks}
    notices = notices_of(case)
    guide = guide_of(case.catalog_version.digest, case.package_id, case.answers)
    done, total = progress(tasks)
    return {
        "case": case,
        "own": own,
        "state_label": STATE_LABELS.get(case.state, case.state),
        "window_name": place(case.window),
        "place_name": place(case.place),
        "applicant": display_name(user, case.applicant),
        "agent": display_name(user, case.agent) if case.agent_id else "",
        **_identity_context(user, case, own, full_identity),
        "deadline": case_deadline(case, today),
        "tasks": _task_rows(user, case, tasks, catalog, today, notices),
        "done": done,
        "total": total,
        "outcome": outcome(tasks),
        "remedy": REMEDY,
        "next": next_step(case, tasks, place),
        "case_actions": set(case_actions_for(user, case, kiosk)),
        "form_values": _form_values(case, guide, catalog, own or full_identity),
        "answered": _answered(case, catalog),
        "timeline": _timeline(user, case, names),
        **materials_context(user, case, own, {t.item_id: t.item_name for t in tasks}),
        **delivery_context(user, case, own),
        "results": results_context(case, tasks),
        "notices": [
            {
                "notice": n,
                "task": names.get(n.task_id, ""),
                "title": TITLES.get(n.kind, n.kind_label),
            }
            for n in notices
        ],
        "special_kinds": SPECIAL_KINDS,
        "failed": failed or {},
        "closed": case.state in [s.value for s in CASE_TERMINAL],
        "finished": case.state in (CaseState.READY, CaseState.COMPLETED),
    }


def _task_rows(
    user: User, case: Case, tasks: list[Task], catalog, today, notices: list[Notice]
) -> list[TaskRow]:
    """One row per item: where it is handled, its deadline chip, who has it, what the
    viewer may do with it, an open special procedure and an unanswered 补正 request."""
    place, department = name_lookups(catalog)
    traces = traces_of(case)
    procedures = open_procedures_of(case)
    supplements = {
        n.task_id: n for n in notices if n.kind == "supplement" and n.answered_at is None
    }
    rows = []
    for task in tasks:
        row = TaskRow(
            task=task,
            department=department(task.department),
            place=place(task.jurisdiction),
            deadline=task_deadline(task, today),
            assignee=display_name(user, task.assignee) if task.assignee_id else "",
            mine=task.assignee_id == user.pk,
            actions=set(task_actions_for(user, case, task)),
            instant=traces.get(task.pk),
        )
        row.procedure = procedures.get(task.pk)
        row.supplement = supplements.get(task.pk)
        rows.append(row)
    return rows


# What a staff member's full view of a case shows (recorded before it is shown).
FULL_VIEW_FIELDS = "姓名、身份证号码、手机号码，申报信息（含银行账号）"


def _identity_context(user: User, case: Case, own: bool, full: bool) -> dict[str, Any]:
    """The applicant's identity as the viewer may see it (a full view is recorded)."""
    identity = None
    if may_see_in_full(user) or own:
        purpose = f"办件审查 {case.number or case.public_id}"
        identity = show_person(
            user, case.applicant, purpose, full and not own, fields=FULL_VIEW_FIELDS
        )
    return {
        "identity": identity,
        "can_see_identity": may_see_in_full(user) and not own,
        "full_identity": full,
    }


def _timeline(user: User, case: Case, names: dict[int, str]) -> list[dict[str, Any]]:
    """The audit trail as the page tells it: when, who (as the viewer may see them),
    what, on which item, to which state, with its note and lines."""
    entries = []
    for action in timeline_of(case):
        system = action.actor_id is None
        if system:
            who, role = "系统", "系统"
        else:
            who = "您" if action.actor_id == user.pk else display_name(user, action.actor)
            role = ROLE_LABELS.get(action.actor_role, action.actor_role)
        data = action.data if isinstance(action.data, dict) else {}
        at = timezone.localtime(action.at)
        entries.append(
            {
                "at": at,
                "at_iso": at.isoformat(),  # written here: the template's date filter
                "at_text": at.strftime("%Y-%m-%d %H:%M"),  # cost more than the rest of a row
                "who": who,
                "role": role,
                "what": ACTION_LABELS.get(action.action, action.action),
                "task": names.get(action.task_id, ""),
                "to": STATE_LABELS.get(action.to_state, "") if action.to_state else "",
                "note": action.note,
                "lines": data.get("lines", []),
            }
        )
    return entries


def _answered(case: Case, catalog) -> list[tuple[str, str]]:
    questions = {q.id: q.text for q in catalog.packages[case.package_id].questions}
    return [
        (questions.get(k, k), "是" if v is True else "否" if v is False else v)
        for k, v in case.answers.items()
    ]


def render_case(
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
    kiosk = getattr(request, "kiosk_code", "")
    context = case_context(request.user, case, full_identity, failed, kiosk)
    context.update(nav="", error=error, field_errors=sorted((fields or {}).values()))
    if acts_for_applicant(request.user):
        context["nav"] = "mine"
    return render(request, "cases/case.html", context, status=status)


@login_required
@require_GET
def case_page(request: HttpRequest, case_id) -> HttpResponse:
    return render_case(request, visible_case(request.user, case_id), reload=False)


@post_only
def identity(request: HttpRequest, case_id) -> HttpResponse:
    """The applicant's full identity, for staff who need it; every full view is audited."""
    case = visible_case(request.user, case_id)
    if not may_see_in_full(request.user):
        return render_case(request, case, 403, "您无权查看申请人的完整身份信息。")
    return render_case(request, case, full_identity=True)


@login_required
@require_GET
def evidence_file(request: HttpRequest, case_id, evidence_id: int) -> HttpResponse:
    """An uploaded copy, for the applicant and the staff who handle the case (audited)."""
    case = visible_case(request.user, case_id)
    evidence = case.evidence.filter(pk=evidence_id).first()
    if evidence is None or not evidence.file_path:
        raise Http404("没有这份上传的材料")
    if request.user.pk not in (case.applicant_id, case.agent_id):  # staff: recorded
        if not may_see_in_full(request.user):
            raise Http404("没有这份上传的材料")
        record_view(
            request.user,
            case.applicant,
            f"申请材料：{evidence.material_name}",
            f"审查办件 {case.number}",
        )
    content_type = evidence.content_type or "application/octet-stream"
    response = HttpResponse(materials.evidence_file(evidence), content_type=content_type)
    inline = content_type != "application/ofd"  # browsers cannot show OFD: download it
    response["Content-Disposition"] = "inline" if inline else "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def notice_pdf(request: HttpRequest, case_id, notice_id: int) -> HttpResponse:
    case = visible_case(request.user, case_id)
    notice = case.notices.select_related("task", "issued_by").filter(pk=notice_id).first()
    if notice is None:
        raise Http404("没有这份书面告知")
    pdf = render_notice_pdf(case, notice)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf_response(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _case_document(request: HttpRequest, case_id, what: str) -> Case:
    """A submitted case's document for its applicant, agent or the staff who handle it
    (a staff view of the applicant's data is recorded)."""
    case = visible_case(request.user, case_id)
    if case.number is None:
        raise Http404("申请提交后才有该文书")
    if request.user.pk not in (case.applicant_id, case.agent_id):
        if not may_see_in_full(request.user):
            raise Http404("没有该文书")
        record_view(request.user, case.applicant, what, f"审查办件 {case.number}")
    return case


@login_required
@require_GET
def application_pdf(request: HttpRequest, case_id) -> HttpResponse:
    """申请书, made from the submitted one form."""
    case = _case_document(request, case_id, "申请书（一表申报内容）")
    return _pdf_response(render_application_pdf(case), f"application-{case.number}.pdf")


HOW_RECEIVED = {
    "A": "电子证照，免提交",
    "B": "窗口核验原件",
    "C": "上传电子件",
    "D": "告知承诺",
}


@login_required
@require_GET
def receipt_pdf(request: HttpRequest, case_id) -> HttpResponse:
    """材料接收凭证: each material and how it was received and checked."""
    case = visible_case(request.user, case_id)
    if case.number is None:
        raise Http404("申请提交后才有材料接收凭证")
    rows = []
    for evidence in evidence_of(case):
        how = HOW_RECEIVED.get(evidence.trust, "待提交")
        if evidence.origin != "applicant":
            how = materials.made_by_text(evidence) if not evidence.trust else how
            how = "平台按一表申报生成" if evidence.origin == "form" else how
        elif evidence.paper_received:
            how = "窗口收取纸质材料"
        elif evidence.file_name and evidence.trust == "B":
            how = "上传电子件，窗口核验原件"
        check = "已核验" if evidence.trust in ("A", "B") else "无需核验"
        if evidence.trust in ("", "C"):
            check = f"未核验：{evidence.check_note}" if evidence.check_note else "待核验"
        rows.append(
            {"name": evidence.material_name, "how": how, "pages": evidence.pages, "check": check}
        )
    return _pdf_response(render_receipt_pdf(case, rows), f"receipt-{case.number}.pdf")
