"""延伸办 on the dashboard: per hall and month, what the hall did beyond its windows'
ordinary work — appointments and no-shows (预约办), tickets and their waiting and service
times (取号叫号), services after regular hours (延时办), home visits (上门办) and cases
filed by staff for someone (帮办代办) — the seed's kinds of figures.

Each figure is its app's (hall/figures.py, tickets/figures.py, outreach/figures.py);
this module only lines them up by hall (a hall's visits and assisted cases are those of
its jurisdiction's windows) for the halls the supervisor runs, within the dashboard's
jurisdiction filter, over its period (the last six months when none is chosen).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from onething.core.access import halls_run_by, jurisdiction_prefix
from onething.hall import figures as hall_figures
from onething.outreach import figures as outreach_figures
from onething.tickets import figures as ticket_figures

MOST_MONTHS = 24


@dataclass(frozen=True, slots=True)
class HallMonthRow:
    hall: str
    hall_name: str
    month: str  # YYYY-MM
    appointments: int
    no_shows: int
    tickets: int
    average_wait: float | None  # minutes, taking → call
    p90_wait: float | None
    average_service: float | None  # minutes, 开始办理 → 办结
    after_hours: int
    home_visits: int
    assisted_cases: int

    @property
    def anything(self) -> bool:
        """Whether the hall did any of these that month (an empty month is not shown)."""
        counts = (self.appointments, self.tickets, self.after_hours, self.home_visits)
        return any(counts) or self.assisted_cases > 0


def months_between(start: date, end: date) -> list[str]:
    """ "YYYY-MM" of every month from start's to end's (at most MOST_MONTHS, the latest)."""
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months[-MOST_MONTHS:]


def period_months(start: date | None, end: date | None, today: date) -> list[str]:
    end = end or today
    if start is None:
        back = end.month - 6
        start = date(end.year - (back <= 0), (back - 1) % 12 + 1, 1)
    return months_between(start, end) if start <= end else []


def hall_months(user, jurisdiction: str, months: list[str]) -> list[HallMonthRow]:
    """One row per hall the user runs (within ``jurisdiction`` if given) and month in
    which it did any of these, the latest month first; halls in code order."""
    halls = halls_run_by(user)
    if jurisdiction:
        halls = halls.filter(jurisdiction__startswith=jurisdiction_prefix(jurisdiction))
    halls = list(halls.order_by("code"))
    if not halls or not months:
        return []
    ticketed = {(r.hall, r.month): r for r in ticket_figures.monthly(halls, months)}
    codes = {hall.code: hall.jurisdiction for hall in halls}
    reached = {
        (r.jurisdiction, r.month): r
        for r in outreach_figures.monthly(sorted(set(codes.values())), months)
    }
    rows = []
    for booked in hall_figures.monthly(halls, months):
        tickets = ticketed[(booked.hall, booked.month)]
        outreach = reached[(codes[booked.hall], booked.month)]
        rows.append(
            HallMonthRow(
                booked.hall,
                booked.hall_name,
                booked.month,
                booked.appointments,
                booked.no_shows,
                tickets.tickets,
                tickets.average_wait,
                tickets.p90_wait,
                tickets.average_service,
                booked.after_hours,
                outreach.home_visits,
                outreach.assisted_cases,
            )
        )
    rows = [row for row in rows if row.anything]
    rows.sort(key=lambda row: row.month, reverse=True)
    return sorted(rows, key=lambda row: row.hall)  # stable: each hall's latest month first
