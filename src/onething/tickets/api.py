"""取号叫号 API under /api/v1 (the same services as the pages):

- ``POST /halls/{code}/tickets``: take a ticket, ``{"way": "appointment"|"id_number"|
  "walk_in", "code", "id_number", "window_type", "point": "kiosk"|"desk"|"api"}`` → 201;
- ``GET /halls/{code}/tickets``: today's tickets of a hall (its clerks and staff);
- ``GET /tickets/{id}``: a ticket with the people ahead of it;
- ``POST /halls/{code}/windows/{window_id}/call``: 叫号, the next ticket to this window
  (409 when no one waits);
- ``POST /tickets/{id}/{action}``: recall (重呼), missed (过号), start (开始办理), done (办结);
- ``GET /halls/{code}/display``: what the hall's display shows.

Refusals are ``{"detail": "…"}`` with 400, 403, 404 or 409, as elsewhere.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from onething.accounts.auth import api_user
from onething.core.access import tickets_visible_to
from onething.core.errors import NotFound
from onething.tickets import calling, services
from onething.tickets.models import Ticket

router = Router(tags=["取号叫号"])


class TicketIn(Schema):
    way: str
    code: str = ""
    id_number: str = ""
    window_type: str = ""
    point: str = Ticket.API


class TicketOut(Schema):
    id: UUID
    hall: str
    number: str
    window_type: str
    window_type_name: str
    source: str
    state: str
    id_number_masked: str
    appointment_code: str | None
    taken_at: datetime
    called_at: datetime | None
    window: str | None
    served_at: datetime | None
    finished_at: datetime | None
    case_id: int | None
    people_ahead: int


class CallOut(Schema):
    number: str
    window: str
    state: str
    spoken: str


class WaitingOut(Schema):
    prefix: str
    window_type: str
    waiting: int


class BoardOut(Schema):
    hall: str
    current: list[CallOut]
    recent: list[CallOut]
    waiting: list[WaitingOut]


def ticket_out(ticket: Ticket) -> dict:
    return {
        "id": ticket.public_id,
        "hall": ticket.hall.code,
        "number": ticket.number,
        "window_type": ticket.window_type.code,
        "window_type_name": ticket.window_type.name,
        "source": ticket.source,
        "state": ticket.state,
        "id_number_masked": ticket.masked_id_number,
        "appointment_code": ticket.appointment.code if ticket.appointment else None,
        "taken_at": ticket.taken_at,
        "called_at": ticket.called_at,
        "window": ticket.window.number if ticket.window else None,
        "served_at": ticket.served_at,
        "finished_at": ticket.finished_at,
        "case_id": ticket.case,
        "people_ahead": services.ahead_of(ticket),
    }


def _visible(request: HttpRequest, public_id: UUID) -> Ticket:
    ticket = tickets_visible_to(api_user(request)).filter(public_id=public_id).first()
    if ticket is None:
        raise NotFound("没有找到这张排队号")
    return services.ticket_by_id(public_id)


@router.post("/halls/{code}/tickets", response={201: TicketOut})
def take_ticket(request: HttpRequest, code: str, body: TicketIn):
    asked = services.TicketRequest(**body.dict())
    ticket = services.take_ticket(api_user(request), code, asked)
    return Status(201, ticket_out(services.ticket_by_id(ticket.public_id)))


@router.get("/halls/{code}/tickets", response=list[TicketOut])
def hall_tickets(request: HttpRequest, code: str):
    hall = services.hall_by_code(code)
    rows = (
        tickets_visible_to(api_user(request))
        .filter(hall=hall, day=timezone.localdate())
        .select_related("hall", "window_type", "window", "appointment")
        .order_by("taken_at")
    )
    return [ticket_out(t) for t in rows[:500]]


@router.get("/tickets/{public_id}", response=TicketOut)
def ticket(request: HttpRequest, public_id: UUID):
    return ticket_out(_visible(request, public_id))


@router.post("/halls/{code}/windows/{window_id}/call", response={201: TicketOut})
def call(request: HttpRequest, code: str, window_id: int):
    hall = services.hall_by_code(code)
    called = calling.call_next(api_user(request), hall, window_id)
    return Status(201, ticket_out(services.ticket_by_id(called.public_id)))


@router.post("/tickets/{public_id}/{action}", response=TicketOut)
def act(request: HttpRequest, public_id: UUID, action: str):
    ticket = calling.act(api_user(request), public_id, action)
    return ticket_out(services.ticket_by_id(ticket.public_id))


@router.get("/halls/{code}/display", response=BoardOut)
def display(request: HttpRequest, code: str):
    board = calling.board(services.hall_by_code(code))
    return {
        "hall": board.hall.code,
        "current": [vars_of(c) for c in board.current],
        "recent": [vars_of(c) for c in board.recent],
        "waiting": [
            {"prefix": p, "window_type": name, "waiting": n} for p, name, n in board.waiting
        ],
    }


def vars_of(call: calling.Call) -> dict:
    return {
        "number": call.number,
        "window": call.window,
        "state": call.state,
        "spoken": call.spoken,
    }
