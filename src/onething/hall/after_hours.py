"""延时办: the hall's staff open extra sessions (an evening, a Saturday morning), and a
case accepted outside the hall's regular hours is recorded as an after-hours service,
linked to the extra session in progress if any.

`on_case_accepted` is subscribed to `core.events.CaseAccepted` in `HallConfig.ready()`;
it runs in the acceptance's transaction and writes at most one row per case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from onething.accounts.models import User
from onething.core.access import may_run_hall
from onething.core.errors import Forbidden, InvalidInput
from onething.core.events import CaseAccepted
from onething.core.prepared import PreparedQuery
from onething.hall import hours
from onething.hall.models import AfterHoursService, ExtraSession, Hall

LATEST_AHEAD_DAYS = 90


@dataclass(frozen=True, slots=True)
class SessionPlan:
    date: date | None
    starts: time | None
    ends: time | None
    note: str = ""


def _problems(plan: SessionPlan, today: date) -> dict[str, str]:
    problems = {}
    if plan.date is None:
        problems["date"] = "请填写日期"
    elif plan.date < today:
        problems["date"] = f"{plan.date:%Y-%m-%d} 已经过去，不能开设延时服务"
    elif (plan.date - today).days > LATEST_AHEAD_DAYS:
        problems["date"] = f"延时服务最多提前 {LATEST_AHEAD_DAYS} 天开设"
    if plan.starts is None or plan.ends is None:
        problems["starts"] = "请填写开始和结束时间"
    elif plan.ends <= plan.starts:
        problems["ends"] = "结束时间应晚于开始时间"
    if len(plan.note) > 200:
        problems["note"] = "说明不超过 200 字"
    return problems


def open_session(actor: User, hall: Hall, plan: SessionPlan) -> ExtraSession:
    """A clerk or supervisor of the hall opens an extra session; its slots are made."""
    if not may_run_hall(actor, hall):
        raise Forbidden(f"只有{hall.name}的工作人员可以开设延时服务")
    problems = _problems(plan, timezone.localdate())
    if problems:
        raise InvalidInput("延时服务有误：" + "；".join(problems.values()), {"fields": problems})
    assert plan.date and plan.starts and plan.ends
    with transaction.atomic():
        overlapping = ExtraSession.objects.filter(
            hall=hall, date=plan.date, starts__lt=plan.ends, ends__gt=plan.starts
        ).first()
        if overlapping is not None:
            message = f"与已开设的延时服务 {overlapping} 时间重叠"
            raise InvalidInput(message, {"fields": {"starts": message}})
        session = ExtraSession.objects.create(
            hall=hall,
            date=plan.date,
            starts=plan.starts,
            ends=plan.ends,
            note=plan.note.strip(),
            opened_by=actor,
        )
        days = (plan.date - timezone.localdate()).days + 1
        if days <= hours.DAYS_AHEAD:
            hours.ensure_slots(hall)
        return session


_hall_serving = PreparedQuery(  # every acceptance asks: compiled once (core/prepared.py)
    lambda window: Hall.objects.filter(jurisdiction=window).order_by("code")
)


def record_if_after_hours(
    case_id: int, window: str, accepted_at: datetime
) -> AfterHoursService | None:
    """Record a case accepted at a hall's jurisdiction outside its regular hours."""
    hall = _hall_serving.first(window)
    if hall is None or hours.is_regular_time(hall, accepted_at):
        return None
    service = AfterHoursService(
        case_id=case_id,
        hall=hall,
        accepted_at=accepted_at,
        session=hours.session_at(hall, accepted_at),
    )
    # One statement, and a second record of the same case is no error (a case is accepted
    # once; the unique case_id keeps it so).
    AfterHoursService.objects.bulk_create([service], ignore_conflicts=True)
    return service


def on_case_accepted(event: CaseAccepted) -> None:
    """A clerk's acceptance only: a case deemed accepted by law (no actor) is no service."""
    if event.actor_id is not None:
        record_if_after_hours(event.case_id, event.window, event.accepted_at)


def after_hours_count(hall: Hall, since: date | None = None) -> int:
    services = AfterHoursService.objects.filter(hall=hall)
    if since is not None:
        services = services.filter(accepted_at__date__gte=since)
    return services.count()
