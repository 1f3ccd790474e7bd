"""A hall's hours and its slots: regular hours by the working-day calendar
(onething.calendar, `current_calendar()`), extra sessions (延时办) on top, and the slots
of each window type generated from them on demand for the days ahead.

Generation only adds slots that are missing (unique per window type, day and start), so
it is safe to call on every page and from two processes at once; a slot's capacity is
the window type's places per slot times its active windows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from onething.calendar.loaded import current_calendar
from onething.core.prepared import PreparedQuery
from onething.hall import rules
from onething.hall.models import ExtraSession, Hall, OpeningHours, Slot, WindowType

DAYS_AHEAD = 14  # how far ahead a citizen may book


def local_now() -> datetime:
    """Now as a naive local time (the hall's clocks), to compare with slot times."""
    return timezone.localtime().replace(tzinfo=None)


# Read at every acceptance (is it after hours?) and every booking: compiled once.
_opening_hours = PreparedQuery(
    lambda hall_id: OpeningHours.objects.filter(hall_id=hall_id).order_by("weekday", "opens")
)


def weekly_hours(hall: Hall) -> dict[int, list[rules.Interval]]:
    weekly: dict[int, list[rules.Interval]] = defaultdict(list)
    for row in _opening_hours.all(hall.pk):
        weekly[row.weekday].append((row.opens, row.closes))
    return dict(weekly)


def day_kind(day: date) -> rules.DayKind:
    return rules.kind_of(day, current_calendar())


def regular_hours_on(hall: Hall, day: date, weekly=None) -> list[rules.Interval]:
    return rules.regular_hours_on(day, weekly or weekly_hours(hall), day_kind(day))


_sessions_on = PreparedQuery(  # every acceptance outside opening hours asks
    lambda hall_id, day: ExtraSession.objects.filter(hall_id=hall_id, date=day).order_by("starts")
)


def sessions_on(hall: Hall, day: date) -> list[ExtraSession]:
    return _sessions_on.all(hall.pk, day)


def is_regular_time(hall: Hall, moment: datetime) -> bool:
    """Whether an aware or local moment falls in the hall's regular hours."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return rules.within(local.time(), regular_hours_on(hall, local.date()))


def session_at(hall: Hall, moment: datetime) -> ExtraSession | None:
    """The extra session in progress at a moment, if any."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    for session in sessions_on(hall, local.date()):
        if session.starts <= local.time() < session.ends:
            return session
    return None


def _capacities(hall: Hall) -> dict[int, int]:
    """Places per slot of each window type: its per-window places × active windows."""
    types = WindowType.objects.filter(hall=hall).annotate(
        open_windows=Count("windows", filter=Q(windows__active=True))
    )
    return {t.pk: t.slot_capacity * t.open_windows for t in types if t.open_windows}


def _wanted_slots(hall: Hall, days: list[date]) -> list[Slot]:
    weekly = weekly_hours(hall)
    capacities = _capacities(hall)
    types = [t for t in WindowType.objects.filter(hall=hall) if t.pk in capacities]
    extra: dict[date, list[rules.Interval]] = defaultdict(list)
    for session in ExtraSession.objects.filter(hall=hall, date__in=days):
        extra[session.date].append((session.starts, session.ends))
    wanted = []
    for day in days:
        regular = regular_hours_on(hall, day, weekly)
        for kind in types:
            for starts, ends in rules.slot_times(regular, kind.slot_minutes):
                wanted.append(_slot(hall, kind, day, starts, ends, capacities[kind.pk], False))
            for starts, ends in rules.slot_times(rules.merged(extra[day]), kind.slot_minutes):
                if not rules.within(starts, regular):
                    wanted.append(_slot(hall, kind, day, starts, ends, capacities[kind.pk], True))
    return wanted


def _slot(hall, kind, day, starts, ends, capacity, extra) -> Slot:
    return Slot(
        hall=hall,
        window_type=kind,
        date=day,
        starts=starts,
        ends=ends,
        capacity=capacity,
        extra=extra,
    )


def ensure_slots(hall: Hall, days: int = DAYS_AHEAD, today: date | None = None) -> int:
    """Create the slots missing from today for `days` days; the number created. A slot
    the hours no longer give (a holiday loaded since, hours changed, a session removed)
    is withdrawn while no one has booked it; a booked one stays for its bookers."""
    first = today or timezone.localdate()
    span = [first + timedelta(days=n) for n in range(days)]
    wanted = _wanted_slots(hall, span)
    keys = {(s.window_type_id, s.date, s.starts) for s in wanted}
    with transaction.atomic():
        have = {
            (kind, day, starts): pk
            for pk, kind, day, starts in Slot.objects.filter(hall=hall, date__in=span).values_list(
                "pk", "window_type_id", "date", "starts"
            )
        }
        stale = [pk for key, pk in have.items() if key not in keys]
        if stale:
            Slot.objects.filter(pk__in=stale, booked=0, appointments__isnull=True).delete()
        missing = [s for s in wanted if (s.window_type_id, s.date, s.starts) not in have]
        Slot.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def free_slots(hall: Hall, kind: WindowType, day: date) -> list[Slot]:
    """The slots of a window type on a day, still ahead, with a free place."""
    now = local_now()
    slots = Slot.objects.filter(hall=hall, window_type=kind, date=day).order_by("starts")
    return [s for s in slots if s.free > 0 and datetime.combine(s.date, s.starts) > now]


def bookable_days(hall: Hall, days: int = DAYS_AHEAD) -> list[date]:
    """The days ahead with at least one slot."""
    today = timezone.localdate()
    found = (
        Slot.objects.filter(hall=hall, date__gte=today, date__lt=today + timedelta(days=days))
        .values_list("date", flat=True)
        .distinct()
    )
    return sorted(set(found))


def start_of(slot: Slot) -> datetime:
    return timezone.make_aware(datetime.combine(slot.date, slot.starts))


def end_of(slot: Slot) -> datetime:
    return timezone.make_aware(datetime.combine(slot.date, slot.ends))


def describe_hours(intervals: list[rules.Interval]) -> str:
    if not intervals:
        return "不办公"
    return "、".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in intervals)


def calendar_ahead(
    hall: Hall, days: int = DAYS_AHEAD
) -> list[tuple[date, str, list[ExtraSession]]]:
    """Each day ahead: its regular hours in words (holidays closed and named, 调休 open)
    and its extra sessions."""
    weekly = weekly_hours(hall)
    today = timezone.localdate()
    span = [today + timedelta(days=n) for n in range(days)]
    sessions: dict[date, list[ExtraSession]] = defaultdict(list)
    for session in ExtraSession.objects.filter(hall=hall, date__in=span).order_by("starts"):
        sessions[session.date].append(session)
    rows = []
    for day in span:
        kind = day_kind(day)
        text = describe_hours(rules.regular_hours_on(day, weekly, kind))
        note = rules.day_note(day, kind)
        rows.append((day, f"{text}（{note}）" if note else text, sessions[day]))
    return rows
