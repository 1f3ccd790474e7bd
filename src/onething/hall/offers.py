"""What a booker is offered: the halls, the 一件事 of the current catalogue, the days
ahead with slots for the package's window type, and the free slots of a day. The slots
of the days ahead are made on demand here (hall.hours.ensure_slots)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from onething.catalog.services import current_catalog
from onething.core.errors import InvalidInput
from onething.hall import hours
from onething.hall.booking import hall_named, package_name, window_type_for
from onething.hall.models import Hall, Slot, WindowType


@dataclass
class Offer:
    hall: Hall | None = None
    package_id: str = ""
    package_name: str = ""
    window_type: WindowType | None = None
    days: list[date] = field(default_factory=list)
    day: date | None = None
    slots: list[Slot] = field(default_factory=list)


def halls() -> list[Hall]:
    return list(Hall.objects.order_by("code"))


def packages() -> list[tuple[str, str]]:
    """(id, name) of every 一件事 in the current catalogue."""
    current = current_catalog()
    if current is None:
        return []
    return [(p.id, p.name) for p in current.catalog.packages.values()]


def parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text and text.strip() else None
    except ValueError:
        message = f"日期“{text}”无法识别，应为 年-月-日"
        raise InvalidInput(message, {"fields": {"day": message}}) from None


def parse_time(text: str) -> time | None:
    try:
        return time.fromisoformat(text.strip()) if text and text.strip() else None
    except ValueError:
        message = f"时间“{text}”无法识别，应为 时:分"
        raise InvalidInput(message, {"fields": {"starts": message}}) from None


def parse_slot(text: str) -> tuple[date, time]:
    """A slot chosen on a page: "YYYY-MM-DDTHH:MM"."""
    day_text, _, time_text = (text or "").partition("T")
    day, starts = parse_day(day_text), parse_time(time_text)
    if day is None or starts is None:
        message = "请选择预约时段"
        raise InvalidInput(message, {"fields": {"slot": message}})
    return day, starts


def offer(hall_code: str, package_id: str, day: date | None) -> Offer:
    """As much of an offer as the choices so far allow: the hall and package first, then
    the days, then the day's free slots."""
    found = Offer(package_id=package_id)
    if not hall_code:
        return found
    found.hall = hall_named(hall_code)
    hours.ensure_slots(found.hall)
    if not package_id:
        return found
    found.package_name = package_name(package_id)
    found.window_type = window_type_for(found.hall, package_id)
    found.days = free_days(found.hall, found.window_type)
    found.day = day if day in found.days else (found.days[0] if found.days else None)
    if found.day is not None:
        found.slots = hours.free_slots(found.hall, found.window_type, found.day)
    return found


def free_days(hall: Hall, kind: WindowType) -> list[date]:
    """The days ahead with a free place of the window type."""
    now = hours.local_now()
    slots = Slot.objects.filter(
        hall=hall, window_type=kind, date__gte=now.date(), date__lt=_horizon(now.date())
    ).values_list("date", "starts", "capacity", "booked")
    return sorted(
        {d for d, s, c, b in slots if b < c and datetime.combine(d, s) > now},
    )


def _horizon(today: date) -> date:
    return today + timedelta(days=hours.DAYS_AHEAD)


WEEKDAYS = "一二三四五六日"


def day_label(day: date) -> str:
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"
