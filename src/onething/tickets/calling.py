"""叫号: a clerk at a window calls the next ticket of the window's type, calls it again
(重呼), passes it over (过号), serves it (开始办理) and finishes it (办结); and what the
hall's display shows. Each action loads, decides (tickets.rules), saves in one
transaction; a refusal writes nothing.

Two clerks calling at once never get the same ticket: the candidate is locked with
SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL (a ticket another caller holds is
skipped), and taken only by a conditional UPDATE (still waiting), which SQLite's write
lock (transactions begin IMMEDIATE) serialises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.utils import timezone

from onething.accounts.models import User
from onething.core.access import may_call_at_hall
from onething.core.errors import Conflict, Forbidden, NotFound
from onething.core.events import CaseAccepted
from onething.hall.models import Hall, ServiceWindow, WindowType
from onething.tickets.models import Ticket
from onething.tickets.rules import (
    ACTION_LABELS,
    Action,
    State,
    move_problem,
    next_state,
    spoken_call,
)

BUSY = (State.CALLED, State.SERVING)
TRIES = 5  # candidates tried before giving up when other callers keep taking them


def window_for(clerk: User, hall: Hall, window_id: int) -> ServiceWindow:
    """One of the hall's active windows, for a clerk of the hall's jurisdiction."""
    if not may_call_at_hall(clerk, hall):
        raise Forbidden(f"只有{hall.name}所在地的窗口工作人员可以在这里叫号")
    window = (
        ServiceWindow.objects.select_related("window_type")
        .filter(hall=hall, pk=window_id, active=True)
        .first()
    )
    if window is None:
        raise NotFound(f"{hall.name}没有这个在用的窗口")
    return window


def queue(window_type: WindowType, day: date, now: datetime) -> QuerySet:
    """The waiting tickets of a window type in calling order (rules.call_key in SQL)."""
    first = Case(When(priority_from__lte=now, then=Value(0)), default=Value(1))
    return (
        Ticket.objects.filter(window_type=window_type, day=day, state=State.WAITING)
        .annotate(rank=first)
        .order_by("rank", "taken_at", "pk")
    )


def call_next(clerk: User, hall: Hall, window_id: int) -> Ticket:
    """叫号: the next waiting ticket of the window's type comes to this window."""
    window = window_for(clerk, hall, window_id)
    now = timezone.now()
    with transaction.atomic():
        # One call at a time per window (a double click, two clerks at one window).
        ServiceWindow.objects.select_for_update().filter(pk=window.pk).first()
        current = current_at(window)
        if current is not None:
            what = "正在办理" if current.state == State.SERVING else "已叫号，尚未开始办理"
            raise Conflict(f"{window.number} 的 {current.number} 号{what}，请先办结或过号")
        for _ in range(TRIES):
            candidate = _candidate(window.window_type, timezone.localdate(now), now)
            if candidate is None:
                raise Conflict(f"{window.window_type.name}现在没有人等候，无号可叫")
            taken = Ticket.objects.filter(pk=candidate, state=State.WAITING).update(
                state=State.CALLED,
                window=window,
                called_by=clerk,
                called_at=now,
                announced_at=now,
                calls=1,
            )
            if taken:
                return Ticket.objects.select_related("window", "window_type").get(pk=candidate)
    raise Conflict("同时叫号的窗口较多，请稍后再叫")


def _candidate(window_type: WindowType, day: date, now: datetime) -> int | None:
    waiting = queue(window_type, day, now)
    if connection.features.has_select_for_update_skip_locked:
        waiting = waiting.select_for_update(skip_locked=True, of=("self",))
    return waiting.values_list("pk", flat=True).first()


def act(clerk: User, public_id, action: str) -> Ticket:
    """重呼, 过号, 开始办理 or 办结 on a ticket called to a window of the clerk's hall."""
    try:
        move = Action(action)
    except ValueError:
        raise NotFound(f"没有这个操作：{action}") from None
    try:
        public_id = UUID(str(public_id))
    except ValueError:
        raise NotFound("没有找到这张排队号") from None
    now = timezone.now()
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("hall", "window", "appointment")
            .filter(public_id=public_id)
            .first()
        )
        if ticket is None:
            raise NotFound("没有找到这张排队号")
        if not may_call_at_hall(clerk, ticket.hall):
            raise Forbidden(f"只有{ticket.hall.name}所在地的窗口工作人员可以{ACTION_LABELS[move]}")
        problem = move_problem(move, State(ticket.state), ticket.number)
        if problem:
            raise Conflict(problem)
        _apply(ticket, move, now)
    return ticket


def _apply(ticket: Ticket, move: Action, now: datetime) -> None:
    ticket.state = next_state(move).value
    fields = ["state"]
    if move == Action.RECALL:
        ticket.calls += 1
        ticket.announced_at = now
        fields += ["calls", "announced_at"]
    elif move == Action.START:
        ticket.served_at = now
        fields.append("served_at")
    else:
        ticket.finished_at = now
        fields.append("finished_at")
    ticket.save(update_fields=fields)
    if move == Action.DONE and ticket.appointment is not None:
        from onething.hall.booking import mark_served

        mark_served(ticket.appointment.code)


def current_at(window: ServiceWindow) -> Ticket | None:
    """Today's ticket called to or served at the window (one left open yesterday does not
    hold the window)."""
    busy = Ticket.objects.filter(window=window, day=timezone.localdate(), state__in=BUSY)
    return busy.select_related("person", "appointment").first()


def link_accepted_case(event: CaseAccepted) -> None:
    """A case the clerk accepts while serving a ticket is that ticket's case."""
    if event.actor_id is None:
        return
    serving = Ticket.objects.filter(
        called_by_id=event.actor_id, state=State.SERVING, case__isnull=True
    ).order_by("-served_at")
    ticket = serving.values_list("pk", flat=True).first()
    if ticket is not None:
        Ticket.objects.filter(pk=ticket).update(case=event.case_id)


# --------------------------------------------------------------------------- the display


@dataclass(frozen=True, slots=True)
class Call:
    key: str  # changes with every recall: the display reads each key aloud once
    number: str
    window: str
    state: str
    spoken: str


@dataclass(frozen=True, slots=True)
class Board:
    hall: Hall
    current: list[Call]  # called or being served now
    recent: list[Call]  # the last calls, newest first
    waiting: list[tuple[str, str, int]]  # (letter, window type, how many wait)


RECENT = 8


def board(hall: Hall) -> Board:
    """What the hall's big screen shows now."""
    today = timezone.localdate()
    calls = (
        Ticket.objects.filter(hall=hall, day=today, announced_at__isnull=False)
        .select_related("window")
        .order_by("-announced_at")
    )
    recent = [_call(t) for t in calls[:RECENT]]
    current = [_call(t) for t in calls.filter(state__in=BUSY)[:RECENT]]
    counts = dict(
        Ticket.objects.filter(hall=hall, day=today, state=State.WAITING)
        .values_list("window_type")
        .annotate(n=Count("pk", output_field=IntegerField()))
        .values_list("window_type", "n")
    )
    waiting = [(t.prefix, t.name, counts.get(t.pk, 0)) for t in hall.window_types.all()]
    return Board(hall, current, recent, waiting)


def _call(ticket: Ticket) -> Call:
    window = ticket.window.number if ticket.window else ""
    return Call(
        key=f"{ticket.pk}-{ticket.calls}",
        number=ticket.number,
        window=window,
        state=ticket.state_label,
        spoken=spoken_call(ticket.number, window),
    )
