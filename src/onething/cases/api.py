"""The cases API under /api/v1: everything the pages do, for other systems and apps.

Authentication: ``Authorization: Bearer <token>`` (tokens from POST /api/v1/auth/token)
or the browser session with its CSRF token. Refusals come back as
``{"detail": "…"}`` with 400 (bad input), 403, 404 or 409 (an invalid transition or a
stale ``version``: nothing was changed).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.errors import HttpError

from onething.accounts.auth import api_user
from onething.accounts.models import User
from onething.calendar.loaded import current_calendar
from onething.cases import services
from onething.cases.api_schemas import (
    AnswerIn,
    CaseDetailOut,
    CaseOut,
    CompletionIn,
    DraftIn,
    EndSpecialIn,
    FilingIn,
    HandOverIn,
    LinesIn,
    NoteIn,
    ReasonIn,
    SpecialIn,
    TaskOut,
    VersionIn,
)
from onething.cases.deadlines import DEADLINE_STATE_LABELS, deadline_state
from onething.cases.delivery import Handover
from onething.cases.lifecycle import (
    CASE_STATE_LABELS,
    TASK_PAUSED,
    TASK_STATE_LABELS,
    TaskState,
)
from onething.cases.models import Case, SpecialProcedure, Task
from onething.cases.offers import case_actions_for, task_actions_for
from onething.cases.query import (
    case_by_public_id,
    notices_of,
    task_by_id,
    tasks_of,
    timeline_of,
    with_parties,
)
from onething.catalog.services import catalog_of
from onething.core.access import (
    cases_visible_to,
    may_see_in_full,
    may_view_case,
    may_work_task,
    own_case,
    tasks_visible_to,
)
from onething.core.roles import ROLE_LABELS
from onething.privacy.masking import mask_form_value
from onething.privacy.services import display_name, record_view

router = Router(tags=["cases"])

MAX_PAGE = 200
MAX_OFFSET = 1_000_000  # deeper than this, narrow the list (state, order) instead


# A page of a list, bounded: a limit or an offset out of range is a 400 that names it.
def page_limit(default: int) -> Any:
    return Query(default, ge=1, le=MAX_PAGE, description=f"每页条数（1–{MAX_PAGE}）")


def page_offset() -> Any:
    return Query(0, ge=0, le=MAX_OFFSET, description=f"跳过前若干条（0–{MAX_OFFSET}）")


# --------------------------------------------------------------------------- helpers


def _masked_form(case: Case) -> dict[str, Any]:
    types = _field_types(case)
    return {
        key: mask_form_value(key, types.get(key, ""), value) if isinstance(value, str) else value
        for key, value in case.form.items()
    }


def _field_types(case: Case) -> dict[str, str]:
    catalog = catalog_of(case.catalog_version)  # the version row is at hand: no query
    return {f.id: f.type for f in catalog.fields.values()}


def _task_out(task: Task, user: User, today: date) -> dict[str, Any]:
    state = TaskState(task.state)
    deadline = None
    if task.due_date is not None:
        deadline = deadline_state(
            task.due_date,
            today,
            current_calendar(),
            settings.DEADLINE_WARNING_DAYS,
            paused=state in TASK_PAUSED,
            finished_on=task.finished_on,
        )
    return {
        "id": task.pk,
        "case": task.case.public_id,
        "case_number": task.case.number,
        "item_id": task.item_id,
        "item_name": task.item_name,
        "department": task.department,
        "jurisdiction": task.jurisdiction,
        "after": task.after,
        "state": task.state,
        "state_label": TASK_STATE_LABELS[state],
        "version": task.version,
        "assignee": task.assignee.username if task.assignee_id else None,
        "promised_days": task.promised_days,
        "workable_on": task.workable_on,
        "due_date": task.due_date,
        "finished_on": task.finished_on,
        "deadline": deadline.value if deadline else None,
        "deadline_label": DEADLINE_STATE_LABELS[deadline] if deadline else None,
        "pauses": task.pauses,
        "decision_note": task.decision_note,
        "actions": task_actions_for(user, task.case, task),
    }


def _case_out(case: Case, user: User) -> dict[str, Any]:
    return {
        "id": case.public_id,
        "number": case.number,
        "package_id": case.package_id,
        "package_name": case.package_name,
        "catalog_version": case.catalog_version.number,
        "answers": case.answers,
        "applicant": display_name(user, case.applicant),
        "agent": case.agent.full_name if case.agent_id else None,
        "channel": case.channel,
        "window": case.window,
        "place": case.place,
        "state": case.state,
        "state_label": CASE_STATE_LABELS[case.state],
        "version": case.version,
        "created_at": case.created_at,
        "submitted_at": case.submitted_at,
        "window_due": case.window_due,
        "accepted_at": case.accepted_at,
        "due_date": case.due_date,
        "completed_at": case.completed_at,
        "refusal_reason": case.refusal_reason,
        "actions": case_actions_for(user, case),
    }


def _visible_case(user: User, case_id: UUID) -> Case:
    case = case_by_public_id(case_id)
    if case is None or not may_view_case(user, case):
        raise HttpError(404, f"办件 {case_id} 不存在或您无权查看")
    return case


def _detail(case: Case, user: User) -> dict[str, Any]:
    today = services.local_today()
    data = _case_out(case, user)
    tasks = tasks_of(case)
    names = {t.pk: t.item_name for t in tasks}
    data["form"] = case.form if own_case(user, case) else _masked_form(case)
    data["tasks"] = [_task_out(t, user, today) for t in tasks]
    data["timeline"] = [
        {
            "at": a.at,
            "actor": display_name(user, a.actor),
            "actor_role": ROLE_LABELS.get(a.actor_role, "系统"),
            "action": a.action,
            "task": names.get(a.task_id),
            "from_state": a.from_state,
            "to_state": a.to_state,
            "note": a.note,
        }
        for a in timeline_of(case)
    ]
    data["notices"] = [
        {
            "id": n.pk,
            "kind": n.kind,
            "kind_label": n.kind_label,
            "task": names.get(n.task_id),
            "lines": n.lines,
            "text": n.text,
            "issued_at": n.issued_at,
            "answered_at": n.answered_at,
            "answer": n.answer,
        }
        for n in notices_of(case)
    ]
    return data


def _principal(username: str | None) -> User | None:
    if not username:
        return None
    principal = User.objects.filter(username=username).first()
    if principal is None:
        raise HttpError(400, f"没有用户 {username}")
    return principal


# --------------------------------------------------------------------------- endpoints


@router.post(
    "/cases",
    response={200: CaseOut, 201: CaseOut},
    summary="File a case (submitted at once unless submit is false)",
    description="Send an Idempotency-Key header: the same key files one case.",
)
def file_case(request: HttpRequest, body: FilingIn):
    user = api_user(request)
    case, created = services.file_case(
        user,
        _filing(body),
        applicant=_principal(body.applicant),
        submit=body.submit,
        idempotency_key=request.headers.get("Idempotency-Key"),
    )
    return Status(201 if created else 200, _case_out(case, user))


@router.put(
    "/cases/{case_id}",
    response=CaseDetailOut,
    summary="Change a draft (answers, place, form); submit it with /submit",
)
def update_draft(request: HttpRequest, case_id: UUID, body: DraftIn):
    return _case_action(
        request,
        case_id,
        lambda user: services.update_draft(user, case_id, body.version, _filing(body)),
    )


def _filing(body: FilingIn) -> services.Filing:
    return services.Filing(
        package_id=body.package_id,
        answers={k: v if isinstance(v, bool) else str(v) for k, v in body.answers.items()},
        place=body.place,
        form={k: "" if v is None else str(v) for k, v in body.form.items()},
        channel=body.channel if body.channel in ("web", "mobile", "kiosk") else "web",
        window=body.window,
    )


@router.get("/cases", response=list[CaseOut], summary="Cases I may see, newest or soonest due")
def list_cases(
    request: HttpRequest,
    state: str | None = None,
    order: str = "-created_at",
    limit: int = page_limit(50),
    offset: int = page_offset(),
):
    user = api_user(request)
    cases = with_parties(cases_visible_to(user))
    if state:
        cases = cases.filter(state=state)
    if order not in ("created_at", "-created_at", "due_date", "-due_date", "window_due"):
        raise HttpError(
            400, "order 只能是 created_at、-created_at、due_date、-due_date 或 window_due"
        )
    cases = cases.order_by(order, "pk")[offset : offset + limit]
    return [_case_out(c, user) for c in cases]


@router.get("/cases/{case_id}", response=CaseDetailOut, summary="A case with tasks and timeline")
def get_case(request: HttpRequest, case_id: UUID):
    user = api_user(request)
    return _detail(_visible_case(user, case_id), user)


@router.get(
    "/cases/{case_id}/form",
    summary="The form in full (staff; every such view is recorded)",
)
def get_full_form(request: HttpRequest, case_id: UUID, purpose: str = "审核办件") -> dict[str, Any]:
    user = api_user(request)
    case = _visible_case(user, case_id)
    if own_case(user, case):
        return case.form
    if not may_see_in_full(user):
        raise HttpError(403, "无权查看完整申报信息")
    record_view(
        user,
        case.applicant,
        "申报信息（含身份证号码、电话、银行账号）",
        f"{purpose[:150]} 办件 {case.number}",
    )
    return case.form


def _case_action(request, case_id: UUID, run) -> dict[str, Any]:
    user = api_user(request)
    _visible_case(user, case_id)
    case = run(user)
    return _detail(case_by_public_id(case.public_id), user)


@router.post("/cases/{case_id}/submit", response=CaseDetailOut)
def submit(request: HttpRequest, case_id: UUID, body: VersionIn):
    return _case_action(request, case_id, lambda u: services.submit(u, case_id, body.version))


@router.post("/cases/{case_id}/withdraw", response=CaseDetailOut)
def withdraw(request: HttpRequest, case_id: UUID, body: VersionIn):
    return _case_action(request, case_id, lambda u: services.withdraw(u, case_id, body.version))


@router.post("/cases/{case_id}/accept", response=CaseDetailOut, summary="一窗受理")
def accept(request: HttpRequest, case_id: UUID, body: VersionIn):
    return _case_action(request, case_id, lambda u: services.accept(u, case_id, body.version))


@router.post("/cases/{case_id}/request-completion", response=CaseDetailOut, summary="一次性告知")
def request_completion(request: HttpRequest, case_id: UUID, body: CompletionIn):
    return _case_action(
        request,
        case_id,
        lambda u: (
            services.request_completion(
                u,
                case_id,
                body.lines,
                body.text,
                body.version,
                kept=body.kept,
                removed=body.removed,
            ).case
        ),
    )


@router.post("/cases/{case_id}/complete", response=CaseDetailOut, summary="补齐后再次提交")
def complete(request: HttpRequest, case_id: UUID, body: AnswerIn):
    return _case_action(
        request, case_id, lambda u: services.complete(u, case_id, body.answer, body.version)
    )


@router.post("/cases/{case_id}/refuse", response=CaseDetailOut, summary="不予受理")
def refuse(request: HttpRequest, case_id: UUID, body: ReasonIn):
    return _case_action(
        request, case_id, lambda u: services.refuse(u, case_id, body.reason, body.version)
    )


@router.post("/cases/{case_id}/hand-over", response=CaseDetailOut, summary="一次办成：出件")
def hand_over(request: HttpRequest, case_id: UUID, body: HandOverIn):
    handover = Handover(body.carrier, body.tracking_number)
    return _case_action(
        request, case_id, lambda u: services.hand_over(u, case_id, body.version, handover)
    )


@router.get("/tasks", response=list[TaskOut], summary="My department's tasks, soonest due first")
def list_tasks(
    request: HttpRequest,
    state: str | None = None,
    mine: bool = False,
    limit: int = page_limit(100),
    offset: int = page_offset(),
):
    user = api_user(request)
    tasks = tasks_visible_to(user).select_related("case", "assignee")
    if state:
        tasks = tasks.filter(state=state)
    if mine:
        tasks = tasks.filter(assignee=user)
    tasks = tasks.order_by("due_date", "pk")[offset : offset + limit]
    today = services.local_today()
    return [_task_out(t, user, today) for t in tasks]


def _task_action(request, task_id: int, run) -> dict[str, Any]:
    user = api_user(request)
    task = task_by_id(task_id)
    if task is None or not (may_work_task(user, task) or may_view_case(user, task.case)):
        raise HttpError(404, f"事项办理 {task_id} 不存在或您无权查看")
    run(user)
    done = task_by_id(task_id)
    assert done is not None  # an item is never deleted
    return _task_out(done, user, services.local_today())


@router.post("/tasks/{task_id}/claim", response=TaskOut, summary="认领")
def claim(request: HttpRequest, task_id: int, body: VersionIn):
    return _task_action(request, task_id, lambda u: services.claim(u, task_id, body.version))


@router.post("/tasks/{task_id}/release", response=TaskOut, summary="退回待认领")
def release(request: HttpRequest, task_id: int, body: VersionIn):
    return _task_action(request, task_id, lambda u: services.release(u, task_id, body.version))


@router.post("/tasks/{task_id}/approve", response=TaskOut, summary="准予许可")
def approve(request: HttpRequest, task_id: int, body: NoteIn):
    return _task_action(
        request, task_id, lambda u: services.approve(u, task_id, body.note, body.version)
    )


@router.post("/tasks/{task_id}/reject", response=TaskOut, summary="不予许可")
def reject(request: HttpRequest, task_id: int, body: ReasonIn):
    return _task_action(
        request, task_id, lambda u: services.reject(u, task_id, body.reason, body.version)
    )


@router.post("/tasks/{task_id}/request-supplement", response=TaskOut, summary="补正（暂停计时）")
def request_supplement(request: HttpRequest, task_id: int, body: LinesIn):
    return _task_action(
        request,
        task_id,
        lambda u: services.request_supplement(u, task_id, body.lines, body.text, body.version),
    )


@router.post("/tasks/{task_id}/provide-supplement", response=TaskOut, summary="提交补正")
def provide_supplement(request: HttpRequest, task_id: int, body: AnswerIn):
    return _task_action(
        request,
        task_id,
        lambda u: services.provide_supplement(u, task_id, body.answer, body.version),
    )


@router.post("/special-procedures", response={201: dict}, summary="特殊环节（可多件联合）")
def start_special(request: HttpRequest, body: SpecialIn):
    user = api_user(request)
    procedure = services.start_special(user, body.task_ids, body.kind, body.days, body.title)
    return Status(201, {"id": procedure.pk, "due_date": procedure.due_date.isoformat()})


@router.post("/special-procedures/{procedure_id}/end", summary="结束特殊环节")
def end_special(request: HttpRequest, procedure_id: int, body: EndSpecialIn) -> dict[str, Any]:
    user = api_user(request)
    if not SpecialProcedure.objects.filter(pk=procedure_id).exists():
        raise HttpError(404, f"特殊环节 {procedure_id} 不存在")
    procedure = services.end_special(user, procedure_id, body.outcome)
    return {"id": procedure.pk, "ended_on": procedure.ended_on.isoformat()}
