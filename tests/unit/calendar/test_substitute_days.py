"""补假: a provisional year makes up every festival day that falls on a weekend.

《全国年节及纪念日放假办法》第六条: 全体公民放假的假日，如果适逢星期六、星期日，应当在
工作日补假。
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, strategies as st

from onething.calendar import WorkingCalendar, statutory_days_off, statutory_holidays
from onething.calendar.lunar_festivals import FIRST_YEAR, LAST_YEAR
from onething.calendar.statutory import substitute_days_off

CALENDAR = WorkingCalendar()


def substitutes(year: int) -> dict[date, str]:
    return {day: name for day, name in CALENDAR.holidays(year) if name.endswith("（补假）")}


def test_the_substitute_days_of_2027() -> None:
    # 元旦 Fri Jan 1: none. 春节: 除夕 Fri Feb 5, 初一 Sat Feb 6, 初二 Sun Feb 7, 初三 Mon Feb 8
    # (正月初一 is February 6 in the lunar table) → two 补假 after the run Feb 5–8: Tue Feb 9,
    # Wed Feb 10. 清明 Mon Apr 5: none. 劳动节 Sat May 1, Sun May 2 → Mon May 3, Tue May 4.
    # 端午 Wed Jun 9, 中秋 Wed Sep 15: none. 国庆 Fri Oct 1, Sat Oct 2, Sun Oct 3 → Mon Oct 4,
    # Tue Oct 5.
    assert substitutes(2027) == {
        date(2027, 2, 9): "春节（补假）",
        date(2027, 2, 10): "春节（补假）",
        date(2027, 5, 3): "劳动节（补假）",
        date(2027, 5, 4): "劳动节（补假）",
        date(2027, 10, 4): "国庆节（补假）",
        date(2027, 10, 5): "国庆节（补假）",
    }


def test_the_substitute_days_of_2028() -> None:
    # 元旦 Sat Jan 1 (Fri Dec 31, 2027 is a working day; the run is Jan 1–2) → Mon Jan 3.
    # 春节: 除夕 Tue Jan 25 … 初三 Fri Jan 28 (初一 January 26): none. 清明 Tue Apr 4,
    # 劳动节 Mon May 1, Tue May 2: none. 端午 Sun May 28 → Mon May 29. 国庆 Sun Oct 1,
    # Mon Oct 2, Tue Oct 3, with 中秋 also on Tue Oct 3 (one day off, nothing made up for
    # the overlap); the run Sat Sep 30–Tue Oct 3 → Wed Oct 4 for October 1.
    assert substitutes(2028) == {
        date(2028, 1, 3): "元旦（补假）",
        date(2028, 5, 29): "端午节（补假）",
        date(2028, 10, 4): "国庆节（补假）",
    }
    assert dict(CALENDAR.holidays(2028))[date(2028, 10, 3)] == "中秋节、国庆节"


def test_adding_working_days_skips_the_substitute_days() -> None:
    # Thursday Feb 4, 2027: Feb 5–10 are off (春节 and its 补假), so Thursday Feb 11 is next
    assert CALENDAR.add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 11)
    assert CALENDAR.add_working_days(date(2027, 2, 4), 3) == date(2027, 2, 15)
    assert CALENDAR.add_working_days(date(2027, 2, 11), -1) == date(2027, 2, 4)
    assert CALENDAR.working_days_between(date(2027, 2, 4), date(2027, 2, 11)) == 1
    assert not CALENDAR.is_working_day(date(2027, 2, 9))
    # across the year boundary: Friday Dec 31, 2027, then Jan 1–2 off and Mon Jan 3 补假
    assert CALENDAR.add_working_days(date(2027, 12, 30), 2) == date(2028, 1, 4)
    assert CALENDAR.working_days_between(date(2027, 12, 30), date(2028, 1, 4)) == 2
    assert CALENDAR.add_working_days(date(2028, 1, 4), -2) == date(2027, 12, 30)


def test_an_official_arrangement_has_no_guessed_substitutes() -> None:
    from onething.calendar import YearArrangement

    official = YearArrangement(2027, frozenset([date(2027, 2, 6)]), frozenset())
    calendar = WorkingCalendar({2027: official})
    assert calendar.is_working_day(date(2027, 2, 9))
    assert calendar.holidays(2027) == [(date(2027, 2, 6), "春节")]


def test_two_festivals_on_a_weekend_day_give_one_substitute() -> None:
    saturday = date(2028, 9, 30)
    holidays = {saturday: "中秋节、国庆节", saturday + timedelta(days=1): "国庆节"}
    assert substitute_days_off(holidays) == {
        date(2028, 10, 2): "中秋节、国庆节（补假）",
        date(2028, 10, 3): "国庆节（补假）",
    }


def test_a_substitute_skips_festival_days_after_the_run() -> None:
    # a Sunday festival followed by two weekday festival days: made up after them
    sunday = date(2028, 1, 2)
    holidays = {sunday: "甲", date(2028, 1, 3): "乙", date(2028, 1, 4): "乙"}
    assert substitute_days_off(holidays) == {date(2028, 1, 5): "甲（补假）"}


provisional_years = st.integers(min_value=2027, max_value=LAST_YEAR)


@given(provisional_years)
def test_every_festival_day_is_worth_a_weekday_off(year: int) -> None:
    festival_days = statutory_holidays(year)
    overlaps = 13 - len(festival_days)  # days of two festivals, e.g. 中秋 on October 3
    weekdays_off = [day for day, _ in CALENDAR.holidays(year) if day.weekday() < 5]
    assert len(weekdays_off) >= 13 - overlaps
    assert len(weekdays_off) == len(festival_days)  # exactly: one 补假 per weekend day
    weekend_days = sum(day.weekday() >= 5 for day in festival_days)
    assert len(substitutes(year)) == weekend_days
    assert all(not CALENDAR.is_working_day(day) for day in weekdays_off)


def test_substitutes_never_leave_their_year() -> None:
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        days_off = statutory_days_off(year)
        assert all(day.year == year for day in days_off), year
        assert max(days_off) <= date(year, 10, 8), year
