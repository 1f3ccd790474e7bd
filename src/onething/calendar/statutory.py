"""The statutory public holidays of a year, for years with no official arrangement.

《全国年节及纪念日放假办法》 as amended by the State Council in 2024 (in force from
2025) gives every citizen 13 days off a year:

* 元旦, New Year's Day: January 1;
* 春节, Spring Festival: 4 days, 农历除夕 (the day before 正月初一) through 正月初三;
* 清明节, Tomb-sweeping Day: the day of the 清明 solar term;
* 劳动节, Labour Day: May 1 and 2;
* 端午节, Dragon Boat Festival: 农历五月初五;
* 中秋节, Mid-autumn Festival: 农历八月十五;
* 国庆节, National Day: October 1, 2 and 3.

This module gives those days only. The State Council's yearly arrangement also moves
weekends around them (调休) and may add days off; that cannot be predicted, so no
make-up working day and no substitute day (补假) is guessed here. When two festivals
fall on the same day (中秋 on October 3, say) they simply overlap.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar

from onething.calendar.lunar_festivals import lunar_festivals

NEW_YEAR = "元旦"
SPRING_FESTIVAL = "春节"
TOMB_SWEEPING = "清明节"
LABOUR_DAY = "劳动节"
DRAGON_BOAT = "端午节"
MID_AUTUMN = "中秋节"
NATIONAL_DAY = "国庆节"

_QINGMING_TERM = "清明"


def qingming_day(year: int) -> date:
    """The day of the 清明 solar term (April 4, 5 or 6)."""
    terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
    for day, name in terms:
        if name == _QINGMING_TERM:
            return day
    raise ValueError(f"no 清明 solar term found in April {year}")  # pragma: no cover


def statutory_holidays(year: int) -> dict[date, str]:
    """Every statutory day off of the year, with its festival's Chinese name.

    A day of two festivals is named after both, e.g. "中秋节、国庆节".

    Raises ValueError for a year the lunar table does not cover (2000–2100).
    """
    lunar = lunar_festivals(year)
    holidays: dict[date, str] = {}

    def add(first: date, days: int, name: str) -> None:
        for offset in range(days):
            day = first + timedelta(days=offset)
            earlier = holidays.get(day)
            holidays[day] = name if earlier is None else f"{earlier}、{name}"

    add(date(year, 1, 1), 1, NEW_YEAR)
    add(lunar.new_year - timedelta(days=1), 4, SPRING_FESTIVAL)
    add(qingming_day(year), 1, TOMB_SWEEPING)
    add(date(year, 5, 1), 2, LABOUR_DAY)
    add(lunar.dragon_boat, 1, DRAGON_BOAT)
    add(lunar.mid_autumn, 1, MID_AUTUMN)
    add(date(year, 10, 1), 3, NATIONAL_DAY)
    return dict(sorted(holidays.items()))
