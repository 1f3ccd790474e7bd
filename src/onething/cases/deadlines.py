"""Deadlines (办理时限) in working days, with clocks that stop (暂停计时).

All counting is in working days of a :class:`~onething.calendar.WorkingCalendar`, the
start day not counted (期间开始之日不计算在内), as ``add_working_days`` does.

**A task's clock.** A task's due date is ``promised_days`` working days after the day it
became workable, not counting the working days it spent paused — waiting for the
applicant's supplement (补正) or in a special procedure (特殊环节: expert review, on-site
inspection, testing, hearing; 行政许可法 Art. 45).

**Which days a pause covers.** A pause from ``start`` to ``end`` covers the working days
``d`` with ``start < d <= end`` — the same convention as the calendar's: the day the
clock stops still counts as a day worked (the reviewer worked that day and asked for the
supplement), the day it restarts does not (the supplement arrived; the remaining days
count from the next day, start day not counted). A pause that starts and ends the same day
covers nothing; a pause still open (``end is None``) runs to ``today``, inclusive.
Overlapping pauses count their shared days once.

**How a pause moves the due date.** Each pause that starts on or before the due date
pushes it back by the working days it covers, so a pause of N working days makes the
due date N working days later. A pause that starts after the due date — the task was
already overdue — does not move it: lateness cannot be cured by asking for a supplement.
When the task's days were used up exactly on the day the clock stopped, it falls due the
day the clock restarts (the next working day if that is a holiday).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from onething.calendar import WorkingCalendar
from onething.cases.lifecycle import TASK_RUNNING, TASK_TERMINAL, CaseState, TaskState

WINDOW_DAYS = 5  # the window decides within 5 working days (行政许可法 Art. 32)
WARNING_DAYS = 2  # warn when this many working days or fewer are left


@dataclass(frozen=True, slots=True)
class Pause:
    """A stopped clock: a supplement (补正) or a special procedure. ``end`` None: still on."""

    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"a pause cannot end ({self.end}) before it starts ({self.start})")


def _spans(pauses: Iterable[Pause], today: date) -> list[tuple[date, date]]:
    """The pauses as ``(start, end]`` spans, open ones ending today, merged and sorted."""
    spans = sorted((p.start, p.end if p.end is not None else today) for p in pauses)
    merged: list[tuple[date, date]] = []
    for start, end in spans:
        if end <= start:  # covers no day (or an open pause that starts after today)
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def paused_working_days(pauses: Iterable[Pause], calendar: WorkingCalendar, today: date) -> int:
    """The working days the pauses cover: those in ``(start, end]``, an open pause's end
    being ``today``; a day covered by two pauses counts once."""
    return sum(calendar.working_days_between(start, end) for start, end in _spans(pauses, today))


def task_due_date(
    workable_on: date,
    promised_days: int,
    pauses: Iterable[Pause],
    calendar: WorkingCalendar,
    today: date,
) -> date:
    """The day a task is due: ``promised_days`` working days after ``workable_on``, later
    by the paused working days of every pause that starts on or before the due date.

    With an open pause the answer is as of ``today`` and moves on each working day.
    """
    if promised_days < 0:
        raise ValueError(f"promised days cannot be negative ({promised_days})")
    cursor, remaining, restarted = workable_on, promised_days, False

    def due() -> date:
        if remaining == 0 and restarted and not calendar.is_working_day(cursor):
            # used up exactly as the clock stopped: due the day it restarts, a working day
            return calendar.add_working_days(cursor, 1)
        return calendar.add_working_days(cursor, remaining)

    for start, end in _spans(pauses, today):
        if end <= cursor:
            continue  # over before the clock started
        if start > due():
            break  # the task was late before this pause (and every later one) started
        worked = calendar.working_days_between(cursor, max(start, cursor))
        remaining = max(0, remaining - worked)  # 0 when it starts on a restart-day due date
        cursor, restarted = end, True
    return due()


# --- deadline states -----------------------------------------------------------------------


class DeadlineState(StrEnum):
    ON_TIME = "on_time"
    WARNING = "warning"  # 预警: few working days left
    OVERDUE = "overdue"  # 超期
    PAUSED = "paused"  # 暂停计时: in 补正 or a special procedure
    DONE = "done"  # finished (办结), late or not


DEADLINE_STATE_LABELS: dict[DeadlineState, str] = {
    DeadlineState.ON_TIME: "正常",
    DeadlineState.WARNING: "预警",
    DeadlineState.OVERDUE: "超期",
    DeadlineState.PAUSED: "暂停计时",
    DeadlineState.DONE: "已办结",
}


def working_days_left(due: date, today: date, calendar: WorkingCalendar) -> int:
    """The working days after ``today`` up to and including ``due`` (0: due today).

    Negative once ``today`` is after ``due``: minus the working days since ``due``, and at
    least -1 (a task due on Friday is one day late on Saturday already).
    """
    if today <= due:
        return calendar.working_days_between(today, due)
    return -max(1, calendar.working_days_between(due, today))


def deadline_state(
    due: date,
    today: date,
    calendar: WorkingCalendar,
    warning_days: int = WARNING_DAYS,
    paused: bool = False,
    finished_on: date | None = None,
) -> DeadlineState:
    """Where a task stands against its due date, the first that holds of: done (finished),
    overdue (``today`` after ``due``), paused (clock stopped), warning (at most
    ``warning_days`` working days left), on time.

    Overdue wins over paused: a pause that starts once a task is late does not stop
    the lateness (see the module's note); a pause that started in time keeps the due
    date ahead of ``today``.
    """
    if finished_on is not None:
        return DeadlineState.DONE
    if today > due:
        return DeadlineState.OVERDUE
    if paused:
        return DeadlineState.PAUSED
    if working_days_left(due, today, calendar) <= warning_days:
        return DeadlineState.WARNING
    return DeadlineState.ON_TIME


def finished_late(due: date, finished_on: date) -> bool:
    """Whether a task finished after its due date."""
    return finished_on > due


# --- the window's five days ----------------------------------------------------------------


def window_deadline(submitted_on: date, calendar: WorkingCalendar, days: int = WINDOW_DAYS) -> date:
    """The last day the window may decide (accept, notify once, refuse) a submission.

    ``submitted_on`` is the day of the latest submission: completing a case after a
    notice (补齐) submits it again and starts the window's days afresh.
    """
    return calendar.add_working_days(submitted_on, days)


def deemed_accepted(
    submitted_on: date, today: date, calendar: WorkingCalendar, days: int = WINDOW_DAYS
) -> bool:
    """Whether a submission still undecided on ``today`` is deemed accepted (视为受理,
    行政许可法 Art. 32): ``today`` is after the window's last day."""
    return today > window_deadline(submitted_on, calendar, days)


def accepted_from(submitted_on: date, decided_on: date, deemed: bool) -> date:
    """The day acceptance counts from, and so every item's clock: the day the window
    decided — or, for an application deemed accepted, the day it was received
    (行政许可法 Art. 32: 逾期不告知的，自收到申请材料之日起即为受理)."""
    return submitted_on if deemed else decided_on


# --- the case's next deadline -------------------------------------------------------------


def next_deadline(
    state: str,
    window_due: date | None,
    due_date: date | None,
    tasks: Iterable[tuple[str, date | None]],
) -> date | None:
    """下一个期限, the date a case must next be acted on by: the window's decision date
    (``window_due``) while it is submitted; while in progress the earliest of the
    package's due date and the due dates of its running items (workable or in review: an
    item whose clock is stopped, or that waits or is finished, does not count); no date
    in any other state. ``tasks`` are the case's tasks as (state, due date).

    Services keep `Case.deadline` with it, so that the overdue list is an index range.
    """
    if state == CaseState.SUBMITTED:
        return window_due
    if state != CaseState.IN_PROGRESS:
        return None
    dates = [due for task_state, due in tasks if due is not None and task_state in TASK_RUNNING]
    if due_date is not None:
        dates.append(due_date)
    return min(dates, default=None)


# --- the case's schedule -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScheduledTask:
    """A task as the schedule needs it.

    ``workable_on`` is required once the task has left ``waiting``, ``finished_on`` once
    it is final (approved, rejected or cancelled).
    """

    item: str
    after: tuple[str, ...]
    promised_days: int
    state: TaskState
    workable_on: date | None = None
    finished_on: date | None = None
    pauses: tuple[Pause, ...] = ()


Basis = Literal["finished", "due", "projected"]


@dataclass(frozen=True, slots=True)
class ScheduledDate:
    """A task's date in the schedule and what it rests on: the day it ``finished``, its
    ``due`` date (it is workable or in hand), or a ``projected`` due date (still waiting)."""

    item: str
    on: date
    basis: Basis


@dataclass(frozen=True, slots=True)
class Schedule:
    """A case's schedule: each task's date in package order, and the case's due date
    (the latest of them; the acceptance day for a case without tasks)."""

    tasks: tuple[ScheduledDate, ...]
    due: date

    @property
    def dates(self) -> Mapping[str, date]:
        return {task.item: task.on for task in self.tasks}


def projected_due_dates(
    tasks: Sequence[ScheduledTask],
    calendar: WorkingCalendar,
    accepted_on: date,
    today: date,
) -> Schedule:
    """The case's schedule with its actual progress.

    A finished task is dated by the day it finished; a workable or running one by its due
    date (:func:`task_due_date`, pauses included); a waiting one by ``promised_days``
    working days after the latest date of its predecessors (``accepted_on`` if it has
    none) — the package's schedule, moved by what really happened.

    Raises ``ValueError`` for a repeated or unknown task name, a cycle, or a missing
    ``workable_on`` / ``finished_on``.
    """
    by_item: dict[str, ScheduledTask] = {}
    for task in tasks:
        if task.item in by_item:
            raise ValueError(f"task '{task.item}' appears twice")
        by_item[task.item] = task
    for task in tasks:
        for predecessor in task.after:
            if predecessor not in by_item:
                raise ValueError(f"task '{task.item}' waits for '{predecessor}', not a task here")
    dated: dict[str, ScheduledDate] = {}
    visiting: set[str] = set()

    def date_of(item: str) -> ScheduledDate:
        if item in dated:
            return dated[item]
        task = by_item[item]
        if item in visiting:
            raise ValueError(f"task '{item}' waits for itself")
        visiting.add(item)
        result: ScheduledDate
        if task.state in TASK_TERMINAL:
            if task.finished_on is None:
                raise ValueError(f"task '{item}' is {task.state} but has no finished_on")
            result = ScheduledDate(item, task.finished_on, "finished")
        elif task.state != TaskState.WAITING:
            if task.workable_on is None:
                raise ValueError(f"task '{item}' is {task.state} but has no workable_on")
            due = task_due_date(task.workable_on, task.promised_days, task.pauses, calendar, today)
            result = ScheduledDate(item, due, "due")
        else:
            start = max((date_of(p).on for p in task.after), default=accepted_on)
            result = ScheduledDate(
                item, calendar.add_working_days(start, task.promised_days), "projected"
            )
        visiting.discard(item)
        dated[item] = result
        return result

    ordered = tuple(date_of(task.item) for task in tasks)
    return Schedule(ordered, max((task.on for task in ordered), default=accepted_on))
