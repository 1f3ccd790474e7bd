"""The tickets' figures for the dashboard, by hall and month (取号叫号).

``monthly(halls, months)`` answers a list of ``TicketMonth`` rows, one per hall and month
(every pair asked for, zeros and ``None`` included), ordered by hall code then month::

    [TicketMonth(hall="jiaoqu", hall_name="阳泉市郊区政务服务中心", month="2026-11",
                 tickets=240, called=231, average_wait=6.5, p90_wait=14.0,
                 average_service=11.2), ...]

- ``halls``: Hall rows or a queryset; ``months``: "YYYY-MM" strings (as hall.figures);
- ``tickets``: tickets taken in the month (the ticket's day), whatever became of them;
- ``called``: those of them called to a window;
- ``average_wait``, ``p90_wait``: minutes from taking to the first call (叫号) of the
  called tickets, their mean and their 90th percentile (nearest rank); ``None`` when no
  ticket was called;
- ``average_service``: minutes from 开始办理 to 办结 of the tickets finished, ``None``
  when none was.

One query whatever the number of halls and months (the times are averaged in Python, as
SQLite and PostgreSQL subtract times differently).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from onething.hall.models import Hall
from onething.tickets.models import Ticket
from onething.tickets.rules import average, percentile


@dataclass(frozen=True, slots=True)
class TicketMonth:
    hall: str  # the hall's code
    hall_name: str
    month: str  # YYYY-MM
    tickets: int
    called: int
    average_wait: float | None  # minutes
    p90_wait: float | None  # minutes
    average_service: float | None  # minutes


def _bounds(months: list[str]) -> tuple[date, date]:
    firsts = [date.fromisoformat(m + "-01") for m in months]
    last = max(firsts)
    after = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    return min(firsts), after


def _minutes(start, end) -> float:
    return round((end - start).total_seconds() / 60, 1)


def monthly(halls: Iterable[Hall], months: Iterable[str]) -> list[TicketMonth]:
    hall_list = sorted(halls, key=lambda h: h.code)
    month_list = sorted(set(months))
    if not hall_list or not month_list:
        return []
    start, end = _bounds(month_list)
    rows = Ticket.objects.filter(
        hall__in=[h.pk for h in hall_list], day__gte=start, day__lt=end
    ).values_list("hall", "day", "taken_at", "called_at", "served_at", "finished_at")
    counts: dict[tuple[int, str], int] = defaultdict(int)
    waits: dict[tuple[int, str], list[float]] = defaultdict(list)
    services: dict[tuple[int, str], list[float]] = defaultdict(list)
    for hall_id, day, taken, called, served, finished in rows:
        key = (hall_id, f"{day.year:04d}-{day.month:02d}")
        counts[key] += 1
        if called is not None:
            waits[key].append(_minutes(taken, called))
        if served is not None and finished is not None:
            services[key].append(_minutes(served, finished))
    return [
        _row(hall, month, counts, waits, services) for hall in hall_list for month in month_list
    ]


def _row(hall: Hall, month: str, counts, waits, services) -> TicketMonth:
    key = (hall.pk, month)
    wait, service = waits.get(key, []), services.get(key, [])
    mean_wait, mean_service = average(wait), average(service)
    return TicketMonth(
        hall=hall.code,
        hall_name=hall.name,
        month=month,
        tickets=counts.get(key, 0),
        called=len(wait),
        average_wait=None if mean_wait is None else round(mean_wait, 1),
        p90_wait=percentile(wait, 0.9),
        average_service=None if mean_service is None else round(mean_service, 1),
    )
