"""Filing and working complaints (the 12345 closed loop), each step recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from onething.accounts.models import User
from onething.calendar.loaded import current_calendar
from onething.cases.models import Case
from onething.catalog.services import current_catalog
from onething.core.access import (
    jurisdiction_prefix,
    may_be_assigned_complaints,
    may_supervise,
    reach_of,
)
from onething.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onething.evaluation.complaints import (
    CATEGORIES,
    KINDS,
    STATE_LABELS,
    SUBJECTS,
    ComplaintRefused,
    State,
    next_state,
    normalise_tracking,
    tracking_code,
)
from onething.evaluation.models import Complaint, ComplaintEvent
from onething.intake.validation import check_phone

ANSWER_DAYS = 5  # working days for the assignee to answer
MERGED_LABEL = "已与同类诉求合并办理"  # a duplicate's state, and its merge step, as shown
TEXT_LIMIT = 2000  # characters of a complaint's text


@dataclass(frozen=True, slots=True)
class ComplaintFiling:
    kind: str
    category: str
    text: str
    jurisdiction: str
    subject: str = "general"
    case_number: str = ""
    about: str = ""
    anonymous: bool = True
    contact_name: str = ""
    contact_phone: str = ""
    channel: str = "web"


def places() -> dict[str, str]:
    """Where a complaint may be about: every jurisdiction of the current catalogue, code →
    its name as a person says it, with the city above a county (阳泉市郊区, not 郊区)."""
    current = current_catalog()
    if current is None:
        return {}
    jurisdictions = current.catalog.jurisdictions
    named = {}
    for code in sorted(jurisdictions):
        place = jurisdictions[code]
        parent = jurisdictions.get(place.parent or "")
        if place.level == "county" and parent is not None:
            named[code] = f"{parent.name}{place.name}"
        elif place.level in ("city", "province"):
            named[code] = f"{place.name}（{'市' if place.level == 'city' else '省'}级）"
        else:
            named[code] = place.name
    return named


def place_problem(code: str) -> str | None:
    """Why `code` cannot be a complaint's place (发生地), or None when it can."""
    if not code.strip():
        return "请选择发生地"
    if code.strip() not in places():
        return f"没有代码为 {code.strip()[:12]} 的发生地，请从列表中选择"
    return None


def _clean(text: str) -> str:
    return text.replace("\x00", "").strip()  # no database keeps a NUL in text


def _problems(filing: ComplaintFiling) -> tuple[dict[str, str], str, Case | None]:
    """Every problem of a filing, by the form field it concerns; the phone in its compact
    form; the case it names."""
    problems: dict[str, str] = {}
    if filing.kind not in KINDS:
        problems["kind"] = "请选择诉求类型（咨询、投诉、求助、建议）"
    if filing.category not in CATEGORIES:
        problems["category"] = "请选择问题类别"
    if filing.subject not in SUBJECTS:
        problems["subject"] = "请选择反映的对象"
    place = place_problem(filing.jurisdiction)
    if place:
        problems["jurisdiction"] = place
    text = _clean(filing.text)
    if len(text) < 5:
        problems["text"] = "请写明具体情况（至少 5 个字）"
    elif len(text) > TEXT_LIMIT:
        problems["text"] = f"具体情况不能超过 {TEXT_LIMIT} 字（现有 {len(text)} 字）"
    case = None
    number = _clean(filing.case_number)
    if number:
        case = Case.objects.filter(number=number).first()
        if case is None:
            problems["case_number"] = f"没有受理编号为 {number[:40]} 的办件，请核对；不清楚可以不填"
    if len(_clean(filing.about)) > 200:
        problems["about"] = "涉及的窗口或工作人员不能超过 200 字"
    phone = _clean(filing.contact_phone)
    if not filing.anonymous:  # an anonymous filing's name and phone are not read at all
        if len(_clean(filing.contact_name)) > 50:
            problems["contact_name"] = "姓名不能超过 50 字"
        if not phone:
            problems["contact_phone"] = "实名反映请留下联系电话，以便回访；也可以选择匿名"
        else:
            problem, phone = check_phone(phone)
            if problem:
                problems["contact_phone"] = f"联系电话不正确：{problem}"
    return problems, phone, case


def file_complaint(filing: ComplaintFiling, submitter: User | None = None) -> Complaint:
    """Anyone, logged in or not, files; the answer is a tracking code to follow it by.
    A refusal names every problem by its field ({"fields": {field: message}}) and stores
    nothing."""
    problems, phone, case = _problems(filing)
    if problems:
        raise InvalidInput(f"有 {len(problems)} 处需要修改", {"fields": problems})
    named = not filing.anonymous
    fields = {
        "kind": filing.kind,
        "category": filing.category,
        "subject": filing.subject,
        "case": case,
        "about": _clean(filing.about),
        "text": _clean(filing.text),
        "jurisdiction": case.window if case else filing.jurisdiction.strip(),
        "anonymous": filing.anonymous,
        "contact_name": _clean(filing.contact_name) if named else "",
        "contact_phone": phone if named else "",
        "submitter": submitter if named else None,
        "channel": filing.channel,
    }
    with transaction.atomic():
        complaint = _with_new_code(fields)
        ComplaintEvent.objects.create(complaint=complaint, action="received", text="已受理")
    return complaint


def _with_new_code(fields: dict) -> Complaint:
    """Store the complaint under a fresh random code (drawn again in the unlikely case
    that it is taken: 60 bits)."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Complaint.objects.create(tracking=tracking_code(), **fields)
        except IntegrityError:
            continue
    raise Conflict("暂时无法生成查询码，请稍后再试")


def _step(complaint: Complaint, action: str, actor: User | None, text: str) -> None:
    try:
        complaint.state = next_state(complaint.state, action).value
    except ComplaintRefused as refused:
        raise Conflict(str(refused)) from None
    ComplaintEvent.objects.create(complaint=complaint, action=action, text=text, actor=actor)


def _supervised(actor: User, complaint_id: int) -> Complaint:
    complaint = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
    if complaint is None:
        raise NotFound("没有这件诉求")
    if not may_supervise(actor, complaint.jurisdiction):
        raise Forbidden("只有辖区监督员可以派单、回访和办结")
    return complaint


def dispatch(actor: User, complaint_id: int, assignee: User) -> Complaint:
    """派单 to a member of staff of the jurisdiction, with a deadline to answer."""
    with transaction.atomic():
        complaint = _supervised(actor, complaint_id)
        if not may_be_assigned_complaints(assignee) or not reach_of(actor).covers(
            assignee.jurisdiction
        ):
            raise InvalidInput("只能派给本辖区的窗口或部门工作人员")
        _step(complaint, "dispatch", actor, f"已派单至{assignee.full_name}")
        complaint.assignee = assignee
        complaint.due_date = current_calendar().add_working_days(timezone.localdate(), ANSWER_DAYS)
        complaint.save()
        return complaint


def _assigned(actor: User, complaint_id: int) -> Complaint:
    """The complaint, locked, when it is dispatched to `actor`."""
    complaint = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
    if complaint is None or complaint.assignee_id != actor.pk:
        raise NotFound("没有派给您的这件诉求")
    return complaint


def return_to_supervisor(actor: User, complaint_id: int, reason: str) -> Complaint:
    """The assignee returns a wrongly dispatched one; the supervisor dispatches again."""
    with transaction.atomic():
        complaint = _assigned(actor, complaint_id)
        if not reason.strip():
            raise InvalidInput("请说明退回理由")
        _step(complaint, "return", actor, "已退回重新派单")
        complaint.assignee, complaint.due_date = None, None
        complaint.save()
        return complaint


def reply(actor: User, complaint_id: int, text: str) -> Complaint:
    with transaction.atomic():
        complaint = _assigned(actor, complaint_id)
        if len(text.strip()) < 5:
            raise InvalidInput("请写明办理情况和答复（至少 5 个字）")
        _step(complaint, "reply", actor, text.strip())
        complaint.reply = text.strip()
        complaint.save()
        return complaint


def revisit(actor: User, complaint_id: int, satisfied: bool, note: str) -> Complaint:
    """回访: satisfied closes it (办结); not satisfied reopens it for the assignee."""
    with transaction.atomic():
        complaint = _supervised(actor, complaint_id)
        action = "close" if satisfied else "reopen"
        _step(complaint, action, actor, "回访满意，已办结" if satisfied else "回访不满意，重新办理")
        complaint.revisit_note = note.strip()
        if satisfied:
            complaint.closed_at = timezone.now()
        else:
            complaint.due_date = current_calendar().add_working_days(
                timezone.localdate(), ANSWER_DAYS
            )
        complaint.save()
        return complaint


def merge(actor: User, complaint_id: int, into_tracking: str) -> Complaint:
    """A duplicate is closed into the complaint it repeats; following it shows its own
    record and the progress of the one it repeats, not that one's code or text."""
    with transaction.atomic():
        complaint = _supervised(actor, complaint_id)
        target = follow(into_tracking)
        if target is None or target.pk == complaint.pk:
            raise InvalidInput("请填写要合并到的另一件诉求的查询码")
        if target.merged_into_id is not None:
            raise InvalidInput("目标诉求本身已被合并，请合并到它所合并的那一件")
        if not reach_of(actor).covers(target.jurisdiction):
            raise Forbidden("只能合并到本辖区的诉求")
        # The step is read by this complaint's complainant: never the other's code.
        _step(complaint, "merge", actor, MERGED_LABEL)
        complaint.merged_into = target
        complaint.closed_at = timezone.now()
        complaint.save()
        ComplaintEvent.objects.create(
            complaint=target, action="merged", text="合并了一件重复反映的诉求", actor=actor
        )
        return complaint


def follow(tracking: str) -> Complaint | None:
    """What anyone holding the tracking code sees (the page shows no personal data). The
    code may be typed loosely (k7qd-3m9x-a2bc, O for 0), and old codes still work."""
    code = normalise_tracking(tracking)
    return Complaint.objects.filter(tracking=code).first() if code else None


def follow_many(trackings: list[str], jurisdiction: str = "") -> list[Complaint]:
    """The complaints of several codes (at most 100), within a jurisdiction if given."""
    codes = {code for code in map(normalise_tracking, trackings[:100]) if code}
    found = Complaint.objects.filter(tracking__in=codes)
    if jurisdiction:
        found = found.filter(jurisdiction__startswith=jurisdiction_prefix(jurisdiction))
    return list(found)


def state_label(complaint: Complaint) -> str:
    if complaint.merged_into_id is not None:
        return MERGED_LABEL
    return STATE_LABELS[State(complaint.state)]


@dataclass(frozen=True, slots=True)
class Step:
    at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class Progress:
    """How a complaint goes, as its tracking page shows it: no personal data."""

    state_label: str
    closed: bool
    due_date: date | None
    reply: str
    steps: list[Step]


@dataclass(frozen=True, slots=True)
class Followed:
    """What the holder of a tracking code sees: their own complaint (its code, text and
    steps) and, when it was merged into the one it repeats, that one's progress and answer
    (`handled_with`) without its code, its text or who filed it."""

    tracking: str
    text: str
    progress: Progress
    handled_with: Progress | None


def _progress(complaint: Complaint) -> Progress:
    steps = [
        Step(event.at, MERGED_LABEL if event.action == "merge" else event.text)
        for event in complaint.events.all()
    ]
    return Progress(
        state_label=state_label(complaint),
        closed=complaint.state == State.CLOSED,
        due_date=complaint.due_date,
        reply=complaint.reply,
        steps=steps,
    )


def followed(complaint: Complaint) -> Followed:
    """The tracking page of `complaint` (found by `follow`)."""
    target = complaint.merged_into
    for _hop in range(10):  # a target merged in its turn: the one that is worked
        if target is None or target.merged_into_id is None:
            break
        target = target.merged_into
    return Followed(
        tracking=complaint.tracking,
        text=complaint.text,
        progress=_progress(complaint),
        handled_with=_progress(target) if target is not None else None,
    )
