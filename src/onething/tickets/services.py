"""取号: taking a ticket at a hall — by appointment code (the QR carries it), by ID number
or as a walk-in — at the kiosk, the front desk or through the API. Each taking loads,
decides and saves in one transaction; a refusal writes nothing. Calling tickets to a
window is in `calling.py`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from onething.accounts.models import User
from onething.core.access import may_call_at_hall
from onething.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onething.hall.models import Appointment, Hall, WindowType
from onething.intake.validation import check_value
from onething.privacy.crypto import lookup_digest
from onething.tickets.models import Ticket, TicketCounter
from onething.tickets.rules import (
    Source,
    State,
    Waiting,
    code_from_scan,
    people_ahead,
    ticket_number,
)

WAYS = {"appointment": Source.APPOINTMENT, "id_number": Source.ID_NUMBER, "walk_in": Source.WALK_IN}


@dataclass(frozen=True, slots=True)
class TicketRequest:
    """How a person takes a ticket: `way` is appointment, id_number or walk_in."""

    way: str
    code: str = ""  # the appointment's code (预约码), scanned from its QR or typed
    id_number: str = ""
    window_type: str = ""  # the window type's code or letter (walk-ins, ID numbers)
    point: str = Ticket.KIOSK  # kiosk, desk or api


@dataclass(frozen=True, slots=True)
class _IdCardField:
    """The one form's 身份证号码 field, for the form's own check (GB 11643)."""

    type: str = "id_card"
    max_length: int = 18


def hall_by_code(code: str) -> Hall:
    hall = Hall.objects.filter(code=code).first()
    if hall is None:
        raise NotFound(f"没有代码为 {code} 的政务服务大厅")
    return hall


def take_ticket(actor: User | None, hall_code: str, asked: TicketRequest) -> Ticket:
    """A new ticket for today, numbered in its window type's sequence (A001, A002 …)."""
    hall = hall_by_code(hall_code)
    if asked.point not in (Ticket.KIOSK, Ticket.DESK, Ticket.API):
        raise InvalidInput("取号地点应为 kiosk、desk 或 api")
    staffed = asked.point != Ticket.KIOSK
    if staffed and not may_call_at_hall(actor, hall):
        raise Forbidden(f"只有{hall.name}所在地的窗口工作人员可以在前台代为取号")
    source = WAYS.get(asked.way)
    if source is None:
        raise InvalidInput(
            "取号方式应为 appointment（预约码）、id_number（身份证）或 walk_in（现场）"
        )
    now = timezone.now()
    with transaction.atomic():
        ticket = Ticket(
            hall=hall,
            day=timezone.localdate(now),
            source=source.value,
            point=asked.point,
            taken_by=actor if staffed else None,
            taken_at=now,
        )
        if source == Source.APPOINTMENT:
            _for_appointment(ticket, _appointment(hall, asked.code, ticket.day))
        elif source == Source.ID_NUMBER:
            _for_id_number(ticket, asked)
        else:
            ticket.window_type = _window_type(hall, asked.window_type)
        sequence = _next_sequence(hall, ticket.window_type, ticket.day)
        ticket.number = ticket_number(ticket.window_type.prefix, sequence)
        ticket.save()
        if ticket.appointment is not None:
            _mark_arrived(ticket.appointment)
    return ticket


def _window_type(hall: Hall, asked: str) -> WindowType:
    key = asked.strip()
    if not key:
        raise InvalidInput("请选择要办理的业务（窗口类型）", {"fields": {"window_type": "必填"}})
    found = WindowType.objects.filter(hall=hall).filter(Q(code=key) | Q(prefix=key.upper()))
    window_type = found.first()
    if window_type is None:
        message = f"{hall.name}没有这类窗口：{key}"
        raise InvalidInput(message, {"fields": {"window_type": message}})
    return window_type


def _appointment(hall: Hall, code: str, today: date) -> Appointment:
    """Today's appointment at this hall, not yet used: the checks name what is wrong."""
    key = code.strip()
    if not key:
        raise InvalidInput("请扫描或输入预约码", {"fields": {"code": "必填"}})
    found = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot", "slot__hall", "slot__window_type")
        .filter(code=code_from_scan(key))
        .first()
    )
    if found is None:
        raise NotFound(f"没有找到预约码 {key} 的预约，请核对后重新输入")
    slot = found.slot
    if slot.hall_id != hall.pk:
        raise InvalidInput(f"这是{slot.hall.name}的预约，不是{hall.name}的，请到预约的大厅取号")
    if slot.date != today:
        when = "已过期" if slot.date < today else "还没到预约日期"
        raise InvalidInput(f"这是 {slot.date:%Y-%m-%d} 的预约，{when}，今天不能凭它取号")
    if found.state in (Appointment.CANCELLED, Appointment.NO_SHOW, Appointment.SERVED):
        raise Conflict(f"这个预约{found.get_state_display()}，不能凭它取号")
    used = Ticket.objects.filter(appointment=found).exclude(state=State.MISSED).first()
    if used is not None:
        raise Conflict(f"这个预约已经取过号：{used.number}，请留意叫号")
    return found


def _for_appointment(ticket: Ticket, appointment: Appointment) -> None:
    slot = appointment.slot
    ticket.appointment = appointment
    ticket.window_type = slot.window_type
    ticket.person = appointment.applicant
    starts = datetime.combine(slot.date, slot.starts)
    ticket.priority_from = timezone.make_aware(starts, timezone.get_current_timezone())


def _for_id_number(ticket: Ticket, asked: TicketRequest) -> None:
    """By ID number: the person's appointment for today here if they have one (then the
    ticket is theirs with its priority), otherwise a ticket for the window type chosen."""
    problem, number = check_value(_IdCardField(), asked.id_number.strip(), ticket.day)
    if not asked.id_number.strip():
        problem = "必填"
    if problem:
        message = f"身份证号码：{problem}"
        raise InvalidInput(message, {"fields": {"id_number": message}})
    ticket.id_number = number
    ticket.person = User.objects.filter(id_number_digest=lookup_digest(number)).first()
    if ticket.person is not None:
        booked = (
            Appointment.objects.filter(
                applicant=ticket.person,
                state=Appointment.BOOKED,
                slot__hall=ticket.hall,
                slot__date=ticket.day,
            )
            .exclude(tickets__state__in=[s.value for s in State if s != State.MISSED])
            .order_by("slot__starts")
            .first()
        )
        if booked is not None:
            _for_appointment(ticket, _appointment(ticket.hall, booked.code, ticket.day))
            return
    ticket.window_type = _window_type(ticket.hall, asked.window_type)


def _next_sequence(hall: Hall, window_type: WindowType, day: date) -> int:
    """Raise the day's counter of the window type by one, in the caller's transaction: the
    conditional UPDATE holds the row until commit, so no two takers share a number."""
    counter = TicketCounter.objects.filter(window_type=window_type, day=day)
    if not counter.update(last=F("last") + 1):
        try:
            with transaction.atomic():
                TicketCounter.objects.create(hall=hall, window_type=window_type, day=day, last=1)
            return 1
        except IntegrityError:  # another taker created it meanwhile
            counter.update(last=F("last") + 1)
    return counter.values_list("last", flat=True).get()


def _mark_arrived(appointment: Appointment) -> None:
    """到场: recorded by the hall's own service (it checks the appointment again)."""
    from onething.hall.booking import mark_arrived

    if appointment.state == Appointment.BOOKED:  # again after 过号: arrived already
        mark_arrived(appointment.code)


# --------------------------------------------------------------------------- the slip


def waiting_of(window_type_id: int, day: date) -> list[Waiting]:
    rows = Ticket.objects.filter(
        window_type_id=window_type_id, day=day, state=State.WAITING
    ).values_list("pk", "taken_at", "priority_from")
    return [Waiting(pk, taken, first) for pk, taken, first in rows]


def ahead_of(ticket: Ticket, now: datetime | None = None) -> int:
    """People ahead: waiting tickets of its window type that would be called before it."""
    if ticket.state != State.WAITING:
        return 0
    others = waiting_of(ticket.window_type_id, ticket.day)
    mine = Waiting(ticket.pk, ticket.taken_at, ticket.priority_from)
    return people_ahead(mine, others, now or timezone.now())


def ticket_by_id(public_id) -> Ticket:
    try:
        public_id = UUID(str(public_id))
    except ValueError:
        raise NotFound("没有找到这张排队号") from None
    ticket = (
        Ticket.objects.select_related("hall", "window_type", "window", "appointment")
        .filter(public_id=public_id)
        .first()
    )
    if ticket is None:
        raise NotFound("没有找到这张排队号")
    return ticket
