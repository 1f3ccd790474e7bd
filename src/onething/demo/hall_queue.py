"""A hall's day of tickets for the demo (pure, no Django): people arrive, wait for the
first free window of their type and are served for a while, in the order a real queue
calls them — appointment tickets whose slot has begun first (预约优先), then by
arrival. The first window always calls; the others call only while the queue is long
(增开窗口), doing back-office work otherwise. Minutes are counted from midnight."""

from __future__ import annotations

import math
from dataclasses import dataclass

WALK_TO_WINDOW = 1  # minutes from the call to 开始办理
MISSED_AFTER = 2  # minutes a window waits for someone who does not come (过号)
LONG_QUEUE = 3  # people waiting for whom a second window calls too


@dataclass(frozen=True, slots=True)
class Arrival:
    taken: int  # minute the ticket was taken
    service: int  # minutes the window will need (0: the person has left, 过号)
    priority_from: int | None = None  # an appointment's slot start


@dataclass(frozen=True, slots=True)
class Served:
    index: int  # the arrival's position in the list given
    window: int  # 0 … windows - 1
    called: int
    started: int | None  # None: passed over (过号)
    finished: int | None


def _rank(arrival: Arrival, index: int, now: int) -> tuple[int, int, int]:
    first = arrival.priority_from is not None and arrival.priority_from <= now
    return (0 if first else 1, arrival.taken, index)


def serve_queue(arrivals: list[Arrival], windows: int) -> list[Served]:
    """Each window calls the next ticket in calling order as soon as it is free (the
    windows after the first only while LONG_QUEUE or more are waiting)."""
    free_at: list[float] = [0] * max(1, windows)
    waiting = set(range(len(arrivals)))
    served: list[Served] = []
    while waiting:
        window = min(range(len(free_at)), key=lambda w: free_at[w])
        now = int(max(free_at[window], min(arrivals[i].taken for i in waiting)))
        here = [i for i in waiting if arrivals[i].taken <= now]
        if window > 0 and len(here) < LONG_QUEUE:  # look again when someone comes
            later = [arrivals[i].taken for i in waiting if arrivals[i].taken > now]
            free_at[window] = min(later) if later else math.inf
            continue
        index = min(here, key=lambda i: _rank(arrivals[i], i, now))
        waiting.remove(index)
        service = arrivals[index].service
        if service <= 0:
            served.append(Served(index, window, now, None, None))
            free_at[window] = now + MISSED_AFTER
            continue
        started = now + WALK_TO_WINDOW
        served.append(Served(index, window, now, started, started + service))
        free_at[window] = started + service
    return served
