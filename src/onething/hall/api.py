"""The 延伸办 API under /api/v1 (预约办、延时办):

- ``GET /halls``: the halls, their window types and regular hours;
- ``GET /halls/{code}/slots?package_id=…&day=YYYY-MM-DD``: the window type serving the
  package and the free slots of that day (of the first day with any, without ``day``);
- ``POST /appointments``: a citizen books ``{"hall", "package_id", "day", "starts",
  "phone"}`` (201); ``GET /appointments``: one's own (staff: their halls');
- ``GET /appointments/{id}``, ``POST /appointments/{id}/cancel``, ``POST
  /appointments/{id}/move`` ``{"day", "starts"}``;
- ``POST /halls/{code}/phone-appointments``: the hall's staff book for a caller
  ``{"id_number", "package_id", "day", "starts", "phone"}`` (channel phone);
- ``POST /halls/{code}/sessions``: open an extra session (延时办) ``{"date", "starts",
  "ends", "note"}``; ``GET /halls/{code}/sessions``: those ahead.

Refusals are ``{"detail": "…", "fields": {…}}`` with 400, 403, 404 or 409, as elsewhere:
booking in the past or outside hours (400), blocked after no-shows (403), a full slot
(409). The appointment's ``code`` is what its QR code carries.
"""

from __future__ import annotations

from datetime import date, datetime, time
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import BaseModel

from onething.accounts.auth import api_user
from onething.core.access import appointments_visible_to, halls_run_by
from onething.core.errors import NotFound
from onething.hall import after_hours, booking, offers
from onething.hall.models import Appointment, ExtraSession, Hall

router = Router(tags=["延伸办（大厅、预约）"])


class WindowTypeOut(Schema):
    code: str
    name: str
    prefix: str
    package_ids: list[str]


class HoursOut(Schema):
    weekday: int
    opens: str  # HH:MM, local (a JSON "time" would need an offset)
    closes: str


class HallOut(Schema):
    code: str
    name: str
    jurisdiction: str
    address: str
    phone: str
    window_types: list[WindowTypeOut]
    hours: list[HoursOut]


class SlotOut(Schema):
    day: date
    starts: str  # HH:MM, local
    ends: str
    free: int
    extra: bool


class OfferOut(Schema):
    hall: str
    package_id: str
    window_type: WindowTypeOut
    days: list[date]
    day: date | None
    slots: list[SlotOut]


class BookingIn(Schema):
    hall: str
    package_id: str
    day: date
    starts: time
    phone: str = ""


class PhoneBookingIn(BookingIn):
    id_number: str


class MoveIn(Schema):
    day: date
    starts: time


class AppointmentOut(BaseModel):  # built from a dict: no ninja getter (cases/api_schemas.py)
    id: UUID
    code: str
    state: str
    channel: str
    hall: str
    hall_name: str
    window_type: str
    window_name: str
    package_id: str
    package_name: str
    day: date
    starts: str  # HH:MM, local
    ends: str
    phone: str  # masked
    created_at: datetime


class SessionIn(Schema):
    date: date
    starts: time
    ends: time
    note: str = ""


class SessionOut(Schema):
    id: int
    date: date
    starts: str  # HH:MM, local
    ends: str
    note: str


def hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


def local(moment: time) -> time:
    """A time of day as the hall's clocks read it: any offset given is dropped."""
    return moment.replace(tzinfo=None)


def _type_out(kind) -> dict:
    return {
        "code": kind.code,
        "name": kind.name,
        "prefix": kind.prefix,
        "package_ids": list(kind.package_ids or []),
    }


def appointment_out(found: Appointment) -> dict:
    slot = found.slot
    return {
        "id": found.public_id,
        "code": found.code,
        "state": found.state,
        "channel": found.channel,
        "hall": slot.hall.code,
        "hall_name": slot.hall.name,
        "window_type": slot.window_type.code,
        "window_name": slot.window_type.name,
        "package_id": found.package_id,
        "package_name": found.package_name,
        "day": slot.date,
        "starts": hhmm(slot.starts),
        "ends": hhmm(slot.ends),
        "phone": found.masked_phone,
        "created_at": found.created_at,
    }


@router.get("/halls", response=list[HallOut], summary="The halls, window types and hours")
def list_halls(request: HttpRequest):
    return [
        {
            "code": h.code,
            "name": h.name,
            "jurisdiction": h.jurisdiction,
            "address": h.address,
            "phone": h.phone,
            "window_types": [_type_out(t) for t in h.window_types.all()],
            "hours": [
                {"weekday": o.weekday, "opens": hhmm(o.opens), "closes": hhmm(o.closes)}
                for o in h.opening_hours.all()
            ],
        }
        for h in Hall.objects.prefetch_related("window_types", "opening_hours").order_by("code")
    ]


@router.get("/halls/{code}/slots", response=OfferOut, summary="Free slots for a package")
def free_slots(request: HttpRequest, code: str, package_id: str, day: date | None = None):
    found = offers.offer(code, package_id.strip() or "-", day)
    assert found.window_type is not None  # offer() names the window type or refuses
    return {
        "hall": code,
        "package_id": package_id,
        "window_type": _type_out(found.window_type),
        "days": found.days,
        "day": found.day,
        "slots": [
            {
                "day": s.date,
                "starts": hhmm(s.starts),
                "ends": hhmm(s.ends),
                "free": s.free,
                "extra": s.extra,
            }
            for s in found.slots
        ],
    }


def _booking(body: BookingIn) -> booking.Booking:
    return booking.Booking(body.hall, body.package_id, body.day, local(body.starts), body.phone)


@router.post("/appointments", response={201: AppointmentOut}, summary="Book a slot (预约)")
def book(request: HttpRequest, body: BookingIn):
    return Status(201, appointment_out(booking.book(api_user(request), _booking(body))))


@router.get("/appointments", response=list[AppointmentOut], summary="One's appointments")
def list_appointments(request: HttpRequest):
    rows = (
        appointments_visible_to(api_user(request))
        .select_related("slot__hall", "slot__window_type")
        .order_by("-slot__date", "-slot__starts")[:200]
    )
    return [appointment_out(a) for a in rows]


@router.get("/appointments/{appointment_id}", response=AppointmentOut, summary="One appointment")
def get_appointment(request: HttpRequest, appointment_id: UUID):
    return appointment_out(booking.appointment_for(api_user(request), appointment_id))


@router.post("/appointments/{appointment_id}/cancel", response=AppointmentOut, summary="Cancel it")
def cancel(request: HttpRequest, appointment_id: UUID):
    return appointment_out(booking.cancel(api_user(request), appointment_id))


@router.post(
    "/appointments/{appointment_id}/move", response=AppointmentOut, summary="Move it (改约)"
)
def move(request: HttpRequest, appointment_id: UUID, body: MoveIn):
    moved = booking.move(api_user(request), appointment_id, body.day, local(body.starts))
    return appointment_out(moved)


@router.post(
    "/halls/{code}/phone-appointments",
    response={201: AppointmentOut},
    summary="Book for a caller (电话预约)",
)
def book_by_phone(request: HttpRequest, code: str, body: PhoneBookingIn):
    wanted = booking.Booking(code, body.package_id, body.day, local(body.starts), body.phone)
    made = booking.book_by_phone(api_user(request), body.id_number, wanted)
    return Status(201, appointment_out(made))


def _run_hall(request: HttpRequest, code: str) -> Hall:
    hall = halls_run_by(api_user(request)).filter(code=code).first()
    if hall is None:
        raise NotFound("没有找到这个大厅，或它不在您的辖区")
    return hall


def _session_out(session: ExtraSession) -> dict:
    return {
        "id": session.pk,
        "date": session.date,
        "starts": hhmm(session.starts),
        "ends": hhmm(session.ends),
        "note": session.note,
    }


@router.post("/halls/{code}/sessions", response={201: SessionOut}, summary="Open an extra session")
def open_session(request: HttpRequest, code: str, body: SessionIn):
    hall = _run_hall(request, code)
    plan = after_hours.SessionPlan(body.date, local(body.starts), local(body.ends), body.note)
    return Status(201, _session_out(after_hours.open_session(api_user(request), hall, plan)))


@router.get("/halls/{code}/sessions", response=list[SessionOut], summary="Extra sessions ahead")
def list_sessions(request: HttpRequest, code: str):
    hall = _run_hall(request, code)
    ahead = ExtraSession.objects.filter(hall=hall, date__gte=timezone.localdate())
    return [_session_out(s) for s in ahead.order_by("date", "starts")]
