"""Official arrangement files, and the lunar festival table checked against chinese_calendar."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from onething.calendar import CalendarError, chinese_calendar_years, parse_arrangement
from onething.calendar.lunar_festivals import FIRST_YEAR, LAST_YEAR, covers, lunar_festivals
from onething.calendar.statutory import qingming_day

GOOD = """\
year: 2027
title: 国务院办公厅关于2027年部分节假日安排的通知
off:
  - 2027-01-01
  - 2027-02-05..2027-02-11
  - "2027-04-05"
  - '2027-05-01 .. 2027-05-03'
on:
  - 2027-02-14
  - "2027-02-20"
"""


def test_a_good_file() -> None:
    arrangement = parse_arrangement(GOOD, "2027.yaml")
    assert arrangement.year == 2027
    assert arrangement.title == "国务院办公厅关于2027年部分节假日安排的通知"
    assert len(arrangement.days_off) == 1 + 7 + 1 + 3
    assert date(2027, 2, 8) in arrangement.days_off
    assert date(2027, 5, 3) in arrangement.days_off
    assert arrangement.days_on == frozenset([date(2027, 2, 14), date(2027, 2, 20)])


def test_on_and_off_may_be_left_empty_or_out_and_title_is_optional() -> None:
    arrangement = parse_arrangement("year: 2027\noff: [2027-01-01]\non:\n", "x.yaml")
    assert arrangement.days_on == frozenset()
    assert arrangement.title is None
    assert parse_arrangement("year: 2027\noff: [2027-01-01]\n", "x.yaml").days_on == frozenset()


def test_quoted_keys_work_too() -> None:
    arrangement = parse_arrangement('"year": 2027\n"off": [2027-01-01]\n"on": []\n', "x.yaml")
    assert arrangement.days_off == frozenset([date(2027, 1, 1)])


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("year: [2027\n", "not valid YAML (line 2, column 1)"),
        ("\tyear: 2027\n", "not valid YAML"),
        ("", "got an empty file"),
        ("- 2027-01-01\n", "expected a mapping with keys year, off and on, got a list"),
        ("just words\n", "got the text 'just words'"),
        ("off: [2027-01-01]\n", "year: missing"),
        ("year: twenty\noff: [2027-01-01]\n", "year: expected a whole number such as 2027"),
        ("year: true\noff: [2027-01-01]\n", "year: expected a whole number"),
        ("year: 0\noff: [2027-01-01]\n", "year: 0 is not a valid year"),
        ("year: 2027\n", "off: missing"),
        ("year: 2027\noff: []\n", "off: empty"),
        ("year: 2027\noff:\n", "off: empty"),
        ("year: 2027\noff: 2027-01-01\n", "off: expected a list of dates, got the text"),
        ("year: 2027\noff: {a: 1}\n", "off: expected a list of dates, got a mapping"),
        ("year: 2027\noff: [2027-01-01]\non: 5\n", "on: expected a list of dates, got 5"),
        ("year: 2027\noff: [2027-02-30]\n", "off[0]: 2027-02-30 is not a real date"),
        ("year: 2027\noff: [2027-13-01]\n", "off[0]: 2027-13-01 is not a real date"),
        ("year: 2027\noff: [hello]\n", "off[0]: 'hello' is not a date such as 2027-01-01"),
        ("year: 2027\noff: [20270101]\n", "off[0]: expected a date such as 2027-01-01, got"),
        ("year: 2027\noff: [2027-01-01 10:00:00]\n", "off[0]: '2027-01-01 10:00:00' is not a date"),
        (
            "year: 2027\noff: [[2027-01-01]]\n",
            "off[0]: expected a date such as 2027-01-01, got a list",
        ),
        ("year: 2027\noff: [2027-01-01, 2028-01-01]\n", "off[1]: 2028-01-01 is not in 2027"),
        ("year: 2027\noff: [2026-12-31..2027-01-02]\n", "off[0]: the range 2026-12-31..2027"),
        ("year: 2027\noff: [2026-12-30..2026-12-31]\n", "off[0]: 2026-12-30 is not in 2027"),
        ("year: 2027\noff: [0001-01-01..9999-12-31]\n", "is not within one year"),
        ("year: 2027\noff: [2027-02-11..2027-02-05]\n", "off[0]: the range 2027-02-11..2027-02-05"),
        ("year: 2027\noff: [2027-02-01..x]\n", "off[0]: 'x' is not a date"),
        ("year: 2027\noff: [2027-02-01..2027-02-03..2027-02-05]\n", "off[0]: '2027-02-01..2027"),
        (
            "year: 2027\noff: [2027-01-01]\non: [2027-02-15]\n",
            "on[0]: 2027-02-15 is a Monday, not a weekend day",
        ),
        (
            "year: 2027\noff: [2027-02-05..2027-02-14]\non: [2027-01-02, 2027-02-13]\n",
            "on[1]: 2027-02-13 is also a day off (off[0])",
        ),
        ("year: 2027\noff: [2027-01-01]\ncolour: red\n", "colour: unknown key"),
        ("year: 2027\ntitle: 5\noff: [2027-01-01]\n", "title: expected text, got 5"),
    ],
)
def test_each_bad_file_names_its_problem(text: str, problem: str) -> None:
    with pytest.raises(CalendarError) as raised:
        parse_arrangement(text, "bad.yaml")
    assert any(line.startswith("bad.yaml: ") for line in raised.value.problems)
    assert problem in str(raised.value), str(raised.value)


def test_every_problem_is_listed_at_once() -> None:
    text = "year: 2027\noff: [2028-01-01, nonsense]\non: [2027-02-15]\nextra: 1\n"
    with pytest.raises(CalendarError) as raised:
        parse_arrangement(text, "bad.yaml")
    assert raised.value.problems == (
        "bad.yaml: extra: unknown key (expected year, title, off, on)",
        "bad.yaml: off[0]: 2028-01-01 is not in 2027",
        "bad.yaml: off[1]: 'nonsense' is not a date such as 2027-01-01",
        "bad.yaml: on[0]: 2027-02-15 is a Monday, not a weekend day",
    )
    assert str(raised.value).count("\n") == 3


def test_dates_are_checked_even_when_the_year_is_bad() -> None:
    with pytest.raises(CalendarError) as raised:
        parse_arrangement("year: next\noff: [2027-02-30]\n", "bad.yaml")
    assert len(raised.value.problems) == 2


# --- the lunar festival table ------------------------------------------------------------


def test_the_table_covers_2000_to_2100() -> None:
    assert (FIRST_YEAR, LAST_YEAR) == (2000, 2100)
    assert all(covers(year) for year in range(2000, 2101))
    assert not covers(1999)
    assert not covers(2101)
    with pytest.raises(ValueError, match="2101"):
        lunar_festivals(2101)


def test_the_table_is_plausible_every_year() -> None:
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        festivals = lunar_festivals(year)
        assert date(year, 1, 21) <= festivals.new_year <= date(year, 2, 20)
        # four lunar months and four days, five in a year with a leap month before 五月
        assert 118 <= (festivals.dragon_boat - festivals.new_year).days <= 155
        # three lunar months and ten days, four with a leap month between
        assert 95 <= (festivals.mid_autumn - festivals.dragon_boat).days <= 131


def _holiday_names(day: date) -> set[str]:
    """The chinese_calendar names of the holiday period (days off in a row) around a day."""
    assert chinese_calendar.is_holiday(day), day
    names: set[str] = set()
    for step in (1, -1):
        current = day
        while chinese_calendar.is_holiday(current):
            name = chinese_calendar.constants.holidays.get(current)
            if name:
                names.add(str(name))
            current += timedelta(days=step)
    return names


def test_the_table_agrees_with_chinese_calendar_every_year_it_covers() -> None:
    years = chinese_calendar_years()
    assert len(years) >= 20
    for year in years:
        festivals = lunar_festivals(year)
        assert "Spring Festival" in _holiday_names(festivals.new_year), year
        if year < 2008:  # 端午, 中秋 and 清明 became public holidays in 2008
            continue
        assert "Dragon Boat Festival" in _holiday_names(festivals.dragon_boat), year
        mid_autumn = _holiday_names(festivals.mid_autumn)
        assert "Mid-autumn Festival" in mid_autumn or "National Day" in mid_autumn, year
        assert "Tomb-sweeping Day" in _holiday_names(qingming_day(year)), year
