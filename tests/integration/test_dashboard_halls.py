"""延伸办 on the dashboard: per hall and month, appointments, tickets and their waits,
services after hours, home visits and assisted filings, each as its app counts them,
for the halls the supervisor runs."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from onething.evaluation.hall_figures import hall_months, months_between, period_months
from onething.hall import booking
from onething.outreach import consent
from onething.tickets import calling
from onething.tickets.models import Ticket
from tests.factories import (
    as_user,
    assist_ready,
    booking_of,
    consent_code_sent_to,
    next_free_slot,
    page_text,
    user,
    walk_in,
    window_of,
)

pytestmark = pytest.mark.django_db


def test_months_of_a_period():
    assert months_between(date(2026, 11, 30), date(2027, 2, 1)) == [
        "2026-11",
        "2026-12",
        "2027-01",
        "2027-02",
    ]
    assert period_months(None, None, date(2026, 3, 15)) == [
        "2025-09",
        "2025-10",
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
        "2026-03",
    ]
    assert period_months(date(2026, 5, 1), date(2026, 4, 1), date(2026, 5, 2)) == []
    assert len(months_between(date(2000, 1, 1), date(2026, 1, 1))) == 24


def lishi_this_month(who="supervisor_lishi"):
    month = timezone.localdate().strftime("%Y-%m")
    rows = hall_months(user(who), "", [month])
    return {row.hall: row for row in rows}


def test_each_apps_figures_side_by_side(demo):
    booking.book(user("zhangsan"), booking_of(next_free_slot()))
    first, _second = walk_in(), walk_in()
    Ticket.objects.filter(pk=first.pk).update(taken_at=timezone.now() - timedelta(minutes=8))
    clerk, window = user("clerk_lishi"), window_of("lishi")
    calling.call_next(clerk, window.hall, window.pk)
    assist = assist_ready()
    consent.send_code(clerk, assist.public_id)
    consent.confirm_with_code(clerk, assist.public_id, consent_code_sent_to("zhangsan"))

    rows = lishi_this_month()
    assert set(rows) == {"lishi"}  # the 离石区 supervisor runs the 离石区 hall only
    lishi = rows["lishi"]
    assert lishi.tickets == 2 and 7.5 <= lishi.average_wait <= 8.5
    assert lishi.assisted_cases == 1 and lishi.home_visits == 0
    appointments = sum(
        r.appointments
        for r in hall_months(
            user("supervisor_lishi"),
            "",
            months_between(date.today(), date.today() + timedelta(days=40)),
        )
    )
    assert appointments == 1
    assert hall_months(user("supervisor_lishi"), "140311", ["2026-12"]) == []
    assert hall_months(user("zhangsan"), "", ["2026-12"]) == []


def test_the_dashboard_shows_the_table(client, demo):
    walk_in()
    as_user(client, "supervisor_lishi")
    text = page_text(client.get("/dashboard/"))
    assert "延伸办：预约、取号、延时、上门与帮办代办" in text
    assert "离石区政务服务中心" in text and "郊区" not in text.split("延伸办：")[1][:400]
    month = timezone.localdate().strftime("%Y-%m")
    rows = hall_months(user("supervisor_lishi"), "", [month, "2020-01"])
    assert [(r.hall, r.month) for r in rows] == [("lishi", month)]  # empty months left out
    as_user(client, "supervisor")  # 吕梁市: 离石区's hall is within its reach, no tickets
    Ticket.objects.all().delete()
    assert "本期没有预约、取号、延时服务、上门办或帮办代办的记录" in page_text(
        client.get("/dashboard/")
    )
