"""The working-day calendar (工作日): weekends, statutory holidays and make-up days.

Pure Python, no Django: the web app, the deadline sweeps and the command line share it.
"""

from onething.calendar.arrangements import CalendarError, YearArrangement, parse_arrangement
from onething.calendar.rules import (
    CHINESE_CALENDAR,
    OFFICIAL,
    STATUTORY,
    Source,
    WorkingCalendar,
    chinese_calendar_years,
)
from onething.calendar.statutory import statutory_days_off, statutory_holidays

__all__ = [
    "CHINESE_CALENDAR",
    "OFFICIAL",
    "STATUTORY",
    "CalendarError",
    "Source",
    "WorkingCalendar",
    "YearArrangement",
    "chinese_calendar_years",
    "parse_arrangement",
    "statutory_days_off",
    "statutory_holidays",
]
