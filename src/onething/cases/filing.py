"""Filing (申报): an applicant, an agent or a window clerk files a package — a draft
first or submitted at once — and later edits, submits or withdraws the draft.

Every way to submit (the filing page, the case page's draft, the API) ends in
`_submit`, after `submission_problems` found nothing: every scenario question
answered (they decide which items and materials apply) and the one form valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from onething.accounts.models import Authorisation, User
from onething.calendar.loaded import current_calendar
from onething.cases import materials, store
from onething.cases.base import (
    action_row,
    case_step,
    catalog_of_case,
    check_version,
    guide_of_case,
    local_today,
    locked_case,
    record,
    save_case,
)
from onething.cases.deadlines import window_deadline
from onething.cases.lifecycle import CaseAction, CaseState
from onething.cases.models import Action, Case
from onething.cases.routing import route_item
from onething.catalog.entities import Answer, Catalog, Package
from onething.catalog.guide import AnswerError, resolve_answers
from onething.catalog.services import current_catalog, guide_of
from onething.core.access import may_view_case, require_may_act
from onething.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onething.core.events import CaseSubmitted, publish
from onething.core.prepared import PreparedQuery
from onething.core.roles import Role
from onething.intake.validation import validate_form


@dataclass(frozen=True, slots=True)
class Filing:
    """What an applicant files: the package, the answers, where, and the one form."""

    package_id: str
    answers: Mapping[str, Answer | str]  # typed as the questions are, or as text
    place: str
    form: dict[str, str]
    channel: str = "web"
    window: str | None = None  # defaults to the place's window
    kiosk: str = ""  # 自助终端: the kiosk's code when filed in a kiosk session
    card_read: bool = False  # … where the kiosk's reader read the applicant's ID card


@dataclass(frozen=True, slots=True)
class OnBehalf:
    """帮办代办 / 上门办: staff filled in the form for the applicant, who consented
    (`consent`: "code" or "signature"; "" at a home visit, in person) at `consented_at`."""

    consent: str = ""
    consented_at: datetime | None = None


def submission_problems(package: Package, answers, form_errors: dict[str, str]):
    """Why this may not be submitted yet, as one refusal naming every problem (None when
    nothing is wrong): each unanswered scenario question and each field of the form."""
    unanswered = {q.id: q.text for q in package.questions if q.id not in answers}
    if not unanswered and not form_errors:
        return None
    if unanswered:
        message = "请先回答全部问题：" + "；".join(unanswered.values())
        if form_errors:
            message += f"；另有 {len(form_errors)} 处填写内容需要修改"
    else:
        message = "申报信息有误"
    return InvalidInput(message, {"questions": unanswered, "fields": dict(form_errors)})


def _applicant_for(actor: User, applicant: User | None, package_id: str):
    """Who the case is for, and the agent's authorisation when an agent files it."""
    if actor.role == Role.APPLICANT:
        if applicant is not None and applicant.pk != actor.pk:
            raise Forbidden("申请人只能为自己申报")
        return actor, None
    if actor.role == Role.AGENT:
        if applicant is None:
            raise InvalidInput("代办时请指明委托人")
        reason = Authorisation.filing_refusal(actor.pk, applicant.pk, package_id)
        if reason is not None:
            raise Forbidden(f"没有该委托人对此事项的有效代办授权：{reason}")
        return applicant, actor
    if actor.role == Role.CLERK:
        if applicant is None or applicant.role != Role.APPLICANT:
            raise InvalidInput("窗口代为录入时请指明申请人")
        return applicant, None
    raise Forbidden("该角色不能申报")


@dataclass(frozen=True, slots=True)
class Prepared:
    """A filing checked against the current catalogue."""

    version_id: int
    catalog: Catalog
    answers: dict
    clean: dict[str, str]  # the valid values, normalised (what a submitted case keeps)
    typed: dict[str, str]  # every value as typed (what a draft keeps, to be corrected)
    errors: dict[str, str]


def prepare_filing(filing: Filing) -> Prepared:
    """Check a filing against the current catalogue: answers, place, routing and the form."""
    current = current_catalog()
    if current is None:
        raise InvalidInput("尚未导入事项目录")
    catalog = current.catalog
    package = catalog.packages.get(filing.package_id)
    if package is None:
        raise NotFound(f"没有编号为 {filing.package_id} 的一件事")
    try:
        answers = resolve_answers(package, filing.answers)
    except AnswerError as exc:
        raise InvalidInput(f"情形回答有误：{exc}") from None
    place = catalog.jurisdictions.get(filing.place)
    if place is None:
        raise InvalidInput(
            f"未知的行政区划 {filing.place}", {"fields": {"place": "请选择办理地点"}}
        )
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
    result = validate_form(guide.fields, filing.form, local_today())
    typed = {}
    for form_field in guide.fields:
        text = str(filing.form.get(form_field.id) or "").strip()
        if text:
            typed[form_field.id] = text[:2000]
    return Prepared(current.pk, catalog, answers, result.clean, typed, dict(result.errors))


KEY_USED = "该幂等键已被使用：请为新的申报另取一个 Idempotency-Key"

# Every filing through the API brings an Idempotency-Key: the look-up is compiled once.
_by_key = PreparedQuery(
    lambda applicant_id, key: Case.objects.filter(applicant_id=applicant_id, idempotency_key=key)
)


def _filed_before(actor: User, owner: User, key: str) -> Case | None:
    """The case this caller filed before with this key, if any. A key that filed someone
    else's case — another filer's, or one this caller may not see — is refused (409)
    saying nothing of that case."""
    existing = _by_key.first(owner.pk, key)  # one at most (case_idempotency_key_once)
    if existing is None:
        return None
    filer = (
        Action.objects.filter(case=existing, action="create")
        .values_list("actor_id", flat=True)
        .first()
    )
    if filer != actor.pk or not may_view_case(actor, existing):
        raise Conflict(KEY_USED)
    return existing


def file_case(
    actor: User,
    filing: Filing,
    applicant: User | None = None,
    submit: bool = True,
    idempotency_key: str | None = None,
    on_behalf: OnBehalf | None = None,
) -> tuple[Case, bool]:
    """Create a case (a draft, or submitted at once). With an idempotency key, the same
    caller filing twice gets the first case back: (case, created); a key someone else
    filed with is refused (409). `on_behalf`: the actor filled it in for the applicant
    (帮办代办, 上门办): the case keeps who (`filed_by`) and how the applicant consented."""
    if idempotency_key is not None:
        idempotency_key = idempotency_key.strip()[:100] or None
    owner, agent = _applicant_for(actor, applicant, filing.package_id)
    if idempotency_key and (existing := _filed_before(actor, owner, idempotency_key)):
        return existing, False
    prepared = prepare_filing(filing)
    package = prepared.catalog.packages[filing.package_id]
    if submit and (refusal := submission_problems(package, prepared.answers, prepared.errors)):
        raise refusal
    channel = _channel_of(actor, agent, filing.channel, filing.kiosk)
    if on_behalf is not None and owner.pk == actor.pk:
        raise InvalidInput("代为填报须为他人申报")
    try:
        with transaction.atomic():
            case = Case(
                catalog_version_id=prepared.version_id,
                package_id=filing.package_id,
                package_name=package.name,
                answers=prepared.answers,
                applicant=owner,
                agent=agent,
                channel=channel,
                kiosk_code=filing.kiosk if channel == "kiosk" else "",
                window=filing.window or filing.place,
                place=filing.place,
                idempotency_key=idempotency_key,
            )
            created, note = {"channel": channel}, ""
            if on_behalf is not None:
                case.filed_by, case.consent = actor, on_behalf.consent
                case.consent_at = on_behalf.consented_at
                created.update(filed_for=owner.pk, consent=on_behalf.consent)
                note = case.filed_by_note  # 代为填报, and how the applicant consented
            case.form = prepared.clean if submit else prepared.typed
            case.save()
            creation = action_row(
                case, "create", actor, "", CaseState.DRAFT.value, note=note, data=created
            )
            if submit:  # created and submitted: both records appended together
                _submit(case, actor, filing.kiosk if filing.card_read else "", creation)
                case.refresh_from_db()  # 即办: accepted and decided at once, perhaps
            else:
                store.insert_actions([creation])
                materials.sync_evidence(case)
    except IntegrityError:
        # The same request raced with itself: the first one won (if it was this caller's).
        first = _filed_before(actor, owner, idempotency_key) if idempotency_key else None
        if first is None:
            raise
        return first, False
    return case, True


def _channel_of(actor: User, agent: User | None, asked: str, kiosk: str = "") -> str:
    """An agent's filing is 代办; a clerk's is at the window unless on a home visit; an
    applicant's in a kiosk session is 自助终端."""
    if agent is not None:
        return "agent"
    if actor.role == Role.CLERK:
        return "visit" if asked == "visit" else "window"
    if kiosk:
        return "kiosk"
    return asked


def _submit(
    case: Case, actor: User, card_read_at: str = "", creation: store.ActionRow | None = None
) -> None:
    """Submit: the window's deadline, the number, the materials recorded (`card_read_at`:
    the kiosk whose reader read the applicant's ID card; `creation`: the record of the
    case created in this transaction, appended with the submission's); a case that needs
    no person is accepted and decided at once (CaseSubmitted: cases/instant_decisions.py)."""
    before, after = case_step(case, CaseAction.SUBMIT, actor)
    now = timezone.now()
    case.submitted_at = now
    case.window_due = window_deadline(timezone.localdate(now), current_calendar())
    if not case.number:
        case.number = f"{case.window}-{timezone.localdate(now):%Y%m%d}-{case.pk:06d}"
    case.deadline = store.deadline_of(case)  # written with the state: one UPDATE
    save_case(case, "submitted_at", "window_due", "number", "deadline")
    submission = action_row(
        case, CaseAction.SUBMIT, actor, before, after, data={"channel": case.channel}
    )
    store.insert_actions([*([creation] if creation else []), submission])
    materials.on_submit(case, card_read_at, fresh=creation is not None)
    publish(CaseSubmitted(case.pk, case.channel, case.kiosk_code))


def update_draft(actor: User, case_id, version: int | None, filing: Filing) -> Case:
    with transaction.atomic():
        case = locked_case(case_id)
        require_may_act(actor, case, "无权修改此办件")
        check_version(case.version, version, "办件")
        if case.state != CaseState.DRAFT:
            raise Conflict("只有草稿可以修改")
        if filing.package_id != case.package_id:
            raise InvalidInput("草稿不能改成另一件事，请新建申报")
        # A draft is not filed yet: it moves to the current catalogue version.
        prepared = prepare_filing(filing)
        case.catalog_version_id = prepared.version_id
        case.answers, case.place = prepared.answers, filing.place
        case.window = filing.window or filing.place
        case.form = prepared.typed  # as typed: the applicant corrects it before submitting
        case.version += 1
        case.save()
        record(case, "edit", actor, case.state, case.state)
        materials.sync_evidence(case)
        return case


def submit(actor: User, case_id, version: int | None = None, card_read_at: str = "") -> Case:
    """Submit a draft as it is stored, after the same checks as filing at once
    (`card_read_at`: the kiosk whose card reader signed the applicant in)."""
    with transaction.atomic():
        case = locked_case(case_id)
        require_may_act(actor, case, "无权提交此办件")
        check_version(case.version, version, "办件")
        if case.state != CaseState.DRAFT:
            raise Conflict("该申请已经提交，不能再次提交")
        catalog = catalog_of_case(case)
        fields = guide_of_case(case, catalog).fields
        checked = validate_form(fields, case.form, local_today())
        package = catalog.packages[case.package_id]
        if refusal := submission_problems(package, case.answers, checked.errors):
            raise refusal
        case.form = checked.clean  # normalised: what the departments and certificates use
        save_case(case, "form_text")
        _submit(case, actor, card_read_at if case.channel == "kiosk" else "")
        case.refresh_from_db()  # 即办: accepted and decided at once, perhaps
        return case


def withdraw(actor: User, case_id, version: int | None = None) -> Case:
    with transaction.atomic():
        case = locked_case(case_id)
        require_may_act(actor, case, "无权撤回此办件")
        check_version(case.version, version, "办件")
        before, after = case_step(case, CaseAction.WITHDRAW, actor)
        save_case(case)
        record(case, CaseAction.WITHDRAW, actor, before, after)
        store.keep_deadline(case)
        return case


def open_draft(person: User, package_id: str, agent: User | None = None) -> Case | None:
    """The newest draft of this package for this applicant (filed by this agent, when an
    agent asks), to go on with: 在线申报 resumes it rather than starting anew."""
    return (
        Case.objects.filter(
            applicant=person, agent=agent, package_id=package_id, state=CaseState.DRAFT
        )
        .order_by("-created_at")
        .first()
    )
