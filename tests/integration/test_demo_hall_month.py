"""`onething demo`'s month at 离石区政务服务中心: appointments and no-shows, tickets with
their waits, after-hours services, home visits and 帮办代办 show on the dashboard's 延伸办
exactly as the simulation reports them, and look as real activity would."""

from datetime import date, timedelta

import pytest
from django.db import connection

from onething.cases.models import Case
from onething.demo.simulation import simulate_month
from onething.evaluation.hall_figures import hall_months, months_between
from onething.hall.models import AfterHoursService, Appointment
from onething.outreach.models import AssistedFiling, HomeVisit
from onething.tickets.models import Ticket
from tests.factories import user

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 4)  # a fixed day: the same seed, the same ten days


def test_a_short_month_fills_the_hall_figures_as_real_activity_would(demo):
    report = simulate_month(days=10, per_day=4, seed=5, today=TODAY)
    months = months_between(TODAY - timedelta(days=10), TODAY)
    rows = hall_months(user("supervisor_lishi"), "", months)
    assert rows and {row.hall for row in rows} == {"lishi"}

    def total(name: str) -> int:
        return sum(getattr(row, name) for row in rows)

    assert total("appointments") == report.appointments > 0
    assert total("no_shows") == report.no_shows > 0
    assert total("tickets") == report.tickets > 60
    assert total("after_hours") == report.after_hours > 0
    assert total("home_visits") == report.home_visits == 2
    assert total("assisted_cases") == report.assisted > 0.2 * report.cases
    for row in rows:
        if row.tickets:
            assert 1 <= row.average_wait <= 30 and row.p90_wait <= 60
            assert 5 <= row.average_service <= 21
    _looks_real()


def _looks_real() -> None:
    """What was written is what the services would have written, on the days."""
    first = TODAY - timedelta(days=10)
    for ticket in Ticket.objects.all():
        assert first <= ticket.day < TODAY and ticket.taken_at.date() == ticket.day
        assert ticket.taken_at <= ticket.called_at
        if ticket.appointment_id:
            assert ticket.appointment.state == Appointment.SERVED
    # Every after-hours service is an evening session's, at its case's acceptance.
    for service in AfterHoursService.objects.select_related("session"):
        case = Case.objects.get(pk=service.case_id)
        assert service.session is not None and case.accepted_at == service.accepted_at
    assisted = Case.objects.filter(filed_by__isnull=False).exclude(channel="visit")
    assert assisted.count() == AssistedFiling.objects.filter(state="filed").count()
    assert all(case.consent == "signature" and case.consent_at for case in assisted)
    visits = HomeVisit.objects.filter(state="done")
    assert all(visit.case.channel == "visit" and visit.done_at for visit in visits)
    # Phones are kept encrypted, as the booking service keeps them.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT phone FROM {Appointment._meta.db_table}")
        stored = [row[0] for row in cursor.fetchall()]
    phones = {person.phone for person in (user("zhangsan"), user("yaofang"))}
    assert stored and not any(phone in raw for raw in stored for phone in phones)
