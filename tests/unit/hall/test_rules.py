"""The hall's pure rules: opening hours by the working-day calendar (holidays closed,
调休 weekends on Monday's hours), slots cut from the hours, the window type of a
package, booking refusals and the no-show block."""

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, strategies as st

from onething.calendar import WorkingCalendar
from onething.hall import rules

MORNING, AFTERNOON = (time(9), time(12)), (time(13, 30), time(17, 30))
WEEKLY = {d: [MORNING, AFTERNOON] for d in range(5)} | {5: [(time(9), time(11))]}
CALENDAR = WorkingCalendar()  # chinese_calendar's years (2025 here)


def hours_on(day: date) -> list:
    return rules.regular_hours_on(day, WEEKLY, rules.kind_of(day, CALENDAR))


def test_a_working_weekday_opens_with_its_hours():
    assert hours_on(date(2025, 9, 24)) == [MORNING, AFTERNOON]  # a Wednesday


def test_a_public_holiday_is_closed_even_on_a_weekday():
    assert hours_on(date(2025, 10, 1)) == []  # 国庆节, a Wednesday


def test_a_make_up_weekend_opens_with_mondays_hours():
    assert hours_on(date(2025, 9, 28)) == [MORNING, AFTERNOON]  # 调休上班, a Sunday
    assert hours_on(date(2025, 10, 11)) == [MORNING, AFTERNOON]  # 调休上班, a Saturday


def test_an_ordinary_weekend_keeps_its_own_hours_but_not_in_a_holiday():
    assert hours_on(date(2025, 9, 20)) == [(time(9), time(11))]  # an ordinary Saturday
    assert hours_on(date(2025, 9, 21)) == []  # Sunday: none
    assert hours_on(date(2025, 10, 4)) == []  # a Saturday inside 国庆


def test_beyond_the_calendar_an_ordinary_week():
    kind = rules.kind_of(date(2200, 1, 6), CALENDAR)  # a Monday, no calendar knows
    assert kind == rules.DayKind(working=True, holiday=False)


def test_slots_fit_whole_in_each_interval():
    slots = rules.slot_times([MORNING, AFTERNOON], 30)
    assert slots[0] == (time(9), time(9, 30)) and slots[5] == (time(11, 30), time(12))
    assert (time(13, 30), time(14)) in slots and slots[-1] == (time(17), time(17, 30))
    assert len(slots) == 6 + 8
    assert rules.slot_times([(time(9), time(9, 50))], 30) == [(time(9), time(9, 30))]
    with pytest.raises(ValueError):
        rules.slot_times([MORNING], 0)


@given(
    st.integers(min_value=0, max_value=20 * 60),
    st.integers(min_value=1, max_value=4 * 60),
    st.integers(min_value=5, max_value=120),
)
def test_slots_never_leave_their_interval(start, length, minutes):
    opens = time(start // 60, start % 60)
    end = min(start + length, 23 * 60 + 59)
    closes = time(end // 60, end % 60)
    for a, b in rules.slot_times([(opens, closes)], minutes):
        assert opens <= a < b <= closes
        assert (datetime.combine(date.min, b) - datetime.combine(date.min, a)) == timedelta(
            minutes=minutes
        )


def test_within_and_merged():
    assert rules.within(time(9), [MORNING]) and not rules.within(time(12), [MORNING])
    assert not rules.within(time(12, 30), [MORNING, AFTERNOON])
    evening = [(time(18), time(19)), (time(18, 30), time(20)), (time(20), time(21))]
    assert rules.merged(evening) == [(time(18), time(21))]


def test_a_package_goes_to_its_named_window_before_the_general_one():
    types = [
        rules.TypeServes("general", ()),
        rules.TypeServes("project", ("grid_rebuild",)),
    ]
    assert rules.window_type_for("grid_rebuild", types) == "project"
    assert rules.window_type_for("newborn", types) == "general"
    assert rules.window_type_for("newborn", types[1:]) is None


NOW = datetime(2026, 12, 7, 10, 0)


def test_booking_refusals():
    day = NOW.date()
    past = rules.booking_problem(day, time(9, 30), NOW, 2, None, True)
    assert past.kind == rules.PAST and "已经开始或已过去" in past.message
    blocked = rules.booking_problem(day, time(11), NOW, 2, NOW + timedelta(days=3), True)
    assert blocked.kind == rules.BLOCKED and "2026-12-10" in blocked.message
    assert rules.booking_problem(day, time(11), NOW, 2, NOW + timedelta(days=3), False) is None
    full = rules.booking_problem(day, time(11), NOW, 0, None, True)
    assert full.kind == rules.FULL and "已约满" in full.message
    assert rules.booking_problem(day, time(11), NOW, 1, NOW - timedelta(days=1), True) is None


def test_three_no_shows_within_the_window_block():
    recent = [NOW - timedelta(days=d) for d in (1, 10, 29)]
    assert rules.block_until(recent, NOW, 3, 30, 30) == NOW + timedelta(days=30)
    assert rules.block_until(recent[:2], NOW, 3, 30, 30) is None
    old = [NOW - timedelta(days=d) for d in (1, 10, 31)]
    assert rules.block_until(old, NOW, 3, 30, 30) is None
    assert rules.block_until(recent, NOW, 2, 30, 7) == NOW + timedelta(days=7)


def test_codes_are_short_unambiguous_and_differ():
    codes = {rules.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == rules.CODE_LENGTH and not set(c) & set("01OI") for c in codes)


def test_a_day_is_named_when_it_is_a_holiday_or_a_make_up_day():
    national = date(2025, 10, 1)
    assert rules.day_note(national, rules.kind_of(national, CALENDAR)) == "国庆节"
    make_up = date(2025, 9, 28)
    assert rules.day_note(make_up, rules.kind_of(make_up, CALENDAR)) == "调休上班"
    ordinary = date(2025, 9, 20)
    assert rules.day_note(ordinary, rules.kind_of(ordinary, CALENDAR)) == ""


def test_a_contact_phone_is_a_mobile_or_a_landline():
    assert rules.phone_problem("") is None and rules.phone_problem("13900001111") is None
    assert (
        rules.phone_problem("0358-1234567") is None and rules.phone_problem("139 0000 1111") is None
    )
    assert "11 位手机号码" in rules.phone_problem("12345")
    assert rules.phone_problem("1390000111a")
