"""Use cases of the case lifecycle: each one loads, checks, changes and records in one
transaction. Views and the API call these; these call the pure rules.

Every change locks the case row first (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite
takes its write lock at BEGIN), checks the version the caller saw, applies the rule,
writes the changed rows and one `Action` per transition, and queues notifications in
the outbox — all or nothing. A refused or stale request changes nothing.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from onething.accounts.models import Authorisation, User
from onething.accounts.roles import Role
from onething.calendar.loaded import current_calendar
from onething.cases import evidence as evidence_rules
from onething.cases import store, uploads
from onething.cases.deadlines import (
    ScheduledTask,
    deemed_accepted,
    projected_due_dates,
    task_due_date,
    window_deadline,
)
from onething.cases.evidence import TrustLevel
from onething.cases.lifecycle import (
    SYSTEM,
    TASK_PAUSED,
    CaseAction,
    CaseState,
    NotAllowedForRole,
    TaskAction,
    TaskState,
    TransitionRefused,
    case_transition,
    task_transition,
)
from onething.cases.models import Case, Evidence, Notice, OutboxMessage, SpecialProcedure, Task
from onething.cases.query import can_act_on_case, can_work_task
from onething.cases.routing import route_item
from onething.cases.tasks import TaskNode, all_finished, initial_states, ready_to_release, to_cancel
from onething.catalog.entities import Catalog
from onething.catalog.guide import AnswerError, Guide, resolve_answers
from onething.catalog.services import (
    catalog_by_version_id,
    catalog_of,
    current_catalog,
    guide_for_version_id,
    guide_of,
)
from onething.intake import files
from onething.intake.validation import validate_form

log = logging.getLogger(__name__)


class CaseError(Exception):
    """A request the platform refuses; `status` is the HTTP status that says why."""

    status = 400

    def __init__(self, message: str, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}


class InvalidInput(CaseError):
    status = 400


class Forbidden(CaseError):
    status = 403


class NotFound(CaseError):
    status = 404


class Conflict(CaseError):
    """An invalid transition or a stale version: nothing was changed."""

    status = 409


# --------------------------------------------------------------------------- helpers


def _today() -> date:
    return timezone.localdate()


def _role(actor: User | None) -> str:
    return SYSTEM if actor is None else actor.role


def _locked_case(case_id) -> Case:
    try:
        case = store.load_case(case_id)
    except (ValueError, TypeError, ValidationError):
        case = None
    if case is None:
        raise NotFound(f"办件 {case_id} 不存在")
    return case


def _save_case(case: Case, *fields: str) -> None:
    store.save([case], ("state", "version", *fields))


def _check_version(current: int, expected: int | None, what: str) -> None:
    if expected is not None and expected != current:
        raise Conflict(
            f"{what}在您打开页面之后已被更新（他人或您在另一个窗口的操作），"
            "请刷新后按最新状态再操作",
            {"current_version": current},
        )


def _case_step(case: Case, action: CaseAction, actor: User | None) -> tuple[str, str]:
    before = case.state
    try:
        after = case_transition(before, action, _role(actor))
    except NotAllowedForRole as refused:
        raise Forbidden(str(refused)) from None
    except TransitionRefused as refused:
        raise Conflict(str(refused)) from None
    case.state = after.value
    case.version += 1
    return before, after.value


def _task_step(task: Task, action: TaskAction, actor: User | None) -> tuple[str, str]:
    before = task.state
    try:
        after = task_transition(before, action, _role(actor))
    except NotAllowedForRole as refused:
        raise Forbidden(str(refused)) from None
    except TransitionRefused as refused:
        raise Conflict(str(refused)) from None
    task.state = after.value
    task.version += 1
    return before, after.value


def record(
    case: Case,
    action: str,
    actor: User | None,
    before: str = "",
    after: str = "",
    task: Task | None = None,
    note: str = "",
    data: dict | None = None,
) -> None:
    store.insert_actions(
        [
            store.ActionRow(
                case_id=case.pk,
                task_id=task.pk if task is not None else None,
                actor_id=actor.pk if actor is not None else None,
                actor_role=_role(actor),
                action=str(action),
                from_state=before,
                to_state=after,
                note=note,
                data=data or {},
            )
        ]
    )


def notify(case: Case, kind: str, subject: str, body: str) -> None:
    """Queue a notification about the case for its applicant (and agent)."""
    recipients = [case.applicant_id] + ([case.agent_id] if case.agent_id else [])
    notify_users(recipients, kind, subject, body, case_id=case.pk)


def notify_users(
    recipients: Sequence[int], kind: str, subject: str, body: str, case_id: int | None = None
) -> None:
    """Queue a notification for these users in the outbox the sweep delivers."""
    now = timezone.now()
    store.insert(
        [
            OutboxMessage(
                recipient_id=recipient,
                case_id=case_id,
                kind=kind,
                subject=subject,
                body=body,
                created_at=now,
                available_at=now,
            )
            for recipient in recipients
        ],
        (
            "recipient",
            "case",
            "kind",
            "subject",
            "body",
            "created_at",
            "available_at",
            "attempts",
            "last_error",
        ),
    )


def _catalog_of(case: Case) -> Catalog:
    return catalog_of(case.catalog_version)


def _guide_of(case: Case, catalog: Catalog) -> Guide:
    return guide_of(case.catalog_version.digest, case.package_id, case.answers)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise Forbidden(message)


# --------------------------------------------------------------------------- filing


@dataclass(frozen=True, slots=True)
class Filing:
    """What an applicant files: the package, the answers, where, and the one form."""

    package_id: str
    answers: dict[str, str]
    place: str
    form: dict[str, str]
    channel: str = "web"
    window: str | None = None  # defaults to the place's window


def _applicant_for(actor: User, applicant: User | None, package_id: str):
    """Who the case is for, and the agent's authorisation when an agent files it."""
    if actor.role == Role.APPLICANT:
        if applicant is not None and applicant.pk != actor.pk:
            raise Forbidden("申请人只能为自己申报")
        return actor, None
    if actor.role == Role.AGENT:
        if applicant is None:
            raise InvalidInput("代办时请指明委托人")
        authorisation = next(
            (
                a
                for a in Authorisation.objects.filter(agent=actor, principal=applicant)
                if a.covers(package_id)
            ),
            None,
        )
        if authorisation is None:
            raise Forbidden("没有该委托人对此事项的有效代办授权")
        return applicant, actor
    if actor.role == Role.CLERK:
        if applicant is None or applicant.role != Role.APPLICANT:
            raise InvalidInput("窗口代为录入时请指明申请人")
        return applicant, None
    raise Forbidden("该角色不能申报")


def prepare_filing(filing: Filing) -> tuple[int, Catalog, dict, dict, list]:
    """Check a filing against the current catalogue: answers, place, routing and the form.

    Returns (catalogue version id, catalogue, typed answers, clean form, problems).
    """
    current = current_catalog()
    if current is None:
        raise InvalidInput("尚未导入事项目录")
    catalog = current.catalog
    package = catalog.packages.get(filing.package_id)
    if package is None:
        raise NotFound(f"没有编号为 {filing.package_id} 的一件事")
    try:
        answers = resolve_answers(package, {k: str(v) for k, v in filing.answers.items()})
    except AnswerError as exc:
        raise InvalidInput(f"情形回答有误：{exc}") from None
    place = catalog.jurisdictions.get(filing.place)
    if place is None:
        raise InvalidInput(f"未知的行政区划 {filing.place}")
    window = filing.window or filing.place
    if window not in catalog.jurisdictions:
        raise InvalidInput(f"未知的受理窗口 {window}")
    guide = guide_of(current.digest, package.id, answers)
    problems = []
    for guide_item in guide.items:
        if route_item(guide_item.item.levels, window, filing.place, catalog.jurisdictions) is None:
            problems.append(f"{guide_item.item.name}在{place.name}没有实施机关")
    if problems:
        raise InvalidInput("；".join(problems))
    result = validate_form(guide.fields, filing.form, _today())
    return current.pk, catalog, answers, result.clean, list(result.errors.items())


def file_case(
    actor: User,
    filing: Filing,
    applicant: User | None = None,
    submit: bool = True,
    idempotency_key: str | None = None,
) -> tuple[Case, bool]:
    """Create a case (a draft, or submitted at once). With an idempotency key, filing the
    same thing twice gives the first case back: (case, created)."""
    if idempotency_key is not None:
        idempotency_key = idempotency_key.strip()[:100] or None
    owner, agent = _applicant_for(actor, applicant, filing.package_id)
    if idempotency_key:
        existing = Case.objects.filter(applicant=owner, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False
    version_id, catalog, answers, form, errors = prepare_filing(filing)
    if submit and errors:
        raise InvalidInput("申报信息有误", {"fields": dict(errors)})
    channel = "agent" if agent else ("window" if actor.role == Role.CLERK else filing.channel)
    try:
        with transaction.atomic():
            case = Case(
                catalog_version_id=version_id,
                package_id=filing.package_id,
                package_name=catalog.packages[filing.package_id].name,
                answers=answers,
                applicant=owner,
                agent=agent,
                channel=channel,
                window=filing.window or filing.place,
                place=filing.place,
                idempotency_key=idempotency_key,
            )
            case.form = form
            case.save()
            record(case, "create", actor, "", CaseState.DRAFT.value, data={"channel": channel})
            if submit:
                _submit(case, actor)
    except IntegrityError:
        if idempotency_key:  # the same request raced with itself: the first one won
            return Case.objects.get(applicant=owner, idempotency_key=idempotency_key), False
        raise
    return case, True


def _submit(case: Case, actor: User) -> None:
    before, after = _case_step(case, CaseAction.SUBMIT, actor)
    now = timezone.now()
    case.submitted_at = now
    case.window_due = window_deadline(timezone.localdate(now), current_calendar())
    if not case.number:
        case.number = f"{case.window}-{timezone.localdate(now):%Y%m%d}-{case.pk:06d}"
    _save_case(case, "submitted_at", "window_due", "number")
    record(case, CaseAction.SUBMIT, actor, before, after, data={"channel": case.channel})
    _attach_evidence(case)


# Every column but the id: a field added later is written too (its Python default).
EVIDENCE_COLUMNS = tuple(f.name for f in Evidence._meta.concrete_fields if not f.primary_key)


def _attach_evidence(case: Case) -> None:
    """One record per material the case needs; a material the applicant holds as a valid
    electronic certificate is attached by reference at level A (免提交)."""
    from onething.licences.services import valid_licences

    guide = guide_for_version_id(case.catalog_version_id, case.package_id, case.answers)
    types = {m.evidence for m in guide.materials if m.evidence}
    held = valid_licences(case.applicant, types) if types else {}
    now = timezone.now()
    rows = []
    for material in guide.materials:
        licence = held.get(material.evidence) if material.evidence else None
        if not material.required and licence is None:
            continue
        rows.append(
            Evidence(
                case=case,
                material_id=material.id,
                material_name=material.name,
                evidence_type=material.evidence or "",
                commitment_allowed=material.commitment,
                trust=TrustLevel.A.value if licence else "",
                licence=licence,
                updated_at=now,
            )
        )
    if rows and not Evidence.objects.filter(case_id=case.pk).exists():  # a re-submission
        store.insert(rows, EVIDENCE_COLUMNS)


def update_draft(actor: User, case_id, version: int | None, filing: Filing) -> Case:
    with transaction.atomic():
        case = _locked_case(case_id)
        _require(can_act_on_case(actor, case), "无权修改此办件")
        _check_version(case.version, version, "办件")
        if case.state != CaseState.DRAFT:
            raise Conflict("只有草稿可以修改")
        if filing.package_id != case.package_id:
            raise InvalidInput("草稿不能改成另一件事，请新建申报")
        # A draft is not filed yet: it moves to the current catalogue version.
        version_id, _catalog, answers, form, _errors = prepare_filing(filing)
        case.catalog_version_id = version_id
        case.answers, case.place = answers, filing.place
        case.window = filing.window or filing.place
        case.form = form
        case.version += 1
        case.save()
        record(case, "edit", actor, case.state, case.state)
        return case


def submit(actor: User, case_id, version: int | None = None) -> Case:
    with transaction.atomic():
        case = _locked_case(case_id)
        _require(can_act_on_case(actor, case), "无权提交此办件")
        _check_version(case.version, version, "办件")
        catalog = _catalog_of(case)
        errors = validate_form(_guide_of(case, catalog).fields, case.form, _today()).errors
        if errors:
            raise InvalidInput("申报信息不完整", {"fields": errors})
        _submit(case, actor)
        return case


def withdraw(actor: User, case_id, version: int | None = None) -> Case:
    with transaction.atomic():
        case = _locked_case(case_id)
        _require(can_act_on_case(actor, case), "无权撤回此办件")
        _check_version(case.version, version, "办件")
        before, after = _case_step(case, CaseAction.WITHDRAW, actor)
        _save_case(case)
        record(case, CaseAction.WITHDRAW, actor, before, after)
        return case


# --------------------------------------------------------------------------- the window


def _clerk_case(actor: User | None, case_id, version: int | None) -> Case:
    case = _locked_case(case_id)
    if actor is not None:
        _require(actor.role == Role.CLERK and can_act_on_case(actor, case), "无权办理此办件")
    _check_version(case.version, version, "办件")
    return case


def accept(actor: User | None, case_id, version: int | None = None) -> Case:
    """一窗受理: accept, creating one task per included item at its routed jurisdiction."""
    with transaction.atomic():
        case = _clerk_case(actor, case_id, version)
        action = CaseAction.ACCEPT if actor is not None else CaseAction.DEEM_ACCEPTED
        _accept(case, actor, action)
        return case


def _accept(case: Case, actor: User | None, action: CaseAction) -> None:
    before, after = _case_step(case, action, actor)
    catalog = _catalog_of(case)
    guide = _guide_of(case, catalog)
    today = _today()
    calendar = current_calendar()
    states = initial_states([(gi.id, gi.after) for gi in guide.items])
    tasks = []
    for position, guide_item in enumerate(guide.items):
        item = guide_item.item
        jurisdiction = route_item(item.levels, case.window, case.place, catalog.jurisdictions)
        if jurisdiction is None:
            raise InvalidInput(f"{item.name}没有实施机关，无法受理")
        state = states[item.id]
        workable = state == TaskState.WORKABLE
        tasks.append(
            Task(
                case=case,
                position=position,
                item_id=item.id,
                item_name=item.name,
                department=item.department,
                jurisdiction=jurisdiction,
                after=list(guide_item.after),
                kind=item.kind,
                promised_days=item.promised_days,
                state=state.value,
                workable_on=today if workable else None,
                due_date=task_due_date(today, item.promised_days, (), calendar, today)
                if workable
                else None,
            )
        )
    store.insert(tasks, store.TASK_COLUMNS)
    case.accepted_at = timezone.now()
    case.accepted_by = actor
    _save_case(case, "accepted_at", "accepted_by")
    _refresh_case_due(case, tasks)
    record(case, action, actor, before, after, data={"tasks": len(tasks)})
    notify(
        case,
        "accepted",
        f"您的“{case.package_name}”已受理",
        f"受理编号 {case.number}。共 {len(tasks)} 个事项并联办理，预计 {case.due_date} 前办结。"
        + ("（依法视为受理）" if action == CaseAction.DEEM_ACCEPTED else ""),
    )
    if not tasks:
        _finish_if_done(case, [])


def request_completion(
    actor: User, case_id, lines: Sequence[str], text: str = "", version: int | None = None
) -> Notice:
    """一次性告知: one written notice of everything missing; the applicant completes it."""
    lines = [line.strip() for line in lines if line and line.strip()]
    if not lines:
        raise InvalidInput("请逐条写明需要补齐的材料或信息")
    with transaction.atomic():
        case = _clerk_case(actor, case_id, version)
        before, after = _case_step(case, CaseAction.REQUEST_COMPLETION, actor)
        _save_case(case)
        notice = Notice.objects.create(
            case=case, kind="completion", lines=lines, text=text, issued_by=actor
        )
        record(case, CaseAction.REQUEST_COMPLETION, actor, before, after, data={"lines": lines})
        notify(
            case,
            "completion",
            f"“{case.package_name}”需补齐材料（一次性告知）",
            "请一次补齐：" + "；".join(lines),
        )
        return notice


def complete(actor: User, case_id, answer: str, version: int | None = None) -> Case:
    """The applicant completes everything the notice listed, in one go."""
    with transaction.atomic():
        case = _locked_case(case_id)
        _require(can_act_on_case(actor, case), "无权办理此办件")
        _check_version(case.version, version, "办件")
        before, after = _case_step(case, CaseAction.COMPLETE, actor)
        now = timezone.now()
        case.submitted_at = now
        case.window_due = window_deadline(timezone.localdate(now), current_calendar())
        _save_case(case, "submitted_at", "window_due")
        Notice.objects.filter(case=case, kind="completion", answered_at=None).update(
            answered_at=now, answer=answer.strip()
        )
        record(case, CaseAction.COMPLETE, actor, before, after, note=answer.strip())
        return case


def refuse(actor: User, case_id, reason: str, version: int | None = None) -> Case:
    reason = reason.strip()
    if not reason:
        raise InvalidInput("不予受理须写明理由")
    with transaction.atomic():
        case = _clerk_case(actor, case_id, version)
        before, after = _case_step(case, CaseAction.REFUSE, actor)
        case.refusal_reason = reason
        _save_case(case, "refusal_reason")
        Notice.objects.create(case=case, kind="refusal", lines=[reason], issued_by=actor)
        record(case, CaseAction.REFUSE, actor, before, after, note=reason)
        notify(case, "refused", f"“{case.package_name}”不予受理", reason)
        return case


def hand_over(actor: User, case_id, version: int | None = None) -> Case:
    """一次办成: every result handed over at once."""
    with transaction.atomic():
        case = _clerk_case(actor, case_id, version)
        before, after = _case_step(case, CaseAction.HAND_OVER, actor)
        case.completed_at = timezone.now()
        _save_case(case, "completed_at")
        record(case, CaseAction.HAND_OVER, actor, before, after)
        return case


# --------------------------------------------------------------------------- materials

MAX_UPLOAD_BYTES = files.MAX_BYTES


def _trust(evidence: Evidence) -> TrustLevel | None:
    """The material's level; None while it is still missing."""
    return TrustLevel(evidence.trust) if evidence.trust else None


def _evidence_of(case: Case, evidence_id: int) -> Evidence:
    evidence = Evidence.objects.filter(case_id=case.pk, pk=evidence_id).first()
    if evidence is None:
        raise NotFound("该办件没有这项材料")
    return evidence


def upload_evidence(actor: User, case_id, evidence_id: int, name: str, data: bytes) -> Evidence:
    """The applicant uploads a material once for the whole case (every item that needs it
    shares it): level C, the original still to be checked. The kind is judged by content
    (PDF, OFD, JPEG, PNG), the page count and SHA-256 are recorded, and the file is kept
    encrypted under its digest; the uploaded name is only ever shown."""
    try:
        facts = files.examine(data)
    except files.UploadRefused as refused:
        raise InvalidInput(str(refused)) from None
    with transaction.atomic():
        case = _locked_case(case_id)
        _require(can_act_on_case(actor, case), "只有申请人或其代办人可以上传材料")
        if case.state not in (
            CaseState.DRAFT,
            CaseState.SUBMITTED,
            CaseState.AWAITING_COMPLETION,
            CaseState.IN_PROGRESS,
        ):
            raise Conflict("办件已办结或终止，不能再上传材料")
        evidence = _evidence_of(case, evidence_id)
        try:
            level = evidence_rules.uploaded(_trust(evidence))
        except evidence_rules.EvidenceRefused as refused:
            raise Conflict(str(refused)) from None
        digest, relative = uploads.put(data)  # before the row: a crash leaves only a file
        evidence.trust = level.value
        evidence.file_name = files.safe_display_name(name, facts.kind)
        evidence.file_path = relative
        evidence.sha256, evidence.size, evidence.pages = digest, facts.size, facts.pages
        evidence.content_type = facts.content_type
        evidence.checked_by, evidence.checked_at = None, None
        evidence.save()
        record(
            case,
            "upload_evidence",
            actor,
            case.state,
            case.state,
            note=evidence.material_name,
            data={"sha256": digest, "size": facts.size, "pages": facts.pages},
        )
        return evidence


def evidence_file(evidence: Evidence) -> bytes:
    if not evidence.file_path:
        raise NotFound("该材料没有上传的文件")
    return uploads.get(evidence.file_path)


def promise_evidence(actor: User, case_id, evidence_id: int) -> Evidence:
    """告知承诺: the applicant's written promise stands in for the material (D)."""
    with transaction.atomic():
        case = _locked_case(case_id)
        _require(can_act_on_case(actor, case), "只有申请人或其代办人可以作出承诺")
        evidence = _evidence_of(case, evidence_id)
        try:
            level = evidence_rules.promised(
                _trust(evidence),
                evidence.commitment_allowed,
            )
        except evidence_rules.EvidenceRefused as refused:
            raise Conflict(str(refused)) from None
        evidence.trust = level.value
        evidence.save()
        record(
            case,
            "promise_evidence",
            actor,
            case.state,
            case.state,
            note=f"承诺：{evidence.material_name}符合要求，如不实愿承担相应法律责任",
        )
        return evidence


def check_original(
    actor: User, case_id, evidence_id: int, paper_received: bool = False
) -> Evidence:
    """The window clerk has seen the original: C (or a material brought in) becomes B.
    With `paper_received`, the clerk also keeps the paper copy handed in (收取纸质材料)."""
    with transaction.atomic():
        case = _locked_case(case_id)
        _require(
            actor.role == Role.CLERK and can_act_on_case(actor, case), "只有受理窗口可以核验原件"
        )
        evidence = _evidence_of(case, evidence_id)
        try:
            level = evidence_rules.checked_by_clerk(_trust(evidence))
        except evidence_rules.EvidenceRefused as refused:
            raise Conflict(str(refused)) from None
        before = evidence.trust or "-"
        evidence.trust = level.value
        evidence.checked_by, evidence.checked_at = actor, timezone.now()
        evidence.paper_received = evidence.paper_received or paper_received
        evidence.save()
        record(
            case,
            "receive_paper" if paper_received else "check_original",
            actor,
            case.state,
            case.state,
            note=evidence.material_name,
            data={"from": before, "to": level.value, "paper": paper_received},
        )
        return evidence


# --------------------------------------------------------------------------- tasks


class _TaskWork:
    """One task transition: the case and all its tasks loaded (locked on PostgreSQL) with
    two fixed queries, changed in memory, written back with one UPDATE run for the changed
    tasks and one INSERT run for the new actions (see `store`)."""

    def __init__(self, task_id: int, version: int | None, siblings: bool = True):
        loaded = store.load_for_task(task_id, siblings)
        if loaded is None:
            raise NotFound(f"事项办理 {task_id} 不存在")
        self.case, self.tasks = loaded
        self.task = next(t for t in self.tasks if t.pk == task_id)
        _check_version(self.task.version, version, "该事项")
        self.changed: dict[int, Task] = {}
        self.actions: list[store.ActionRow] = []

    def step(
        self,
        task: Task,
        action: TaskAction,
        actor: User | None,
        note: str = "",
        data: dict | None = None,
    ) -> str:
        before, after = _task_step(task, action, actor)
        self.changed[task.pk] = task
        self.actions.append(
            store.ActionRow(
                case_id=self.case.pk,
                task_id=task.pk,
                actor_id=actor.pk if actor is not None else None,
                actor_role=_role(actor),
                action=action.value,
                from_state=before,
                to_state=after,
                note=note,
                data=data or {},
            )
        )
        return before

    def flush(self) -> None:
        store.save_tasks(list(self.changed.values()))
        store.insert_actions(self.actions)
        self.changed, self.actions = {}, []


def _reviewer_work(
    actor: User, task_id: int, version: int | None, siblings: bool = True
) -> _TaskWork:
    work = _TaskWork(task_id, version, siblings)
    _require(can_work_task(actor, work.task), "该事项不在您的部门和辖区")
    return work


def claim(actor: User, task_id: int, version: int | None = None) -> Task:
    with transaction.atomic():
        work = _reviewer_work(actor, task_id, version, siblings=False)
        work.task.assignee_id = actor.pk
        work.step(work.task, TaskAction.CLAIM, actor)
        work.flush()
        return work.task


def release(actor: User, task_id: int, version: int | None = None) -> Task:
    with transaction.atomic():
        work = _reviewer_work(actor, task_id, version, siblings=False)
        _require(work.task.assignee_id == actor.pk, "只有承办人可以退回")
        work.task.assignee_id = None
        work.step(work.task, TaskAction.RELEASE, actor)
        work.flush()
        return work.task


def _own_claimed(actor: User, task: Task) -> None:
    _require(task.assignee_id == actor.pk, "请先认领该事项（已由他人认领的事项不能办理）")


def approve(actor: User, task_id: int, note: str = "", version: int | None = None) -> Task:
    with transaction.atomic():
        work = _reviewer_work(actor, task_id, version)
        task = work.task
        if task.state == TaskState.IN_REVIEW:
            _own_claimed(actor, task)
        task.finished_on = _today()
        task.decision_note = note.strip()
        work.step(task, TaskAction.APPROVE, actor, note=note.strip())
        _release_ready(work)
        work.flush()
        _issue_certificate(work.case, task)
        _finish_if_done(work.case, work.tasks)
        return task


def _issue_certificate(case: Case, task: Task) -> None:
    """一次办成 ends with results in hand: an approved item that issues a licence type
    gets its electronic certificate in the same transaction."""
    from onething.licences.services import issue_for_task

    issue_for_task(catalog_by_version_id(case.catalog_version_id), case, task)


def reject(actor: User, task_id: int, reason: str, version: int | None = None) -> Task:
    reason = reason.strip()
    if not reason:
        raise InvalidInput("不予许可须写明理由")
    with transaction.atomic():
        work = _reviewer_work(actor, task_id, version)
        task, case = work.task, work.case
        if task.state == TaskState.IN_REVIEW:
            _own_claimed(actor, task)
        task.finished_on = _today()
        task.decision_note = reason
        work.step(task, TaskAction.REJECT, actor, note=reason)
        cancelled = _cancel_dependants(work, task)
        work.flush()
        Notice.objects.create(
            case=case, task=task, kind="rejection", lines=[reason], issued_by=actor
        )
        names = "、".join(t.item_name for t in cancelled)
        notify(
            case,
            "rejected",
            f"“{task.item_name}”不予许可",
            f"理由：{reason}"
            + (f"。因此以下事项无法继续办理，已终止：{names}" if cancelled else ""),
        )
        _finish_if_done(case, work.tasks)
        return task


def request_supplement(
    actor: User, task_id: int, lines: Sequence[str], text: str = "", version: int | None = None
) -> Notice:
    """补正: the item's clock stops until the applicant supplies what is asked."""
    lines = [line.strip() for line in lines if line and line.strip()]
    if not lines:
        raise InvalidInput("请逐条写明需要补正的内容")
    with transaction.atomic():
        work = _reviewer_work(actor, task_id, version)
        task, case = work.task, work.case
        _own_claimed(actor, task)
        task.pauses = [*task.pauses, [_today().isoformat(), None]]
        work.step(task, TaskAction.REQUEST_SUPPLEMENT, actor, data={"lines": lines})
        work.flush()
        notice = Notice.objects.create(
            case=case, task=task, kind="supplement", lines=lines, text=text, issued_by=actor
        )
        notify(
            case,
            "supplement",
            f"“{task.item_name}”需要补正",
            "请补正：" + "；".join(lines) + "。补正期间该事项暂停计时。",
        )
        return notice


def provide_supplement(actor: User, task_id: int, answer: str, version: int | None = None) -> Task:
    answer = answer.strip()
    if not answer:
        raise InvalidInput("请说明补正的内容")
    with transaction.atomic():
        work = _TaskWork(task_id, version)
        task, case = work.task, work.case
        _require(
            can_act_on_case(actor, case) and actor.role in (Role.APPLICANT, Role.AGENT, Role.CLERK),
            "无权为此办件补正",
        )
        before = work.step(task, TaskAction.PROVIDE_SUPPLEMENT, actor, note=answer)
        if TaskState(before) in TASK_PAUSED:
            _close_pause(task)
        work.flush()
        Notice.objects.filter(task=task, kind="supplement", answered_at=None).update(
            answered_at=timezone.now(), answer=answer
        )
        _refresh_case_due(case, work.tasks)
        return task


def start_special(
    actor: User,
    task_ids: Iterable[int],
    kind: str,
    days: int,
    title: str,
) -> SpecialProcedure:
    """特殊环节 for one or several tasks (of one or several cases): a joint expert review,
    an inspection, testing or a hearing. Its time does not count against the items."""
    kinds = dict(SpecialProcedure.KINDS)
    if kind not in kinds:
        raise InvalidInput(f"未知的特殊环节 {kind}")
    if not 1 <= days <= 365:
        raise InvalidInput("特殊环节时限应为 1 至 365 个工作日")
    task_ids = sorted(set(task_ids))
    if not task_ids:
        raise InvalidInput("请选择要进入特殊环节的事项")
    today = _today()
    with transaction.atomic():
        cases = {}
        for case_id in sorted(
            set(Task.objects.filter(pk__in=task_ids).values_list("case__public_id", flat=True)),
            key=str,
        ):
            cases[case_id] = _locked_case(case_id)  # a fixed order: no deadlock
        tasks = list(Task.objects.filter(pk__in=task_ids).select_related("case"))
        if len(tasks) != len(task_ids):
            raise NotFound("所选事项不存在")
        procedure = SpecialProcedure.objects.create(
            kind=kind,
            title=title.strip() or kinds[kind],
            days=days,
            started_on=today,
            due_date=current_calendar().add_working_days(today, days),
            created_by=actor,
        )
        for task in tasks:
            _require(can_work_task(actor, task), f"“{task.item_name}”不在您的部门和辖区")
            _own_claimed(actor, task)
            before, after = _task_step(task, TaskAction.START_SPECIAL, actor)
            task.pauses = [*task.pauses, [today.isoformat(), None]]
            task.save(update_fields=store.TASK_CHANGES)
            procedure.tasks.add(task)
            case = cases[task.case.public_id]
            Notice.objects.create(
                case=case,
                task=task,
                kind="special",
                lines=[f"{kinds[kind]}：{procedure.title}", f"时限 {days} 个工作日"],
                issued_by=actor,
            )
            record(
                case,
                TaskAction.START_SPECIAL,
                actor,
                before,
                after,
                task=task,
                data={"procedure": procedure.pk, "kind": kind, "days": days},
            )
            notify(
                case,
                "special",
                f"“{task.item_name}”进入{kinds[kind]}",
                f"{procedure.title}，时限 {days} 个工作日（至 {procedure.due_date}），"
                "所需时间不计入办理时限。",
            )
        return procedure


def end_special(actor: User | None, procedure_id: int, outcome: str = "") -> SpecialProcedure:
    with transaction.atomic():
        procedure = SpecialProcedure.objects.select_for_update().filter(pk=procedure_id).first()
        if procedure is None:
            raise NotFound(f"特殊环节 {procedure_id} 不存在")
        if procedure.ended_on is not None:
            raise Conflict("该特殊环节已经结束")
        tasks = list(procedure.tasks.select_related("case").order_by("case__public_id"))
        for task in tasks:
            case = _locked_case(task.case.public_id)
            task.refresh_from_db()
            if actor is not None:
                _require(can_work_task(actor, task), f"“{task.item_name}”不在您的部门和辖区")
            if task.state != TaskState.SPECIAL:
                continue
            before, after = _task_step(task, TaskAction.END_SPECIAL, actor)
            _close_pause(task)
            task.save(update_fields=store.TASK_CHANGES)
            record(
                case,
                TaskAction.END_SPECIAL,
                actor,
                before,
                after,
                task=task,
                note=outcome.strip(),
                data={"procedure": procedure.pk},
            )
            _refresh_case_due(case, list(case.tasks.all()))
        procedure.ended_on = _today()
        procedure.outcome = outcome.strip()
        procedure.save()
        return procedure


def _close_pause(task: Task) -> None:
    today = _today()
    pauses = [list(p) for p in task.pauses]
    if pauses and pauses[-1][1] is None:
        pauses[-1][1] = today.isoformat()
    task.pauses = pauses
    if task.workable_on is not None:
        task.due_date = task_due_date(
            task.workable_on, task.promised_days, task.pause_list(), current_calendar(), today
        )


def _release_ready(work: _TaskWork) -> None:
    """Tasks whose predecessors are all approved become workable; their clocks start today."""
    by_item = {t.item_id: t for t in work.tasks}
    nodes = [TaskNode(t.item_id, tuple(t.after), TaskState(t.state)) for t in work.tasks]
    today = _today()
    calendar = current_calendar()
    for item_id in ready_to_release(nodes):
        task = by_item[item_id]
        task.workable_on = today
        task.due_date = task_due_date(today, task.promised_days, (), calendar, today)
        work.step(task, TaskAction.RELEASE_READY, None)


def _cancel_dependants(work: _TaskWork, rejected: Task) -> list[Task]:
    by_item = {t.item_id: t for t in work.tasks}
    nodes = [TaskNode(t.item_id, tuple(t.after), TaskState(t.state)) for t in work.tasks]
    cancelled = []
    for item_id in to_cancel(nodes, rejected.item_id):
        task = by_item[item_id]
        task.finished_on = _today()
        task.decision_note = f"前置事项“{rejected.item_name}”不予许可，本事项无法继续办理"
        before = work.step(task, TaskAction.CANCEL, None, note=task.decision_note)
        if TaskState(before) in TASK_PAUSED:
            _close_pause(task)
        cancelled.append(task)
    return cancelled


def _finish_if_done(case: Case, tasks: list[Task]) -> None:
    nodes = [TaskNode(t.item_id, tuple(t.after), TaskState(t.state)) for t in tasks]
    if not all_finished(nodes):
        _refresh_case_due(case, tasks)
        return
    before, after = _case_step(case, CaseAction.FINISH, None)
    case.ready_at = timezone.now()
    if case.accepted_at is not None:
        case.days_taken = current_calendar().working_days_between(
            timezone.localdate(case.accepted_at), timezone.localdate(case.ready_at)
        )
    _save_case(case, "ready_at", "days_taken")
    record(case, CaseAction.FINISH, None, before, after)
    approved = sum(1 for t in tasks if t.state == TaskState.APPROVED)
    notify(
        case,
        "ready",
        f"“{case.package_name}”已全部办结，请领取结果",
        f"{approved} 个事项准予许可。请到受理窗口一次领取全部结果。",
    )


def _refresh_case_due(case: Case, tasks: list[Task]) -> None:
    if case.accepted_at is None:
        return
    schedule = projected_due_dates(
        [
            ScheduledTask(
                item=t.item_id,
                after=tuple(t.after),
                promised_days=t.promised_days,
                state=TaskState(t.state),
                workable_on=t.workable_on,
                finished_on=t.finished_on,
                pauses=t.pause_list(),
            )
            for t in tasks
        ],
        current_calendar(),
        timezone.localdate(case.accepted_at),
        _today(),
    )
    # The promised date (承诺办结期限) only moves later — when a clock stops for 补正 or a
    # special procedure — never earlier: finishing early is measured against it.
    if schedule.due is not None and (case.due_date is None or schedule.due > case.due_date):
        case.due_date = schedule.due
        store.save([case], ("due_date",))


# --------------------------------------------------------------------------- background work


@dataclass(frozen=True, slots=True)
class SweepReport:
    deemed_accepted: int
    delivered: int
    licences_expired: int = 0
    rectifications_escalated: int = 0
    dashboard_days: int = 0  # filing days the dashboard's roll-up recomputed


def deem_overdue_acceptances(today: date | None = None) -> int:
    """Applications the window left undecided for 5 working days are deemed accepted."""
    today = today or _today()
    calendar = current_calendar()
    done = 0
    candidates = Case.objects.filter(state=CaseState.SUBMITTED, window_due__lt=today)
    for public_id, submitted_at in candidates.values_list("public_id", "submitted_at"):
        if not deemed_accepted(timezone.localdate(submitted_at), today, calendar):
            continue
        try:
            with transaction.atomic():
                case = _locked_case(public_id)
                if case.state != CaseState.SUBMITTED:
                    continue  # decided meanwhile
                _accept(case, None, CaseAction.DEEM_ACCEPTED)
                done += 1
        except CaseError as exc:
            log.warning("case %s could not be deemed accepted: %s", public_id, exc.message)
    return done


def deliver_outbox(sender=None, limit: int = 200, budget_s: float = 20.0) -> int:
    """Deliver waiting notifications, `limit` per transaction, batch after batch until
    none wait or `budget_s` seconds have passed (the next round goes on); a failure is
    retried later with a growing delay. Rows another instance holds are skipped."""
    import time

    from onething.cases.notifications import default_sender

    sender = sender or default_sender()
    delivered = 0
    stop_at = time.monotonic() + budget_s
    while True:
        sent, taken = _deliver_batch(sender, limit)
        delivered += sent
        if taken < limit or time.monotonic() >= stop_at:
            return delivered


def _deliver_batch(sender, limit: int) -> tuple[int, int]:
    """One transaction's worth: (delivered, rows taken)."""
    delivered = 0
    now = timezone.now()
    with transaction.atomic():
        messages = list(
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(delivered_at=None, available_at__lte=now)
            .select_related("recipient")[:limit]
        )
        for message in messages:
            try:
                sender.send(message)
            except Exception as exc:  # a sender's failure must not lose the message
                message.attempts += 1
                message.last_error = str(exc)[:500]
                message.available_at = now + timedelta(minutes=min(60, 2**message.attempts))
                message.save(update_fields=["attempts", "last_error", "available_at"])
                continue
            message.delivered_at = now
            message.attempts += 1
            message.save(update_fields=["delivered_at", "attempts"])
            delivered += 1
    return delivered, len(messages)


def sweep(today: date | None = None) -> SweepReport | None:
    """One round of background work. With several instances on one PostgreSQL, one
    round runs at a time; another instance's round meanwhile is skipped (None)."""
    from onething.evaluation.rollup import refresh
    from onething.evaluation.services import escalate_overdue
    from onething.licences.services import record_expiries
    from onething.web.database import exclusive

    with exclusive("sweep") as held:
        if not held:
            return None
        report = SweepReport(
            deem_overdue_acceptances(today),
            deliver_outbox(),
            record_expiries(today),
            escalate_overdue(today),
        )
        refreshed = refresh()  # None: a dashboard is refreshing it right now
        return dataclasses.replace(report, dashboard_days=refreshed.days if refreshed else 0)
