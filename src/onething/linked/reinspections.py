"""复验: after a joint inspection asked for rectification (整改), each department that found
faults inspects the rectification once the company has reported it done (its answer to
the 补正, which puts the item back in review). Passed: when every such department has
passed it, the items pass (approved by their department's reviewer) and the joint report
says so. Still failing: the items get a new rectification period, in working days of the
loaded calendar. A re-inspection before a rectification was asked, by a department not
taking part or one that found nothing wrong, is refused with nothing written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from onething.accounts.models import User
from onething.calendar.loaded import current_calendar
from onething.cases import services as case_services, uploads
from onething.cases.lifecycle import TaskState
from onething.core.access import inspections_visible_to, reviews
from onething.core.errors import CaseError, Conflict, Forbidden, NotFound
from onething.linked.inspections import Findings, check_findings, inspected_items
from onething.linked.meetings import department_names
from onething.linked.models import (
    InspectedItem,
    InspectionPhoto,
    InspectionSeat,
    JointInspection,
    Reinspection,
)


@dataclass(frozen=True, slots=True)
class Rectification:
    """An item sent to rectification, as the page shows it."""

    item: InspectedItem
    overdue_days: int  # working or not: calendar days past its deadline; 0 when not late


def rectifications(inspection: JointInspection, today: date | None = None) -> list[Rectification]:
    """The items still to be rectified, each with how many days it is overdue."""
    today = today or timezone.localdate()
    return [
        Rectification(item, max((today - item.rectify_by).days, 0) if item.rectify_by else 0)
        for item in inspected_items(inspection)
        if item.outcome == InspectedItem.RECTIFY
    ]


def with_overdue(inspections: list[JointInspection]) -> set[int]:
    """Which of these inspections have a rectification past its deadline (one query)."""
    late = InspectedItem.objects.filter(
        inspection__in=inspections,
        outcome=InspectedItem.RECTIFY,
        rectify_by__lt=timezone.localdate(),
    )
    return set(late.values_list("inspection_id", flat=True))


def cleared(seat: InspectionSeat) -> bool:
    """Passed at the inspection, or at its latest re-inspection."""
    if seat.passed:
        return True
    latest = seat.reinspections.order_by("-pk").first()
    return latest is not None and latest.passed


def _seat_to_reinspect(actor: User, inspection: JointInspection) -> InspectionSeat:
    if inspection.state != JointInspection.CONCLUDED:
        raise Conflict("本次联合验收尚未出具验收意见，不能复验")
    seat = inspection.seats.filter(department=actor.department).first()
    if seat is None:
        name = department_names().get(actor.department, actor.department)
        raise Forbidden(f"{name}不是本次联合验收的参加部门，不能复验")
    if not inspection.items.filter(rectify_by__isnull=False).exists():
        raise Conflict("本次联合验收未要求整改，不能复验")
    if cleared(seat):
        raise Conflict(f"{seat.department_name}查验已合格，无需复验")
    if not inspection.items.filter(outcome=InspectedItem.RECTIFY).exists():
        raise Conflict("没有待整改的事项，无需复验")
    return seat


def record_reinspection(actor: User, inspection_id, findings: Findings) -> JointInspection:
    """The re-inspection of a department that found faults, by its own reviewer."""
    if not reviews(actor):
        raise Forbidden("只有参加验收部门的审批人员可以记录复验结果")
    kinds = check_findings(findings)
    with transaction.atomic():
        inspection = (
            JointInspection.objects.select_for_update().filter(public_id=inspection_id).first()
        )
        if (
            inspection is None
            or not inspections_visible_to(actor).filter(pk=inspection.pk).exists()
        ):
            raise NotFound("没有找到这个联合验收")
        seat = _seat_to_reinspect(actor, inspection)
        pending = [i for i in inspected_items(inspection) if i.outcome == InspectedItem.RECTIFY]
        for item in pending:
            if item.task.state != TaskState.IN_REVIEW:
                raise Conflict(
                    f"“{item.task.item_name}”尚未报告整改完成，请待建设单位提交整改情况后复验"
                )
        done = _save(actor, seat, findings, kinds)
        if not findings.passed:
            _rectify_again(inspection, pending, seat, done)
        elif all(cleared(s) for s in inspection.seats.all()):
            _pass(inspection, pending, actor)
        return inspection


def _save(actor: User, seat: InspectionSeat, findings: Findings, kinds) -> Reinspection:
    days = None if findings.passed else findings.rectify_days
    done = Reinspection.objects.create(
        seat=seat,
        passed=findings.passed,
        findings=findings.text.strip(),
        rectify_days=days,
        rectify_by=current_calendar().add_working_days(timezone.localdate(), days)
        if days
        else None,
        inspected_by=actor,
    )
    for data, kind in zip(findings.photos, kinds, strict=True):
        digest, name = uploads.put(data)
        InspectionPhoto.objects.create(
            seat=seat, reinspection=done, sha256=digest, stored_name=name, kind=kind, size=len(data)
        )
    return done


def _reviewer_of(inspection: JointInspection, department: str) -> User:
    seat = inspection.seats.select_related("inspected_by").get(department=department)
    return seat.inspected_by


def _rectify_again(inspection, pending, seat: InspectionSeat, done: Reinspection) -> None:
    lines = [f"{seat.department_name}复验仍不合格：{done.findings}"]
    lines.append(f"请于 {done.rectify_by:%Y-%m-%d} 前（{done.rectify_days} 个工作日）整改完毕")
    for item in pending:
        reviewer = _reviewer_of(inspection, item.task.department)
        try:
            case_services.request_supplement(reviewer, item.task.pk, lines, "联合验收复验整改通知")
        except CaseError as exc:
            raise type(exc)(f"“{item.task.item_name}”无法再次要求整改：{exc.message}") from None
        item.rectify_by = done.rectify_by
        item.save(update_fields=["rectify_by"])


def _pass(inspection: JointInspection, pending, actor: User) -> None:
    for item in pending:
        reviewer = _reviewer_of(inspection, item.task.department)
        try:
            case_services.approve(
                reviewer, item.task.pk, note=f"联合验收复验合格：{inspection.site}"
            )
        except CaseError as exc:
            raise type(exc)(f"“{item.task.item_name}”无法按复验结论办理：{exc.message}") from None
        item.outcome = InspectedItem.PASSED
        item.save(update_fields=["outcome"])
