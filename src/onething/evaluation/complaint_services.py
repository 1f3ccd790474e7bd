"""Filing and working complaints (the 12345 closed loop), each step recorded."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from onething.accounts.models import User
from onething.accounts.roles import Role
from onething.calendar.loaded import current_calendar
from onething.cases.models import Case
from onething.cases.query import jurisdiction_prefix
from onething.cases.services import Conflict, Forbidden, InvalidInput, NotFound
from onething.evaluation.complaints import (
    CATEGORIES,
    KINDS,
    STATE_LABELS,
    SUBJECTS,
    ComplaintRefused,
    State,
    next_state,
    tracking_code,
)
from onething.evaluation.models import Complaint, ComplaintEvent
from onething.intake.validation import check_phone

ANSWER_DAYS = 5  # working days for the assignee to answer


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


def file_complaint(filing: ComplaintFiling, submitter: User | None = None) -> Complaint:
    """Anyone, logged in or not, files; the answer is a tracking code to follow it by."""
    problems = []
    if filing.kind not in KINDS:
        problems.append("请选择诉求类型（咨询、投诉、求助、建议）")
    if filing.category not in CATEGORIES:
        problems.append("请选择问题类别")
    if filing.subject not in SUBJECTS:
        problems.append("请选择反映的对象")
    text = filing.text.strip()
    if len(text) < 5:
        problems.append("请写明具体情况（至少 5 个字）")
    if len(text) > 2000:
        problems.append("内容不能超过 2000 字")
    phone = filing.contact_phone.strip()
    if not filing.anonymous and not phone:
        problems.append("实名反映请留下联系电话，以便回访；也可以选择匿名")
    if phone:
        problem, phone = check_phone(phone)
        if problem:
            problems.append(f"联系电话：{problem}")
    case = None
    if filing.case_number.strip():
        case = Case.objects.filter(number=filing.case_number.strip()).first()
        if case is None:
            problems.append(f"没有受理编号为 {filing.case_number.strip()} 的办件")
    if problems:
        raise InvalidInput("；".join(problems))
    with transaction.atomic():
        today = timezone.localdate()
        count = Complaint.objects.filter(created_at__date=today).count() + 1
        complaint = Complaint.objects.create(
            tracking=tracking_code(count, f"{today:%Y%m%d}"),
            kind=filing.kind,
            category=filing.category,
            subject=filing.subject,
            case=case,
            about=filing.about.strip()[:200],
            text=text,
            jurisdiction=case.window if case else filing.jurisdiction,
            anonymous=filing.anonymous,
            contact_name="" if filing.anonymous else filing.contact_name.strip()[:50],
            contact_phone="" if filing.anonymous else phone,
            submitter=None if filing.anonymous else submitter,
            channel=filing.channel,
        )
        ComplaintEvent.objects.create(complaint=complaint, action="received", text="已受理")
    return complaint


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
    prefix = jurisdiction_prefix(actor.jurisdiction or "")
    if actor.role not in (Role.SUPERVISOR, Role.ADMIN) or not complaint.jurisdiction.startswith(
        prefix
    ):
        raise Forbidden("只有辖区监督员可以派单、回访和办结")
    return complaint


def dispatch(actor: User, complaint_id: int, assignee: User) -> Complaint:
    """派单 to a member of staff of the jurisdiction, with a deadline to answer."""
    with transaction.atomic():
        complaint = _supervised(actor, complaint_id)
        if assignee.role not in (Role.CLERK, Role.REVIEWER) or not (
            assignee.jurisdiction or ""
        ).startswith(jurisdiction_prefix(actor.jurisdiction or "")):
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
    """A duplicate is closed into the complaint it repeats; following it leads there."""
    with transaction.atomic():
        complaint = _supervised(actor, complaint_id)
        target = follow(into_tracking)
        if target is None or target.pk == complaint.pk:
            raise InvalidInput("请填写要合并到的另一件诉求的查询码")
        if target.merged_into_id is not None:
            raise InvalidInput("目标诉求本身已被合并，请合并到它所合并的那一件")
        if not target.jurisdiction.startswith(jurisdiction_prefix(actor.jurisdiction or "")):
            raise Forbidden("只能合并到本辖区的诉求")
        _step(complaint, "merge", actor, f"与诉求 {target.tracking} 合并办理")
        complaint.merged_into = target
        complaint.closed_at = timezone.now()
        complaint.save()
        ComplaintEvent.objects.create(
            complaint=target, action="merged", text="合并了一件重复反映的诉求", actor=actor
        )
        return complaint


def follow(tracking: str) -> Complaint | None:
    """What anyone holding the tracking code sees (the page shows no personal data)."""
    return Complaint.objects.filter(tracking=tracking.strip().upper()).first()


def state_label(complaint: Complaint) -> str:
    return STATE_LABELS[State(complaint.state)]
