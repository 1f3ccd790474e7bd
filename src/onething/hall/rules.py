"""The hall's pure rules (no Django): when a hall is open on a day, the slots its hours
make, which window type serves a package, whether a booking may be made, and when
repeated no-shows (爽约) block online booking.

Opening hours: a weekday's regular hours, several intervals a day (a lunch break between
them). A working weekday opens with its hours; a weekday that is a public holiday is
closed; a weekend that is a 调休 working day opens with Monday's hours; an ordinary
weekend opens with its own regular hours (usually none) unless it falls in a holiday.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from onething.calendar import CalendarError, WorkingCalendar

Interval = tuple[time, time]
MONDAY, SATURDAY = 0, 5
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the window
CODE_LENGTH = 10


@dataclass(frozen=True, slots=True)
class DayKind:
    """What the working-day calendar says of a day."""

    working: bool  # a working day (incl. a 调休 weekend)
    holiday: bool  # a day off beyond ordinary weekends (a public holiday)
    name: str = ""  # the holiday's name (春节…)


def kind_of(day: date, calendar: WorkingCalendar) -> DayKind:
    """What the working-day calendar says of a day; beyond the years it knows, an
    ordinary week (Monday to Friday working)."""
    try:
        working = calendar.is_working_day(day)
        name = dict(calendar.holidays(day.year)).get(day)
    except CalendarError:
        return DayKind(working=day.weekday() < SATURDAY, holiday=False)
    return DayKind(working=working, holiday=name is not None, name=name or "")


def day_note(day: date, kind: DayKind) -> str:
    """What the hall's calendar says of a day beyond its hours: a holiday, or 调休上班."""
    if kind.holiday:
        return kind.name or "法定节假日"
    if kind.working and day.weekday() >= SATURDAY:
        return "调休上班"
    return ""


def regular_hours_on(
    day: date, weekly: Mapping[int, Sequence[Interval]], kind: DayKind
) -> list[Interval]:
    """The hall's regular hours on `day`, earliest first."""
    weekday = day.weekday()
    if kind.working:
        hours = weekly.get(weekday if weekday < SATURDAY else MONDAY, ())
    elif weekday < SATURDAY or kind.holiday:
        hours = ()
    else:
        hours = weekly.get(weekday, ())
    return sorted(hours)


def within(moment: time, intervals: Iterable[Interval]) -> bool:
    """Whether a time of day falls in one of the intervals (start included, end not)."""
    return any(opens <= moment < closes for opens, closes in intervals)


def slot_times(intervals: Iterable[Interval], minutes: int) -> list[Interval]:
    """Whole slots of `minutes` that fit in each interval, from its start; a remainder
    shorter than a slot is not offered."""
    if minutes <= 0:
        raise ValueError("a slot lasts at least a minute")
    step = timedelta(minutes=minutes)
    slots: list[Interval] = []
    for opens, closes in sorted(intervals):
        start = datetime.combine(date.min, opens)
        end = datetime.combine(date.min, closes)
        while start + step <= end:
            slots.append((start.time(), (start + step).time()))
            start += step
    return slots


def merged(intervals: Iterable[Interval]) -> list[Interval]:
    """Overlapping or touching intervals joined, earliest first."""
    result: list[Interval] = []
    for opens, closes in sorted(intervals):
        if result and opens <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], closes))
        else:
            result.append((opens, closes))
    return result


@dataclass(frozen=True, slots=True)
class TypeServes:
    """A window type as the choice of window needs it."""

    code: str
    package_ids: tuple[str, ...]  # empty: every package


def window_type_for(package_id: str, types: Sequence[TypeServes]) -> str | None:
    """The window type that serves a package: one named for it before a general one."""
    for kind in types:
        if package_id in kind.package_ids:
            return kind.code
    for kind in types:
        if not kind.package_ids:
            return kind.code
    return None


PAST, BLOCKED, FULL = "past", "blocked", "full"


@dataclass(frozen=True, slots=True)
class Refusal:
    kind: str  # past | blocked | full
    message: str


def booking_problem(
    slot_day: date,
    slot_start: time,
    now: datetime,
    free: int,
    blocked_until: datetime | None,
    online: bool,
) -> Refusal | None:
    """Why a place in a slot may not be booked now, or None. `now` is local and naive."""
    if datetime.combine(slot_day, slot_start) <= now:
        return Refusal(
            PAST, f"{slot_day:%Y-%m-%d} {slot_start:%H:%M} 的时段已经开始或已过去，不能预约"
        )
    if online and blocked_until is not None and blocked_until > now:
        return Refusal(
            BLOCKED,
            f"您近期多次预约未到场，{blocked_until:%Y-%m-%d %H:%M} 前不能网上预约，"
            "请电话联系大厅预约或直接到大厅取号",
        )
    if free <= 0:
        return Refusal(FULL, f"{slot_day:%Y-%m-%d} {slot_start:%H:%M} 的时段已约满，请选择其他时段")
    return None


def block_until(
    no_show_times: Iterable[datetime], now: datetime, limit: int, window_days: int, days: int
) -> datetime | None:
    """Until when online booking is blocked: `limit` no-shows within the last
    `window_days` days block it for `days` days from now; None when there are fewer."""
    since = now - timedelta(days=window_days)
    recent = [moment for moment in no_show_times if moment >= since]
    if limit <= 0 or len(recent) < limit:
        return None
    return now + timedelta(days=days)


PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def phone_problem(text: str) -> str | None:
    """A contact phone given at booking: a mobile (11 digits) or a landline (区号-号码)."""
    if text and not PHONE.match(text.strip().replace(" ", "")):
        return "联系电话应为 11 位手机号码或带区号的固定电话号码"
    return None


def new_code() -> str:
    """A short, unguessable appointment code (50 bits) for the QR and for reading aloud."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
