"""延时办: a case accepted outside the hall's regular hours is recorded (linked to the
extra session in progress), one inside is not; and the hall's monthly figures."""

from datetime import datetime, time

import pytest
from django.utils import timezone

from onething.cases import services
from onething.core.errors import Forbidden, InvalidInput
from onething.core.events import CaseAccepted
from onething.hall import after_hours, booking, figures, jobs
from onething.hall.models import AfterHoursService, Appointment, ExtraSession, Hall
from tests.factories import booking_of, next_free_slot, pharmacy_filing, user

pytestmark = pytest.mark.django_db

SUNDAY_MORNING = datetime(2026, 12, 13, 10, 0)  # the hall is closed on Sundays
MONDAY_MORNING = datetime(2026, 12, 7, 10, 0)
MONDAY_EVENING = datetime(2026, 12, 7, 19, 0)


def accept_at(monkeypatch, moment: datetime):
    """File 我要开药店 at 离石区 and accept it at the window at a local `moment`."""
    case, _ = services.file_case(user("yaofang"), pharmacy_filing())
    monkeypatch.setattr(timezone, "now", lambda: timezone.make_aware(moment))
    services.accept(user("clerk_lishi"), case.public_id)
    monkeypatch.undo()
    return case


def test_an_acceptance_on_a_sunday_session_is_an_after_hours_service(demo, monkeypatch):
    hall = Hall.objects.get(code="lishi")
    session = ExtraSession.objects.create(
        hall=hall, date=SUNDAY_MORNING.date(), starts=time(9), ends=time(12)
    )
    case = accept_at(monkeypatch, SUNDAY_MORNING)
    service = AfterHoursService.objects.get(case_id=case.pk)
    assert service.hall == hall and service.session == session


def test_an_acceptance_in_regular_hours_is_not_marked(demo, monkeypatch):
    case = accept_at(monkeypatch, MONDAY_MORNING)
    assert not AfterHoursService.objects.filter(case_id=case.pk).exists()


def test_an_evening_acceptance_without_a_session_is_marked_without_one(demo, monkeypatch):
    case = accept_at(monkeypatch, MONDAY_EVENING)
    assert AfterHoursService.objects.get(case_id=case.pk).session is None


def test_no_hall_or_no_clerk_no_mark(demo):
    evening = timezone.make_aware(MONDAY_EVENING)
    after_hours.on_case_accepted(CaseAccepted(1, "141100", "window", evening, 5))  # no hall
    after_hours.on_case_accepted(CaseAccepted(2, "141102", "window", evening, None))  # deemed
    assert not AfterHoursService.objects.exists()
    after_hours.on_case_accepted(CaseAccepted(3, "141102", "window", evening, 5))
    after_hours.on_case_accepted(CaseAccepted(3, "141102", "window", evening, 5))  # once
    assert AfterHoursService.objects.filter(case_id=3).count() == 1


def test_opening_a_session_refusals(demo):
    hall = Hall.objects.get(code="lishi")
    today = timezone.localdate()
    plan = after_hours.SessionPlan(today.replace(year=today.year + 1), time(18), time(20))
    with pytest.raises(InvalidInput, match="最多提前"):
        after_hours.open_session(user("clerk_lishi"), hall, plan)
    with pytest.raises(Forbidden, match="离石区政务服务中心的工作人员"):
        after_hours.open_session(user("clerk_jiaoqu"), hall, plan)
    with pytest.raises(Forbidden):
        after_hours.open_session(user("zhangsan"), hall, plan)
    with pytest.raises(InvalidInput, match="请填写日期"):
        after_hours.open_session(
            user("supervisor_lishi"), hall, after_hours.SessionPlan(None, time(18), time(20))
        )


def test_monthly_figures(demo, monkeypatch):
    accept_at(monkeypatch, MONDAY_EVENING)
    zhangsan = user("zhangsan")
    first = booking.book(zhangsan, booking_of(next_free_slot()))
    second = booking.book(zhangsan, booking_of(next_free_slot(skip=1)))
    third = booking.book(zhangsan, booking_of(next_free_slot(skip=2)))
    booking.cancel(zhangsan, third.public_id)
    slot = second.slot
    after = timezone.make_aware(datetime.combine(slot.date, slot.ends))
    Appointment.objects.filter(pk=first.pk).update(state=Appointment.ARRIVED)
    jobs.record_no_shows(after)
    months = sorted({f"{a.slot.date:%Y-%m}" for a in (first, second)} | {"2026-12"})
    rows = figures.monthly(Hall.objects.all(), months)
    assert [(r.hall, r.month) for r in rows] == [
        (h, m) for h in ("jiaoqu", "lishi") for m in months
    ]
    lishi = [r for r in rows if r.hall == "lishi"]
    assert sum(r.appointments for r in lishi) == 2  # the cancelled one not counted
    assert sum(r.no_shows for r in lishi) == 1
    assert sum(r.after_hours for r in lishi) == 1
    december = next(r for r in lishi if r.month == "2026-12")
    assert december.after_hours == 1
    assert all(
        r.appointments == r.no_shows == r.after_hours == 0 for r in rows if r.hall == "jiaoqu"
    )
    assert figures.monthly([], months) == []
