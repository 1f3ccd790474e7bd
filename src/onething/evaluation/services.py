"""Rating a case or a window visit (好差评) and working a bad rating (差评整改), each step
on the rectification's and the case's record, in one transaction with the change."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from onething.accounts.models import User
from onething.calendar.loaded import current_calendar
from onething.cases.models import Case
from onething.cases.services import notify, notify_users, record
from onething.catalog.services import current_catalog
from onething.core.access import (
    acts_for_applicant,
    may_act_on_case,
    may_supervise,
    rectifications_visible_to,
    supervises,
)
from onething.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onething.evaluation.models import Rating, Rectification, RectificationStep
from onething.evaluation.ratings import (
    BAD_REASONS,
    GOOD_REASONS,
    LEVEL_LABELS,
    RatingRefused,
    Stage,
    check_rating,
    check_visit_rating,
    is_bad,
)

VERIFY_DAYS = getattr(settings, "RECTIFY_VERIFY_DAYS", 3)  # 核实并答复, working days
RECTIFY_DAYS = getattr(settings, "RECTIFY_DAYS", 15)  # 整改, working days


def single_instant_item(case: Case) -> bool:
    """A case of one 即办件 only: rated once, overall."""
    tasks = list(case.tasks.values_list("kind", flat=True))
    return len(tasks) == 1 and tasks[0] == "instant"


def rate(
    actor: User,
    case_id,
    stage: str,
    level: int,
    reasons: list[str] | None = None,
    text: str = "",
    channel: str = "web",
) -> Rating:
    """The applicant (or their agent) rates a stage of their case. A bad rating opens a
    rectification for the window that handled it (一窗: the window answers for the case
    and brings in the departments)."""
    case = Case.objects.filter(public_id=case_id).first()
    if case is None or not may_act_on_case(actor, case):
        raise NotFound("办件不存在，或您无权评价")
    if not acts_for_applicant(actor):
        raise Forbidden("只有申请人（或其代办人）可以评价；工作人员不能评价办件")
    rated = set(case.ratings.values_list("stage", flat=True))
    try:
        chosen, grade = check_rating(
            stage,
            level,
            case.state,
            rated,
            single_instant_item(case),
            acts_for_applicant(actor),
        )
    except RatingRefused as refused:
        raise Conflict(str(refused)) from None
    chosen_reasons, text = _reasons(grade, reasons, text)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                case=case,
                stage=chosen.value,
                level=int(grade),
                reasons=chosen_reasons,
                text=text,
                channel=_channel(channel),
                rater=actor,
            )
            record(
                case,
                "rate",
                actor,
                case.state,
                case.state,
                note=f"{rating.stage_label}：{LEVEL_LABELS[grade]}",
                data={"stage": chosen.value, "level": int(grade)},
            )
            if is_bad(grade):
                _open_rectification(case, rating)
    except IntegrityError:  # the same stage rated twice at once: the first one counts
        raise Conflict("该环节已经评价过") from None
    return rating


def rate_visit(
    actor: User,
    window: str,
    level: int,
    reasons: list[str] | None = None,
    text: str = "",
    channel: str = "qr",
) -> Rating:
    """The person served rates a window visit (窗口服务), with or without a case — from the
    QR code on the window. Once a day per window; a bad one is worked by the window."""
    current = current_catalog()
    if current is None or window not in current.catalog.jurisdictions:
        raise NotFound("没有这个窗口")
    if not acts_for_applicant(actor):
        raise Forbidden("只有办事群众可以评价窗口服务；工作人员不能评价")
    rated_today = Rating.objects.filter(
        case=None, window=window, rater=actor, created_at__date=timezone.localdate()
    ).exists()
    try:
        grade = check_visit_rating(level, True, rated_today)
    except RatingRefused as refused:
        raise Conflict(str(refused)) from None
    chosen_reasons, text = _reasons(grade, reasons, text)
    with transaction.atomic():
        rating = Rating.objects.create(
            case=None,
            window=window,
            stage=Stage.VISIT.value,
            level=int(grade),
            reasons=chosen_reasons,
            text=text,
            channel=_channel(channel),
            rater=actor,
        )
        if is_bad(grade):
            _open_rectification(None, rating)
    return rating


def _reasons(grade, reasons: list[str] | None, text: str) -> tuple[list[str], str]:
    allowed = set(BAD_REASONS if is_bad(grade) else GOOD_REASONS)
    chosen = [r for r in (reasons or []) if r in allowed]
    text = text.strip()[:1000]
    if is_bad(grade) and not chosen and not text:
        raise InvalidInput("请选择或写明不满意的原因，以便整改")
    return chosen, text


def _channel(channel: str) -> str:
    return channel if channel in ("web", "mobile", "kiosk", "window", "qr") else "web"


def responsible_unit(case: Case, stage: str) -> tuple[str, str]:
    """Who answers for a bad rating: the window for acceptance, handover and the case
    overall (一窗 speaks for the case); for the decision, the department of a refused item,
    else the one whose item finished last (where the time went)."""
    if stage != "decision":
        return "window", case.window
    tasks = list(case.tasks.exclude(finished_on=None).order_by("finished_on", "position"))
    refused = [t for t in tasks if t.state == "rejected"]
    chosen = refused[0] if refused else (tasks[-1] if tasks else None)
    if chosen is None:
        return "window", case.window
    return chosen.department, chosen.jurisdiction


def _open_rectification(case: Case | None, rating: Rating) -> Rectification:
    calendar = current_calendar()
    today = timezone.localdate()
    if case is None:  # a window visit: the window answers
        unit, jurisdiction = "window", rating.window
    else:
        unit, jurisdiction = responsible_unit(case, rating.stage)
    rectification = Rectification.objects.create(
        rating=rating,
        case=case,
        unit=unit,
        jurisdiction=jurisdiction,
        verify_due=calendar.add_working_days(today, VERIFY_DAYS),
        rectify_due=calendar.add_working_days(today, RECTIFY_DAYS),
    )
    about = f"“{case.package_name}”的{rating.stage_label}" if case else "窗口服务"
    _tell(
        rectification,
        "rating_received",
        "您的评价已收到",
        f"您对{about}的评价为“{rating.level_label}”。"
        f"我们将在 {rectification.verify_due} 前核实并答复您。",
    )
    _step(rectification, rating.rater, "open", f"{rating.stage_label}：{rating.level_label}")
    return rectification


def _tell(rectification: Rectification, kind: str, subject: str, body: str) -> None:
    """Notify the applicant: through the case, or directly when a visit was rated."""
    if rectification.case is not None:
        notify(rectification.case, kind, subject, body)
    else:
        notify_users([rectification.rating.rater_id], kind, subject, body)


def _own_rectification(actor: User, rectification_id: int) -> Rectification:
    found = Rectification.objects.select_related("case", "rating").filter(pk=rectification_id)
    rectification = found.first()
    if rectification is None:
        raise NotFound("没有这项差评整改")
    if not rectifications_visible_to(actor).filter(pk=rectification.pk).exists():
        raise Forbidden("只有责任窗口（或责任部门）和辖区监督员可以办理这项整改")
    return rectification


def _step(rectification: Rectification, actor: User | None, what: str, note: str) -> None:
    RectificationStep.objects.create(
        rectification=rectification, action=what, note=note[:500], actor=actor
    )
    if rectification.case is not None:
        record(rectification.case, f"rectification_{what}", actor, "", "", note=note[:500])


def verify(actor: User, rectification_id: int, holds: bool, note: str) -> Rectification:
    """核实: does the complaint behind the rating hold?"""
    with transaction.atomic():
        rectification = _own_rectification(actor, rectification_id)
        if rectification.state != "verifying":
            raise Conflict("这项整改已经核实过")
        if not note.strip():
            raise InvalidInput("请写明核实情况")
        rectification.verified, rectification.verify_note = holds, note.strip()
        rectification.state = "rectifying"
        rectification.save()
        _step(rectification, actor, "verify", ("属实：" if holds else "不属实：") + note)
        return rectification


def respond(actor: User, rectification_id: int, action: str, answer: str) -> Rectification:
    """整改或说明, and the answer to the applicant (who is notified)."""
    with transaction.atomic():
        rectification = _own_rectification(actor, rectification_id)
        if rectification.state != "rectifying":
            raise Conflict("请先核实，再整改和答复")
        if not action.strip() or not answer.strip():
            raise InvalidInput("请写明整改措施（或情况说明）和给申请人的答复")
        rectification.action_note, rectification.answer = action.strip(), answer.strip()
        rectification.state = "answered"
        rectification.save()
        _step(rectification, actor, "answer", answer)
        _tell(rectification, "rating_answered", "关于您评价的答复", answer.strip())
        return rectification


def revisit(actor: User, rectification_id: int, satisfied: bool, note: str) -> Rectification:
    """回访: satisfied closes it; not satisfied sends it back to rectification."""
    with transaction.atomic():
        rectification = _own_rectification(actor, rectification_id)
        if rectification.state != "answered":
            raise Conflict("答复申请人后才能回访")
        rectification.revisit_satisfied, rectification.revisit_note = satisfied, note.strip()
        if satisfied:
            rectification.state, rectification.closed_at = "closed", timezone.now()
        else:
            rectification.state = "rectifying"  # worked again
        rectification.save()
        _step(rectification, actor, "revisit", ("满意：" if satisfied else "不满意：") + note)
        return rectification


def escalate_overdue(today=None) -> int:
    """Rectifications past their deadline go to the supervisor (督办); returns how many."""
    today = today or timezone.localdate()
    late = Rectification.objects.filter(escalated=False).exclude(state="closed")
    late = late.filter(verify_due__lt=today, state="verifying") | late.filter(
        rectify_due__lt=today
    ).exclude(state="closed")
    # escalated=False again: another instance's sweep may have escalated them meanwhile.
    return Rectification.objects.filter(
        pk__in=list(late.values_list("pk", flat=True)), escalated=False
    ).update(escalated=True)


def appeal(actor: User, rating_id: int, reason: str) -> Rating:
    """The responsible window appeals a bad rating it believes mistaken or malicious."""
    with transaction.atomic():
        rating = Rating.objects.select_for_update(of=("self",)).select_related("case")
        rating = rating.filter(pk=rating_id)
        rating = rating.first()
        if rating is None or not hasattr(rating, "rectification"):
            raise NotFound("没有这条差评")
        _own_rectification(actor, rating.rectification.pk)  # the unit in charge appeals
        if supervises(actor):
            raise Forbidden("申诉由责任窗口或部门提出，监督员裁定")
        if rating.appeal:
            raise Conflict("这条差评已经申诉过")
        if not reason.strip():
            raise InvalidInput("请写明申诉理由（例如误评、恶意差评）")
        rating.appeal = reason.strip()[:1000]
        rating.save(update_fields=["appeal"])
        _step(rating.rectification, actor, "appeal", rating.appeal)
        return rating


def decide_appeal(actor: User, rating_id: int, remove: bool, reason: str) -> Rating:
    """The supervisor decides an appeal. A removed rating no longer counts in the figures
    but stays visible to supervisors, with the reason."""
    with transaction.atomic():
        rating = Rating.objects.select_for_update(of=("self",)).select_related("case")
        rating = rating.filter(pk=rating_id)
        rating = rating.first()
        if rating is None or not rating.appeal:
            raise NotFound("没有待裁定的申诉")
        where = rating.case.window if rating.case else rating.window
        if not may_supervise(actor, where):
            raise Forbidden("只有辖区监督员可以裁定申诉")
        if not reason.strip():
            raise InvalidInput("请写明裁定理由")
        rating.removed = remove
        rating.removal_reason = reason.strip()[:1000]
        rating.save(update_fields=["removed", "removal_reason"])
        verdict = "撤销差评" if remove else "维持差评"
        _step(rating.rectification, actor, "appeal_decided", f"{verdict}：{reason}")
        if remove:
            Rectification.objects.filter(rating=rating).exclude(state="closed").update(
                state="closed", closed_at=timezone.now()
            )
        return rating
