"""Working days (工作日): which days count, and date arithmetic over them.

A working day is a Monday to Friday that is not a day off, or a weekend day declared a
working day (调休上班). Each year's days off and make-up days come from the first of:

1. ``official``: an arrangement file an administrator loaded (see ``arrangements``);
2. ``chinese_calendar``: the State Council arrangements the ``chinese_calendar`` package
   ships, for the years it covers;
3. ``statutory``: the statutory rule (see ``statutory``), for any other year from 2000 to
   2100: the festival days and a substitute day off (补假) for each that falls on a
   weekend. Such a year is *provisional*: its make-up working days are not known yet.

Deadlines do not count the start day (期间开始之日不计算在内): one working day after Friday
2026-11-20 is Monday 2026-11-23.

Each year is computed once, on first use, into a sorted list of the ordinals of its
working days; date arithmetic then bisects those lists, so adding 200 working days costs
a few list look-ups rather than a walk over 280 days.
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

import chinese_calendar
from chinese_calendar.constants import Holiday

from onething.calendar import lunar_festivals
from onething.calendar.arrangements import CalendarError, YearArrangement, parse_arrangement
from onething.calendar.statutory import statutory_days_off, statutory_holidays

Source = Literal["official", "chinese_calendar", "statutory"]

OFFICIAL: Source = "official"
CHINESE_CALENDAR: Source = "chinese_calendar"
STATUTORY: Source = "statutory"

DAY_OFF = "放假"  # the name of a day off that belongs to no known festival

# chinese_calendar names its holidays in English (Holiday's values)
_HOLIDAY_NAMES: dict[str, str] = {
    Holiday.new_years_day.value: "元旦",
    Holiday.spring_festival.value: "春节",
    Holiday.tomb_sweeping_day.value: "清明节",
    Holiday.labour_day.value: "劳动节",
    Holiday.dragon_boat_festival.value: "端午节",
    Holiday.national_day.value: "国庆节",
    Holiday.mid_autumn_festival.value: "中秋节",
    Holiday.anti_fascist_70th_day.value: "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@dataclass(frozen=True)
class _Year:
    """One year, computed: its days off, make-up days and working days."""

    days_off: dict[date, str]
    days_on: frozenset[date]
    working: list[int]  # ordinals of the working days, ascending


@dataclass(frozen=True)
class _ChineseCalendarYear:
    days_off: dict[date, str]
    days_on: frozenset[date]


@functools.cache
def _chinese_calendar_years() -> dict[int, _ChineseCalendarYear]:
    """The years ``chinese_calendar`` has data for, read from its tables once."""
    days_off: dict[int, dict[date, str]] = {}
    days_on: dict[int, set[date]] = {}
    for day, holiday in chinese_calendar.constants.holidays.items():
        name = _HOLIDAY_NAMES.get(str(getattr(holiday, "value", holiday)), DAY_OFF)
        days_off.setdefault(day.year, {})[day] = name
    for day in chinese_calendar.constants.workdays:
        days_on.setdefault(day.year, set()).add(day)
    return {
        year: _ChineseCalendarYear(dict(sorted(off.items())), frozenset(days_on.get(year, set())))
        for year, off in days_off.items()
    }


def chinese_calendar_years() -> list[int]:
    """The years whose arrangement the installed ``chinese_calendar`` knows."""
    return sorted(_chinese_calendar_years())


def _is_weekend(day: date) -> bool:
    return day.weekday() >= 5


def _days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=n) for n in range((date(year, 12, 31) - first).days + 1)]


def _working_ordinals(
    year: int, days_off: Mapping[date, str], days_on: frozenset[date]
) -> list[int]:
    return [
        day.toordinal()
        for day in _days_of(year)
        if day in days_on or (not _is_weekend(day) and day not in days_off)
    ]


def _name_official_days(
    year: int, days_off: frozenset[date], days_on: frozenset[date]
) -> dict[date, str]:
    """Name an official arrangement's days off after the statutory festivals among them.

    Each day off takes the names of the statutory holidays in its run of consecutive
    non-working days (so a 春节 week is all 春节); a run with none is just 放假.
    """
    try:
        festivals = statutory_holidays(year)
    except ValueError:
        festivals = {}

    def resting(day: date) -> bool:
        return day in days_off or (_is_weekend(day) and day not in days_on)

    def neighbour(day: date, step: int) -> date | None:
        if (day.month, day.day) == ((12, 31) if step > 0 else (1, 1)):
            return None  # festival names are per year: a run stops at the year's ends
        following = day + timedelta(days=step)
        return following if resting(following) else None

    names: dict[date, str] = {}
    for day in sorted(days_off):
        if day in names:
            continue
        run = [day]
        while (later := neighbour(run[-1], 1)) is not None:
            run.append(later)
        while (earlier := neighbour(run[0], -1)) is not None:
            run.insert(0, earlier)
        found: list[str] = []
        for member in run:
            for name in festivals.get(member, "").split("、"):
                if name and name not in found:
                    found.append(name)
        for member in run:
            if member in days_off:
                names[member] = "、".join(found) or DAY_OFF
    return names


class WorkingCalendar:
    """Working days over the years, from official arrangements, chinese_calendar or the law.

    ``arrangements`` maps a year to the official arrangement an administrator loaded.
    Years are computed lazily and cached; an instance is safe to share.
    """

    def __init__(self, arrangements: Mapping[int, YearArrangement] | None = None) -> None:
        self._arrangements: dict[int, YearArrangement] = dict(arrangements or {})
        for year, arrangement in self._arrangements.items():
            if arrangement.year != year:
                raise ValueError(f"arrangement for {arrangement.year} given as {year}")
        self._years: dict[int, _Year] = {}

    @classmethod
    def from_directory(cls, path: Path) -> WorkingCalendar:
        """The calendar with every ``*.yaml`` arrangement in ``path`` (none if it is missing).

        Raises :class:`CalendarError` listing every file that cannot be read or is
        invalid, a file ``NNNN.yaml`` that is not for year NNNN, and two files for one year.
        """
        arrangements: dict[int, YearArrangement] = {}
        origins: dict[int, str] = {}
        problems: list[str] = []
        files = sorted(path.glob("*.yaml")) if path.is_dir() else []
        for file in files:
            try:
                arrangement = parse_arrangement(file.read_text(encoding="utf-8-sig"), str(file))
            except CalendarError as error:
                problems.extend(error.problems)
                continue
            except (OSError, UnicodeDecodeError) as error:
                problems.append(f"{file}: cannot be read ({error})")
                continue
            if file.stem.isdigit() and int(file.stem) != arrangement.year:
                problems.append(f"{file}: is for {arrangement.year}, not {file.stem}")
            elif arrangement.year in origins:
                problems.append(
                    f"{file}: {arrangement.year} is also in {origins[arrangement.year]}"
                )
            else:
                arrangements[arrangement.year] = arrangement
                origins[arrangement.year] = str(file)
        if problems:
            raise CalendarError(problems)
        return cls(arrangements)

    # --- which source a year follows -------------------------------------------------

    def source_of(self, year: int) -> Source:
        """Where the year's days off come from: official, chinese_calendar or statutory.

        Raises :class:`CalendarError` for a year none of them covers.
        """
        if year in self._arrangements:
            return OFFICIAL
        if year in _chinese_calendar_years():
            return CHINESE_CALENDAR
        if lunar_festivals.covers(year):
            return STATUTORY
        raise CalendarError(
            [
                f"{year} is outside the calendar: no arrangement is loaded for it and the "
                f"statutory rule is known for {lunar_festivals.FIRST_YEAR}–"
                f"{lunar_festivals.LAST_YEAR} only"
            ]
        )

    def is_provisional(self, year: int) -> bool:
        """Whether the year follows the statutory rule, its make-up days still unknown."""
        return self.source_of(year) == STATUTORY

    def provisional_years(self, start: date, end: date) -> list[int]:
        """The provisional years from ``start``'s to ``end``'s (either order), ascending."""
        first, last = sorted((start.year, end.year))
        return [year for year in range(first, last + 1) if self.is_provisional(year)]

    def arrangement(self, year: int) -> YearArrangement | None:
        """The official arrangement loaded for the year, if any."""
        return self._arrangements.get(year)

    # --- one year ----------------------------------------------------------------------

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is None:
            cached = self._compute_year(year)
            self._years[year] = cached
        return cached

    def _compute_year(self, year: int) -> _Year:
        source = self.source_of(year)
        if source == OFFICIAL:
            arrangement = self._arrangements[year]
            days_on = arrangement.days_on
            days_off = _name_official_days(year, arrangement.days_off, days_on)
        elif source == CHINESE_CALENDAR:
            known = _chinese_calendar_years()[year]
            days_off, days_on = known.days_off, known.days_on
        else:
            days_off, days_on = statutory_days_off(year), frozenset()
        return _Year(days_off, days_on, _working_ordinals(year, days_off, days_on))

    def holidays(self, year: int) -> list[tuple[date, str]]:
        """The year's days off beyond ordinary weekends, each with its festival's name.

        Weekend days inside a holiday period are listed when the source lists them; a
        provisional year lists its substitute days off too, e.g. "春节（补假）".
        """
        return sorted(self._year(year).days_off.items())

    def make_up_days(self, year: int) -> list[date]:
        """The year's weekend days that are working days (调休上班)."""
        return sorted(self._year(year).days_on)

    # --- days ----------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day."""
        working = self._year(day.year).working
        index = bisect_left(working, day.toordinal())
        return index < len(working) and working[index] == day.toordinal()

    def add_working_days(self, start: date, n: int) -> date:
        """The day ``n`` working days after ``start``, the start day not counted.

        ``n == 0`` gives ``start``; a negative ``n`` gives the day ``-n`` working days
        before it, so that for a working day ``d``, ``add(add(d, n), -n) == d``.
        """
        if n == 0:
            return start
        ordinal = start.toordinal()
        year = start.year
        if n > 0:
            working = self._year(year).working
            index = bisect_right(working, ordinal) + n - 1  # of the n-th day after start
            while index >= len(working):
                index -= len(working)
                year += 1
                working = self._year(year).working
            return date.fromordinal(working[index])
        working = self._year(year).working
        index = bisect_left(working, ordinal) + n  # of the -n-th working day before start
        while index < 0:
            year -= 1
            working = self._year(year).working
            index += len(working)
        return date.fromordinal(working[index])

    def working_days_between(self, start: date, end: date) -> int:
        """The working days after ``start`` up to and including ``end``; negative if
        ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        first = self._year(start.year).working
        count = -bisect_right(first, start.toordinal())
        for year in range(start.year, end.year):
            count += len(self._year(year).working)
        return count + bisect_right(self._year(end.year).working, end.toordinal())
