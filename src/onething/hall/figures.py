"""The hall's figures for the dashboard, by hall and month.

``monthly(halls, months)`` answers a list of ``HallMonth`` rows, one per hall and month
(every pair asked for, zeros included), ordered by hall code then month::

    [HallMonth(hall="jiaoqu", hall_name="阳泉市郊区政务服务中心", month="2026-11",
               appointments=12, no_shows=1, after_hours=3), ...]

- ``halls``: Hall rows or a queryset (e.g. ``core.access.halls_run_by(user)``);
- ``months``: "YYYY-MM" strings;
- ``appointments``: appointments whose slot falls in the month, cancelled ones excluded;
- ``no_shows``: those of them recorded as no-shows (爽约);
- ``after_hours``: cases accepted outside regular hours in the month (延时办).

Two queries whatever the number of halls and months.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from onething.hall.models import AfterHoursService, Appointment, Hall


@dataclass(frozen=True, slots=True)
class HallMonth:
    hall: str  # the hall's code
    hall_name: str
    month: str  # YYYY-MM
    appointments: int
    no_shows: int
    after_hours: int


def _bounds(months: list[str]) -> tuple[date, date]:
    firsts = [date.fromisoformat(m + "-01") for m in months]
    last = max(firsts)
    after = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    return min(firsts), after


def _month_key(value) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def monthly(halls: Iterable[Hall], months: Iterable[str]) -> list[HallMonth]:
    hall_list = sorted(halls, key=lambda h: h.code)
    month_list = sorted(set(months))
    if not hall_list or not month_list:
        return []
    start, end = _bounds(month_list)
    ids = [h.pk for h in hall_list]
    booked = (
        Appointment.objects.filter(slot__hall__in=ids, slot__date__gte=start, slot__date__lt=end)
        .exclude(state=Appointment.CANCELLED)
        .annotate(month=TruncMonth("slot__date"))
        .values("slot__hall", "month", "state")
        .annotate(n=Count("pk"))
    )
    appointments: Counter = Counter()
    no_shows: Counter = Counter()
    for row in booked:
        key = (row["slot__hall"], _month_key(row["month"]))
        appointments[key] += row["n"]
        if row["state"] == Appointment.NO_SHOW:
            no_shows[key] += row["n"]
    after: Counter = Counter()
    first = timezone.make_aware(datetime.combine(start, time.min))
    last = timezone.make_aware(datetime.combine(end, time.min))
    accepted = AfterHoursService.objects.filter(
        hall__in=ids, accepted_at__gte=first, accepted_at__lt=last
    ).values_list("hall", "accepted_at")
    for hall_id, moment in accepted:
        after[(hall_id, _month_key(timezone.localtime(moment)))] += 1
    return [
        HallMonth(
            hall.code,
            hall.name,
            month,
            appointments[(hall.pk, month)],
            no_shows[(hall.pk, month)],
            after[(hall.pk, month)],
        )
        for hall in hall_list
        for month in month_list
    ]
