"""取号叫号 rules (pure, no Django): ticket numbers, the order tickets are called in, the
moves a ticket may make, what the display reads aloud, and the figures' statistics.

A ticket waits, is called to a window (叫号), may be called again (重呼), is then served
(开始办理) and finished (办结), or is passed over when the person does not come (过号).
Within a window type, appointment tickets whose slot has begun go first (预约优先), then
every other ticket by the time it was taken.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

NUMBER_DIGITS = 3  # A001 … A999, then A1000: numbers never wrap within a day


class State(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    MISSED = "missed"


STATE_LABELS = {
    State.WAITING: "等候中",
    State.CALLED: "已叫号",
    State.SERVING: "办理中",
    State.DONE: "已办结",
    State.MISSED: "已过号",
}


class Source(StrEnum):
    APPOINTMENT = "appointment"
    ID_NUMBER = "id_number"
    WALK_IN = "walk_in"


SOURCE_LABELS = {
    Source.APPOINTMENT: "预约取号",
    Source.ID_NUMBER: "身份证取号",
    Source.WALK_IN: "现场取号",
}


class Action(StrEnum):
    RECALL = "recall"  # 重呼
    MISSED = "missed"  # 过号
    START = "start"  # 开始办理
    DONE = "done"  # 办结


ACTION_LABELS = {
    Action.RECALL: "重呼",
    Action.MISSED: "过号",
    Action.START: "开始办理",
    Action.DONE: "办结",
}

# action: (the states it may be taken from, the state it leads to)
MOVES: dict[Action, tuple[frozenset[State], State]] = {
    Action.RECALL: (frozenset({State.CALLED}), State.CALLED),
    Action.MISSED: (frozenset({State.CALLED}), State.MISSED),
    Action.START: (frozenset({State.CALLED}), State.SERVING),
    Action.DONE: (frozenset({State.SERVING}), State.DONE),
}


def ticket_number(prefix: str, sequence: int) -> str:
    """The number shown and called: the window type's letter and the day's sequence,
    three digits at least (A001, A012, B120)."""
    if sequence < 1:
        raise ValueError("ticket sequences start at 1")
    return f"{prefix}{sequence:0{NUMBER_DIGITS}d}"


def code_from_scan(text: str) -> str:
    """An appointment code as typed or scanned: upper case, spaces and dashes dropped; a
    scanner that reads an address (…/K7P2Q9 or …?code=K7P2Q9) gives its last word."""
    words = re.findall(r"[0-9A-Za-z]+", text)
    if "/" in text or "=" in text:
        words = words[-1:]
    return "".join(words).upper()


def move_problem(action: Action, state: State, number: str) -> str | None:
    """Why `action` may not be taken on a ticket in `state` (None: it may)."""
    allowed, _ = MOVES[action]
    if state in allowed:
        return None
    label = ACTION_LABELS[action]
    return f"{number} 号{STATE_LABELS[state]}，不能{label}"


def next_state(action: Action) -> State:
    return MOVES[action][1]


@dataclass(frozen=True, slots=True)
class Waiting:
    """A waiting ticket as the calling order sees it."""

    id: int
    taken_at: datetime
    priority_from: datetime | None = None  # an appointment's slot start; None: walk-in


def call_key(ticket: Waiting, now: datetime) -> tuple[int, datetime, int]:
    """Sort key of the calling order: appointments whose slot has begun, then by taking."""
    first = ticket.priority_from is not None and ticket.priority_from <= now
    return (0 if first else 1, ticket.taken_at, ticket.id)


def calling_order(tickets: Iterable[Waiting], now: datetime) -> list[Waiting]:
    return sorted(tickets, key=lambda t: call_key(t, now))


def people_ahead(ticket: Waiting, others: Iterable[Waiting], now: datetime) -> int:
    """How many waiting tickets of the same window type would be called before it now."""
    mine = call_key(ticket, now)
    return sum(1 for other in others if other.id != ticket.id and call_key(other, now) < mine)


def spoken_call(number: str, window: str) -> str:
    """What the display reads aloud: 请 A012 号到 3号窗口办理."""
    place = window if window.endswith("窗口") else f"{window}号窗口"
    return f"请 {number} 号到 {place}办理"


# --------------------------------------------------------------------------- figures


def average(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile (p90: share 0.9): the smallest value that at least
    `share` of the values do not exceed."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]
