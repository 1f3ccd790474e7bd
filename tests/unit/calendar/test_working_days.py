"""Known answers of the working-day calendar, for each of its three sources."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from onething.calendar import (
    CalendarError,
    WorkingCalendar,
    YearArrangement,
    chinese_calendar_years,
    statutory_days_off,
    statutory_holidays,
)

CALENDAR = WorkingCalendar()


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_the_contract_example_friday_plus_one_is_monday() -> None:
    assert CALENDAR.add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)


def test_zero_days_is_the_start_itself_even_on_a_weekend() -> None:
    assert CALENDAR.add_working_days(date(2026, 11, 21), 0) == date(2026, 11, 21)


def test_negative_days_count_backwards() -> None:
    assert CALENDAR.add_working_days(date(2026, 11, 23), -1) == date(2026, 11, 20)
    assert CALENDAR.add_working_days(date(2026, 11, 22), -1) == date(2026, 11, 20)


def test_2026_national_day_week_and_its_make_up_days() -> None:
    # 2026: October 1-7 off; Sunday September 20 and Saturday October 10 are working days
    assert CALENDAR.source_of(2026) == "chinese_calendar"
    assert CALENDAR.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert CALENDAR.is_working_day(date(2026, 9, 20))
    assert CALENDAR.is_working_day(date(2026, 10, 10))
    assert CALENDAR.add_working_days(date(2026, 9, 19), 1) == date(2026, 9, 20)
    assert CALENDAR.add_working_days(date(2026, 10, 8), 2) == date(2026, 10, 10)
    assert date(2026, 9, 20) in CALENDAR.make_up_days(2026)
    assert (date(2026, 10, 1), "国庆节") in CALENDAR.holidays(2026)


def test_2026_spring_festival() -> None:
    # 2026: February 15-23 off; Saturdays February 14 and 28 are working days
    assert CALENDAR.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert CALENDAR.add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert CALENDAR.working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2
    assert not any(
        CALENDAR.is_working_day(day) for day in days(date(2026, 2, 15), date(2026, 2, 23))
    )
    assert {day for day, name in CALENDAR.holidays(2026) if name == "春节"} >= set(
        days(date(2026, 2, 16), date(2026, 2, 20))
    )


def test_agrees_with_chinese_calendar_on_every_day_it_covers() -> None:
    years = chinese_calendar_years()
    for day in days(date(years[0], 1, 1), date(years[-1], 12, 31)):
        assert CALENDAR.is_working_day(day) == chinese_calendar.is_workday(day), day


def test_covered_years_come_from_chinese_calendar_data() -> None:
    years = chinese_calendar_years()
    assert years == sorted({day.year for day in chinese_calendar.constants.holidays})
    assert years[-1] >= 2026
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(years[-1] + 1, 3, 1))


def test_2027_follows_the_statutory_rule() -> None:
    expected = [
        date(2027, 1, 1),
        *days(date(2027, 2, 5), date(2027, 2, 8)),  # 除夕 February 5 through 初三
        date(2027, 2, 9),  # 补假 for 初一 (Saturday) and 初二 (Sunday)
        date(2027, 2, 10),
        date(2027, 4, 5),  # 清明
        date(2027, 5, 1),
        date(2027, 5, 2),
        date(2027, 5, 3),  # 补假 for May 1 (Saturday) and May 2 (Sunday)
        date(2027, 5, 4),
        date(2027, 6, 9),  # 端午
        date(2027, 9, 15),  # 中秋
        *days(date(2027, 10, 1), date(2027, 10, 3)),
        date(2027, 10, 4),  # 补假 for October 2 (Saturday) and 3 (Sunday)
        date(2027, 10, 5),
    ]
    assert [day for day, _ in CALENDAR.holidays(2027)] == expected
    assert CALENDAR.make_up_days(2027) == []
    assert CALENDAR.source_of(2027) == "statutory"
    assert CALENDAR.is_provisional(2027)
    assert CALENDAR.add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 11)
    assert CALENDAR.add_working_days(date(2027, 9, 30), 1) == date(2027, 10, 6)
    names = dict(CALENDAR.holidays(2027))
    assert names[date(2027, 2, 5)] == "春节"
    assert names[date(2027, 2, 9)] == "春节（补假）"
    assert names[date(2027, 4, 5)] == "清明节"


def test_statutory_rule_matches_the_published_arrangements_since_the_2024_amendment() -> None:
    # 补假 included: 2025 端午 (Sat May 31) → June 2; 2026 清明 (Sun April 5) → April 6,
    # 劳动节 (Sat May 2) → May 4, 国庆节 (Sat October 3) → October 5: all days off there
    for year in (2025, 2026):
        for day in statutory_days_off(year):
            assert not chinese_calendar.is_workday(day), day


def test_festivals_on_one_day_overlap() -> None:
    # 2028: 中秋 falls on October 3
    holidays = statutory_holidays(2028)
    assert holidays[date(2028, 10, 3)] == "中秋节、国庆节"
    assert len(holidays) == 12


ARRANGEMENT_2027 = YearArrangement(
    year=2027,
    days_off=frozenset([date(2027, 1, 1), *days(date(2027, 2, 5), date(2027, 2, 11))]),
    days_on=frozenset([date(2027, 2, 20)]),
    title="一个假设的2027年安排",
)


def test_an_official_arrangement_overrides_the_statutory_rule() -> None:
    calendar = WorkingCalendar({2027: ARRANGEMENT_2027})
    assert calendar.source_of(2027) == "official"
    assert not calendar.is_provisional(2027)
    assert calendar.add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 12)
    assert calendar.add_working_days(date(2027, 2, 12), 1) == date(2027, 2, 15)
    assert calendar.is_working_day(date(2027, 2, 20))
    assert calendar.is_working_day(date(2027, 6, 9))  # not listed, so a working day
    assert calendar.make_up_days(2027) == [date(2027, 2, 20)]
    names = dict(calendar.holidays(2027))
    assert names[date(2027, 1, 1)] == "元旦"
    assert names[date(2027, 2, 11)] == "春节"
    assert calendar.provisional_years(date(2026, 12, 1), date(2028, 1, 5)) == [2028]


def test_an_official_arrangement_overrides_chinese_calendar() -> None:
    days_off = frozenset([*days(date(2026, 10, 1), date(2026, 10, 8)), date(2026, 3, 3)])
    arrangement = YearArrangement(2026, days_off, frozenset())
    calendar = WorkingCalendar({2026: arrangement})
    assert calendar.source_of(2026) == "official"
    assert calendar.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 9)
    assert not calendar.is_working_day(date(2026, 9, 20))  # no longer a make-up day
    assert calendar.is_working_day(date(2026, 2, 16))  # 春节 not listed: working
    assert dict(calendar.holidays(2026))[date(2026, 3, 3)] == "放假"


def test_provisional_years_of_a_computation() -> None:
    start = date(2026, 12, 31)
    end = CALENDAR.add_working_days(start, 300)
    assert CALENDAR.provisional_years(start, end) == [2027, 2028]
    assert CALENDAR.provisional_years(end, start) == [2027, 2028]
    assert CALENDAR.provisional_years(date(2026, 1, 5), date(2026, 11, 20)) == []
    assert not CALENDAR.is_provisional(2026)


def test_years_beyond_every_source_are_errors() -> None:
    with pytest.raises(CalendarError, match="2101 is outside the calendar"):
        CALENDAR.add_working_days(date(2100, 12, 30), 5)
    with pytest.raises(CalendarError, match="1999"):
        CALENDAR.is_working_day(date(1999, 6, 1))
    assert WorkingCalendar({2101: YearArrangement(2101, frozenset(), frozenset())}).is_working_day(
        date(2101, 1, 3)
    )


def test_working_days_between_counts_the_end_not_the_start() -> None:
    assert CALENDAR.working_days_between(date(2026, 11, 20), date(2026, 11, 23)) == 1
    assert CALENDAR.working_days_between(date(2026, 11, 23), date(2026, 11, 20)) == -1
    assert CALENDAR.working_days_between(date(2026, 11, 21), date(2026, 11, 22)) == 0
    # 2026 has 248 working days; January 4, 2027 is the first of 2027
    assert CALENDAR.working_days_between(date(2025, 12, 31), date(2027, 1, 4)) == 248 + 1


def test_long_spans_are_fast() -> None:
    calendar = WorkingCalendar()
    started = time.perf_counter()
    for offset in range(20_000):
        calendar.add_working_days(date(2026, 1, 1) + timedelta(days=offset % 700), 200)
    assert time.perf_counter() - started < 2.0


YEAR_2027 = "year: 2027\noff:\n  - 2027-01-01\n  - 2027-02-05..2027-02-11\non:\n  - 2027-02-20\n"


def test_from_directory_loads_every_arrangement(tmp_path: Path) -> None:
    (tmp_path / "2027.yaml").write_text(YEAR_2027, encoding="utf-8")
    calendar = WorkingCalendar.from_directory(tmp_path)
    assert calendar.source_of(2027) == "official"
    assert calendar.make_up_days(2027) == [date(2027, 2, 20)]


def test_from_a_missing_directory_loads_nothing(tmp_path: Path) -> None:
    calendar = WorkingCalendar.from_directory(tmp_path / "nowhere")
    assert calendar.source_of(2027) == "statutory"


def test_from_directory_names_every_broken_file(tmp_path: Path) -> None:
    (tmp_path / "2027.yaml").write_text("year: 2027\noff: [2027-13-01]\n", encoding="utf-8")
    (tmp_path / "2028.yaml").write_text(YEAR_2027, encoding="utf-8")
    with pytest.raises(CalendarError) as raised:
        WorkingCalendar.from_directory(tmp_path)
    problems = raised.value.problems
    assert any("2027.yaml: off[0]" in problem for problem in problems)
    assert any("2028.yaml: is for 2027, not 2028" in problem for problem in problems)


def test_from_directory_refuses_two_files_for_one_year(tmp_path: Path) -> None:
    (tmp_path / "2027.yaml").write_text(YEAR_2027, encoding="utf-8")
    (tmp_path / "copy.yaml").write_text(YEAR_2027, encoding="utf-8")
    with pytest.raises(CalendarError, match=r"copy\.yaml: 2027 is also in"):
        WorkingCalendar.from_directory(tmp_path)
