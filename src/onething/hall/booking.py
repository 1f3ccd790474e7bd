"""预约办: booking a place in a slot, cancelling and moving it, and the hall marking an
appointment arrived or served.

Each function loads, decides (hall.rules), saves and records in one transaction; a
refusal is an `onething.core.errors` value and writes nothing. The last place in a slot
goes to exactly one of two simultaneous bookers: the place is taken by a conditional
UPDATE (``booked < capacity``) whose row count says who won, on SQLite and PostgreSQL.

For the tickets app (取号): ``mark_arrived(appointment_code)`` when a ticket is taken
with an appointment's QR code (the code it carries), ``mark_served(appointment_code)``
when the clerk has served it. Both answer the appointment, or refuse with NotFound (no
such code), InvalidInput (not today's) or Conflict (cancelled, no-show, already used).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from onething.accounts.models import User
from onething.cases.base import notify_users
from onething.catalog.services import current_catalog
from onething.core.access import appointments_visible_to, may_run_hall
from onething.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onething.core.prepared import PreparedQuery
from onething.core.roles import Role
from onething.hall import rules
from onething.hall.hours import local_now
from onething.hall.models import Appointment, BookingBlock, Hall, Slot, WindowType
from onething.privacy.crypto import lookup_digest

BOOKED_KIND = "appointment_booked"


@dataclass(frozen=True, slots=True)
class Booking:
    """What a booker chooses: the hall, the 一件事, the day and the slot's start."""

    hall: str  # the hall's code
    package_id: str
    day: date
    starts: time
    phone: str = ""


def package_name(package_id: str) -> str:
    current = current_catalog()
    package = current.catalog.packages.get(package_id) if current else None
    if package is None:
        message = f"没有编号为 {package_id} 的一件事"
        raise InvalidInput(message, {"fields": {"package_id": message}})
    return package.name


def hall_named(code: str) -> Hall:
    hall = Hall.objects.filter(code=code).first()
    if hall is None:
        message = f"没有代码为 {code} 的政务服务大厅"
        raise NotFound(message, {"fields": {"hall": message}})
    return hall


def window_type_for(hall: Hall, package_id: str) -> WindowType:
    """The window type of the hall that serves the package (one named for it first)."""
    return _serving(list(WindowType.objects.filter(hall=hall).order_by("prefix")), hall, package_id)


def _serving(types: list[WindowType], hall: Hall, package_id: str) -> WindowType:
    serving = [rules.TypeServes(t.code, tuple(t.package_ids or ())) for t in types]
    code = rules.window_type_for(package_id, serving)
    if code is None:
        message = f"{hall.name}没有办理该一件事的窗口"
        raise InvalidInput(message, {"fields": {"package_id": message}})
    return next(t for t in types if t.code == code)


# A booking's reads by ids and codes, compiled once (core/prepared.py): a morning's rush
# books hundreds a second, and the query compiler cost more than these small indexed
# reads.
_types_at = PreparedQuery(
    lambda hall_code: (
        WindowType.objects.filter(hall__code=hall_code).select_related("hall").order_by("prefix")
    )
)
_slot_at = PreparedQuery(
    lambda kind_id, day, starts: Slot.objects.filter(
        window_type_id=kind_id, date=day, starts=starts
    ).select_related("hall", "window_type")
)
_blocks_of = PreparedQuery(lambda person_id: BookingBlock.objects.filter(person_id=person_id))
_booked_by = PreparedQuery(
    lambda person_id, slot_id, state: Appointment.objects.filter(
        applicant_id=person_id, slot_id=slot_id, state=state
    ).only("id")
)


def _type_at(hall_code: str, package_id: str) -> WindowType:
    """The serving window type, its hall with it, in one query (booking's hot path)."""
    types = _types_at.all(hall_code)
    hall = types[0].hall if types else hall_named(hall_code)
    return _serving(types, hall, package_id)


def blocked_until(person: User) -> datetime | None:
    """Until when online booking is blocked after no-shows (the latest block), or None."""
    now = timezone.now()
    return max((b.until for b in _blocks_of.all(person.pk) if b.until > now), default=None)


def _slot_for(hall: Hall, kind: WindowType, day: date, starts: time) -> Slot:
    slot = _slot_at.first(kind.pk, day, starts)
    if slot is None:
        message = (
            f"{day:%Y-%m-%d} {starts:%H:%M} 不在{hall.name}{kind.name}的办公时间内"
            "（或尚未开放预约），请选择列出的时段"
        )
        raise InvalidInput(message, {"fields": {"starts": message}})
    return slot


def _check(slot: Slot, person: User, online: bool) -> None:
    until = blocked_until(person)
    local_until = timezone.localtime(until).replace(tzinfo=None) if until else None
    problem = rules.booking_problem(
        slot.date, slot.starts, local_now(), slot.free, local_until, online
    )
    if problem:
        error = {rules.BLOCKED: Forbidden, rules.FULL: Conflict}.get(problem.kind, InvalidInput)
        raise error(problem.message, {"fields": {"starts": problem.message}})


def _take_place(slot: Slot) -> None:
    """Take one place by a conditional UPDATE: exactly one of two bookers of the last
    place wins; the other is refused (Conflict)."""
    taken = Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1)
    if taken != 1:
        message = f"{slot.date:%Y-%m-%d} {slot.starts:%H:%M} 的时段刚刚约满，请选择其他时段"
        raise Conflict(message, {"fields": {"starts": message}})


def _release_place(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def _book(person: User, booking: Booking, channel: str, booked_by: User | None) -> Appointment:
    problem = rules.phone_problem(booking.phone)
    if problem:
        raise InvalidInput(problem, {"fields": {"phone": problem}})
    name = package_name(booking.package_id)
    kind = _type_at(booking.hall, booking.package_id)
    for _attempt in range(3):
        try:
            return _take(person, booking, kind, name, channel, booked_by)
        except IntegrityError:  # the same code drawn twice (1 in 2^50): all again
            continue
    raise Conflict("预约码生成失败，请重试")


def _take(person, booking: Booking, kind: WindowType, name: str, channel, booked_by):
    with transaction.atomic():
        slot = _slot_for(kind.hall, kind, booking.day, booking.starts)
        _check(slot, person, online=channel == Appointment.WEB)
        if _booked_by.first(person.pk, slot.pk, Appointment.BOOKED) is not None:
            raise Conflict("您已预约了这个时段，不必重复预约")
        _take_place(slot)
        return Appointment.objects.create(
            slot=slot,
            package_id=booking.package_id,
            package_name=name,
            applicant=person,
            phone=booking.phone.strip().replace(" ", "") or person.phone,
            code=rules.new_code(),
            channel=channel,
            booked_by=booked_by,
        )


def book(actor: User, booking: Booking) -> Appointment:
    """A citizen books a place online (channel web)."""
    if actor.role != Role.APPLICANT:
        raise Forbidden("网上预约供申请人（本人账号）使用")
    return _book(actor, booking, Appointment.WEB, None)


def caller_by_id_number(id_number: str) -> User:
    number = id_number.strip()
    person = (
        User.objects.filter(role=Role.APPLICANT, id_number_digest=lookup_digest(number)).first()
        if number
        else None
    )
    if person is None:
        message = "没有这个身份证号码的申请人账号，请核对后再试"
        raise NotFound(message, {"fields": {"id_number": message}})
    return person


def book_by_phone(clerk: User, id_number: str, booking: Booking) -> Appointment:
    """A clerk books for a caller (channel phone), at a hall they run."""
    hall = hall_named(booking.hall)
    if not may_run_hall(clerk, hall):
        raise Forbidden(f"只有{hall.name}的工作人员可以代为电话预约")
    with transaction.atomic():
        made = _book(caller_by_id_number(id_number), booking, Appointment.PHONE, clerk)
        slot = made.slot
        notify_users(
            [made.applicant_id],
            BOOKED_KIND,
            f"电话预约成功：{slot.date:%m月%d日} {slot.starts:%H:%M} {hall.name}",
            f"已为您预约 {slot.date:%Y年%m月%d日} {slot.starts:%H:%M}–{slot.ends:%H:%M} 在"
            f"{hall.name}{slot.window_type.name}办理“{made.package_name}”，预约码 {made.code}。"
            "可在“我的预约”查看二维码、改约或取消。",
        )
        return made


def appointment_for(actor: User, public_id) -> Appointment:
    found = (
        appointments_visible_to(actor)
        .select_related("slot__hall", "slot__window_type")
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise NotFound("没有找到这个预约")
    return found


def _changeable(actor: User, appointment: Appointment) -> Appointment:
    locked = (
        Appointment.objects.select_for_update()
        .select_related("slot__hall", "slot__window_type")
        .get(pk=appointment.pk)
    )
    if locked.state != Appointment.BOOKED:
        raise Conflict(f"这个预约{locked.get_state_display()}，不能再取消或改约")
    if datetime.combine(locked.slot.date, locked.slot.starts) <= local_now():
        raise Conflict("预约的时段已经开始，不能再取消或改约")
    return locked


def cancel(actor: User, public_id) -> Appointment:
    """The booker (or the hall's staff) cancels: the place is free again."""
    appointment = appointment_for(actor, public_id)
    with transaction.atomic():
        locked = _changeable(actor, appointment)
        _release_place(locked.slot_id)
        locked.state = Appointment.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["state", "cancelled_at"])
        return locked


def move(actor: User, public_id, day: date, starts: time) -> Appointment:
    """Move to another free slot of the same hall and window type, in one transaction:
    the new place is taken before the old one is given back."""
    appointment = appointment_for(actor, public_id)
    with transaction.atomic():
        locked = _changeable(actor, appointment)
        old = locked.slot
        slot = _slot_for(old.hall, old.window_type, day, starts)
        if slot.pk == old.pk:
            raise InvalidInput("新时段与原时段相同，请选择其他时段")
        _check(slot, locked.applicant, online=locked.channel == Appointment.WEB)
        _take_place(slot)
        _release_place(old.pk)
        locked.slot = slot
        locked.reminded_at = None
        locked.save(update_fields=["slot", "reminded_at"])
        return locked


def _by_code(code: str) -> Appointment:
    found = (
        Appointment.objects.select_for_update()
        .select_related("slot__hall", "slot__window_type")
        .filter(code=code.strip().upper())
        .first()
    )
    if found is None:
        raise NotFound("没有这个预约码的预约")
    return found


def mark_arrived(appointment_code: str) -> Appointment:
    """The person came on the day (a ticket taken with the appointment's QR)."""
    with transaction.atomic():
        found = _by_code(appointment_code)
        if found.state != Appointment.BOOKED:
            raise Conflict(f"这个预约{found.get_state_display()}，不能再取号")
        today = timezone.localdate()
        if found.slot.date != today:
            raise InvalidInput(f"这个预约在 {found.slot.date:%Y-%m-%d}，不是今天")
        found.state = Appointment.ARRIVED
        found.arrived_at = timezone.now()
        found.save(update_fields=["state", "arrived_at"])
        return found


def mark_served(appointment_code: str) -> Appointment:
    """The window has served the person who arrived."""
    with transaction.atomic():
        found = _by_code(appointment_code)
        if found.state != Appointment.ARRIVED:
            raise Conflict(f"这个预约{found.get_state_display()}，不能记为已办理")
        found.state = Appointment.SERVED
        found.save(update_fields=["state"])
        return found


def my_appointments(person: User):
    return (
        appointments_visible_to(person)
        .filter(applicant=person)
        .select_related("slot__hall", "slot__window_type")
        .order_by("-slot__date", "-slot__starts")
    )
