"""The statutory public holidays of a year, for years with no official arrangement.

《全国年节及纪念日放假办法》 as amended by the State Council on 2024-11-10 (《国务院关于
修改〈全国年节及纪念日放假办法〉的决定》, in force from 2025) gives every citizen 13 days
off a year (第二条):

* 元旦, New Year's Day: January 1;
* 春节, Spring Festival: 4 days, 农历除夕 (the day before 正月初一) through 正月初三;
* 清明节, Tomb-sweeping Day: the day of the 清明 solar term;
* 劳动节, Labour Day: May 1 and 2;
* 端午节, Dragon Boat Festival: 农历五月初五;
* 中秋节, Mid-autumn Festival: 农历八月十五;
* 国庆节, National Day: October 1, 2 and 3.

and makes up those that fall on a weekend (第六条, worded the same before and after the
2024 amendment):

    全体公民放假的假日，如果适逢星期六、星期日，应当在工作日补假。
    部分公民放假的假日，如果适逢星期六、星期日，则不补假。

So every festival day that is a Saturday or Sunday gives one substitute day off (补假)
on a working day: the first Monday to Friday after the run of days off and weekend days
that holds it that is not itself a day off, named after its festival, e.g. 2027's 春节
(除夕 Friday February 5 to 初三 Monday February 8, with 初一 and 初二 on the weekend) gives
"春节（补假）" on Tuesday February 9 and Wednesday February 10. This is what the State
Council's arrangements do too (2025: 端午 on Saturday May 31, June 2 off; 2026: 清明 on
Sunday April 5, April 6 off). The half days of 第三条 (妇女节 and the like) are for some
citizens only and are never made up.

When two festivals fall on the same day (中秋 on October 3, say) they simply overlap: it
is one day off, named after both, and it gives no substitute for the day the overlap
"loses" (第六条 makes up weekends only); on a weekend it gives one 补假, not two.

A 补假 always falls in its festival's own year: the last festival days are 国庆 (October
1–3) and 中秋 (October 6 at the latest in 2000–2100), so the last 补假 of any year is in
early October (October 8 at the latest). A year's days off never reach into the next
year, and adjacent years' working days join up without a gap or an overlap.

The State Council's yearly arrangement also moves weekends around the holidays (调休)
and may add days off; that cannot be predicted, so no make-up *working* day is guessed
here.
"""

from __future__ import annotations

from collections.abc import Mapping
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

SUBSTITUTE_SUFFIX = "（补假）"

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


def substitute_days_off(holidays: Mapping[date, str]) -> dict[date, str]:
    """The substitute days off (补假) for the festival days that fall on a weekend.

    ``holidays`` maps a year's festival days to their names (``statutory_holidays``).
    Each weekend day among them, in date order, gives the first weekday after it that is
    neither a festival day nor an earlier 补假, named e.g. "春节（补假）".
    """
    days_off = dict(holidays)
    substitutes: dict[date, str] = {}
    one_day = timedelta(days=1)
    for day, name in sorted(holidays.items()):
        if day.weekday() < 5:
            continue
        substitute = day + one_day
        while substitute.weekday() >= 5 or substitute in days_off:
            substitute += one_day
        days_off[substitute] = substitutes[substitute] = f"{name}{SUBSTITUTE_SUFFIX}"
    return substitutes


def statutory_days_off(year: int) -> dict[date, str]:
    """Every day off of a provisional year: the festival days and their 补假, by date.

    Raises ValueError for a year the lunar table does not cover (2000–2100).
    """
    holidays = statutory_holidays(year)
    substitutes = substitute_days_off(holidays)
    if any(day.year != year for day in substitutes):  # pragma: no cover - see the docstring
        raise ValueError(f"a substitute day off of {year} falls outside the year")
    return dict(sorted({**holidays, **substitutes}.items()))
