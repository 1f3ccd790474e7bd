"""Properties of working-day arithmetic, over 2004–2060 and up to ±400 working days."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from hypothesis import given, strategies as st

from onething.calendar import WorkingCalendar, chinese_calendar_years

CALENDAR = WorkingCalendar()

dates = st.dates(min_value=date(2004, 1, 1), max_value=date(2060, 12, 31))
counts = st.integers(min_value=-400, max_value=400)
positive = st.integers(min_value=1, max_value=400)
non_negative = st.integers(min_value=0, max_value=400)

_LAST_COVERED = chinese_calendar_years()[-1]
covered_dates = st.dates(min_value=date(2004, 1, 1), max_value=date(_LAST_COVERED, 11, 30))


@given(dates, positive)
def test_the_result_is_a_working_day_after_the_start(start: date, n: int) -> None:
    result = CALENDAR.add_working_days(start, n)
    assert result > start
    assert CALENDAR.is_working_day(result)


@given(dates, positive, non_negative)
def test_adding_in_two_steps_is_adding_once(start: date, a: int, b: int) -> None:
    in_two = CALENDAR.add_working_days(CALENDAR.add_working_days(start, a), b)
    assert CALENDAR.add_working_days(start, a + b) == in_two


@given(dates, non_negative)
def test_counting_undoes_adding(start: date, n: int) -> None:
    assert CALENDAR.working_days_between(start, CALENDAR.add_working_days(start, n)) == n


@given(dates, counts, counts)
def test_more_days_give_a_later_date(start: date, a: int, b: int) -> None:
    if a < b:
        assert CALENDAR.add_working_days(start, a) < CALENDAR.add_working_days(start, b)


@given(dates, counts)
def test_going_back_undoes_going_forward_from_a_working_day(start: date, n: int) -> None:
    working_day = CALENDAR.add_working_days(start, 1)
    there = CALENDAR.add_working_days(working_day, n)
    assert CALENDAR.add_working_days(there, -n) == working_day


@given(dates, dates)
def test_counting_is_antisymmetric(a: date, b: date) -> None:
    assert CALENDAR.working_days_between(a, b) == -CALENDAR.working_days_between(b, a)


@given(covered_dates, st.integers(min_value=1, max_value=25))
def test_adding_matches_a_day_by_day_walk_with_chinese_calendar(start: date, n: int) -> None:
    day, left = start, n
    while left:
        day += timedelta(days=1)
        left -= chinese_calendar.is_workday(day)
    assert CALENDAR.add_working_days(start, n) == day
