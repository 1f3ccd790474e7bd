"""Working-day clocks with pauses, deadline states, the window's five days, the schedule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from onething.calendar import WorkingCalendar
from onething.cases.deadlines import (
    DEADLINE_STATE_LABELS,
    DeadlineState,
    Pause,
    ScheduledTask,
    deadline_state,
    deemed_accepted,
    finished_late,
    next_deadline,
    paused_working_days,
    projected_due_dates,
    task_due_date,
    window_deadline,
    working_days_left,
)
from onething.cases.lifecycle import TASK_RUNNING, CaseState, TaskState

CALENDAR = WorkingCalendar()
D = DeadlineState
T = TaskState

MON = date(2026, 11, 2)  # an ordinary week: Mon 2 – Fri 6, Mon 9 – Fri 13, Mon 16 …


def due(workable_on: date, days: int, *pauses: Pause, today: date = date(2027, 1, 1)) -> date:
    return task_due_date(workable_on, days, pauses, CALENDAR, today)


# --- due dates -------------------------------------------------------------------------------


def test_the_start_day_does_not_count() -> None:
    assert due(date(2026, 11, 20), 1) == date(2026, 11, 23)  # Friday + 1 → Monday
    assert due(MON, 5) == date(2026, 11, 9)
    assert due(MON, 0) == MON  # an instant item is due the day it becomes workable


def test_national_day_week_does_not_count() -> None:
    # 2026: October 1–7 off, Saturday October 10 a make-up working day
    assert due(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert due(date(2026, 9, 29), 3) == date(2026, 10, 9)
    assert due(date(2026, 9, 30), 3) == date(2026, 10, 10)


def test_a_supplement_of_n_working_days_shifts_the_due_date_by_n() -> None:
    # asked on Wednesday 4, supplied on Friday 6: Thursday and Friday are paused
    pause = Pause(date(2026, 11, 4), date(2026, 11, 6))
    assert paused_working_days([pause], CALENDAR, date(2027, 1, 1)) == 2
    assert due(MON, 5, pause) == CALENDAR.add_working_days(date(2026, 11, 9), 2)
    assert due(MON, 5, pause) == date(2026, 11, 11)
    # over a weekend: Thursday 5 to Tuesday 10 pauses Fri, Mon, Tue
    pause = Pause(date(2026, 11, 5), date(2026, 11, 10))
    assert paused_working_days([pause], CALENDAR, date(2027, 1, 1)) == 3
    assert due(MON, 5, pause) == date(2026, 11, 12)


def test_a_pause_over_national_day_counts_working_days_only() -> None:
    pause = Pause(date(2026, 9, 30), date(2026, 10, 9))  # paused: October 8 and 9
    assert paused_working_days([pause], CALENDAR, date(2027, 1, 1)) == 2
    # Sep 29 and 30 count, Oct 8 and 9 are paused, the make-up Saturday Oct 10 is the third day
    assert due(date(2026, 9, 28), 3) == date(2026, 10, 8)
    assert due(date(2026, 9, 28), 3, pause) == date(2026, 10, 10)


def test_a_pause_that_starts_and_ends_the_same_day_covers_nothing() -> None:
    pause = Pause(date(2026, 11, 4), date(2026, 11, 4))
    assert paused_working_days([pause], CALENDAR, date(2027, 1, 1)) == 0
    assert due(MON, 5, pause) == date(2026, 11, 9)


def test_an_open_pause_runs_to_today() -> None:
    pause = Pause(date(2026, 11, 4))
    assert paused_working_days([pause], CALENDAR, date(2026, 11, 4)) == 0
    assert paused_working_days([pause], CALENDAR, date(2026, 11, 6)) == 2
    assert paused_working_days([pause], CALENDAR, date(2026, 11, 8)) == 2  # Sunday
    assert paused_working_days([pause], CALENDAR, date(2026, 11, 10)) == 4
    # 2 days used before the pause, 3 left after today
    assert due(MON, 5, pause, today=date(2026, 11, 6)) == date(2026, 11, 11)
    assert due(MON, 5, pause, today=date(2026, 11, 10)) == date(2026, 11, 13)
    # an open pause that starts after today has no days yet
    assert paused_working_days([Pause(date(2026, 11, 20))], CALENDAR, date(2026, 11, 10)) == 0


def test_overlapping_pauses_count_their_days_once() -> None:
    pauses = [
        Pause(date(2026, 11, 3), date(2026, 11, 5)),
        Pause(date(2026, 11, 4), date(2026, 11, 6)),
    ]
    assert paused_working_days(pauses, CALENDAR, date(2027, 1, 1)) == 3  # Wed, Thu, Fri
    assert due(MON, 5, *pauses) == date(2026, 11, 12)
    # two pauses one after the other add up
    pauses = [
        Pause(date(2026, 11, 3), date(2026, 11, 4)),
        Pause(date(2026, 11, 5), date(2026, 11, 6)),
    ]
    assert paused_working_days(pauses, CALENDAR, date(2027, 1, 1)) == 2
    assert due(MON, 5, *pauses) == date(2026, 11, 11)


def test_a_pause_after_the_due_date_does_not_cure_lateness() -> None:
    # due Monday 9; a supplement asked on Tuesday 10 moves nothing
    assert due(MON, 5, Pause(date(2026, 11, 10), date(2026, 11, 13))) == date(2026, 11, 9)
    assert due(MON, 5, Pause(date(2026, 11, 10)), today=date(2026, 11, 20)) == date(2026, 11, 9)


def test_a_pause_on_the_due_date_itself_still_counts() -> None:
    # the last day is used asking for the supplement; due again the day it arrives
    assert due(MON, 5, Pause(date(2026, 11, 9), date(2026, 11, 11))) == date(2026, 11, 11)
    # arriving on Saturday 14, it is due the next working day, Monday 16
    assert due(MON, 5, Pause(date(2026, 11, 9), date(2026, 11, 14))) == date(2026, 11, 16)
    # an instant item paused the day it became workable
    assert due(MON, 0, Pause(MON, date(2026, 11, 4))) == date(2026, 11, 4)


def test_a_pause_before_the_task_became_workable_is_ignored() -> None:
    assert due(MON, 5, Pause(date(2026, 10, 26), date(2026, 10, 30))) == date(2026, 11, 9)
    # one straddling the start counts its days after the start only
    assert due(MON, 5, Pause(date(2026, 10, 30), date(2026, 11, 3))) == date(2026, 11, 10)


def test_bad_pauses_and_days_are_refused() -> None:
    with pytest.raises(ValueError, match=r"a pause cannot end \(2026-11-03\) before it starts"):
        Pause(date(2026, 11, 4), date(2026, 11, 3))
    with pytest.raises(ValueError, match="promised days cannot be negative"):
        due(MON, -1)


# --- states ----------------------------------------------------------------------------------


def test_deadline_states() -> None:
    wed = date(2026, 11, 11)
    assert deadline_state(wed, date(2026, 11, 6), CALENDAR) == D.ON_TIME  # 3 days left
    assert deadline_state(wed, date(2026, 11, 7), CALENDAR) == D.ON_TIME  # Saturday: still 3
    assert deadline_state(wed, date(2026, 11, 9), CALENDAR) == D.WARNING  # 2 days left
    assert deadline_state(wed, wed, CALENDAR) == D.WARNING  # due today
    assert deadline_state(wed, date(2026, 11, 12), CALENDAR) == D.OVERDUE
    assert deadline_state(wed, date(2026, 11, 6), CALENDAR, paused=True) == D.PAUSED
    assert deadline_state(wed, date(2026, 11, 12), CALENDAR, paused=True) == D.OVERDUE
    assert (
        deadline_state(wed, date(2026, 11, 20), CALENDAR, finished_on=date(2026, 11, 19)) == D.DONE
    )
    assert deadline_state(wed, date(2026, 11, 10), CALENDAR, warning_days=0) == D.ON_TIME
    assert deadline_state(wed, wed, CALENDAR, warning_days=0) == D.WARNING
    assert deadline_state(wed, date(2026, 11, 4), CALENDAR, warning_days=5) == D.WARNING


def test_working_days_left() -> None:
    fri = date(2026, 11, 13)
    assert working_days_left(fri, date(2026, 11, 9), CALENDAR) == 4
    assert working_days_left(fri, fri, CALENDAR) == 0
    assert working_days_left(fri, date(2026, 11, 14), CALENDAR) == -1  # Saturday: late already
    assert working_days_left(fri, date(2026, 11, 16), CALENDAR) == -1
    assert working_days_left(fri, date(2026, 11, 17), CALENDAR) == -2
    # over the national day week
    assert working_days_left(date(2026, 10, 8), date(2026, 9, 30), CALENDAR) == 1


def test_finished_late() -> None:
    assert not finished_late(date(2026, 11, 11), date(2026, 11, 11))
    assert finished_late(date(2026, 11, 11), date(2026, 11, 12))


def test_labels() -> None:
    assert DEADLINE_STATE_LABELS == {
        D.ON_TIME: "正常",
        D.WARNING: "预警",
        D.OVERDUE: "超期",
        D.PAUSED: "暂停计时",
        D.DONE: "已办结",
    }


# --- the window's five working days ----------------------------------------------------------


def test_window_deadline_and_deemed_acceptance() -> None:
    assert window_deadline(MON, CALENDAR) == date(2026, 11, 9)
    assert not deemed_accepted(MON, date(2026, 11, 9), CALENDAR)
    assert deemed_accepted(MON, date(2026, 11, 10), CALENDAR)
    # submitted Monday September 28: 29, 30, then October 8, 9 and the make-up Saturday 10
    assert window_deadline(date(2026, 9, 28), CALENDAR) == date(2026, 10, 10)
    assert not deemed_accepted(date(2026, 9, 28), date(2026, 10, 10), CALENDAR)
    assert deemed_accepted(date(2026, 9, 28), date(2026, 10, 11), CALENDAR)
    # submitted on a Saturday: five working days from Monday on
    assert window_deadline(date(2026, 11, 21), CALENDAR) == date(2026, 11, 27)
    assert window_deadline(MON, CALENDAR, days=1) == date(2026, 11, 3)


# --- the case's schedule ---------------------------------------------------------------------

#   licence(5) ─┬─ drugs(10) ─┬─ sign(2)       devices(15)
#               └─ food(3) ───┘
PHARMACY = [
    ("licence", (), 5),
    ("drugs", ("licence",), 10),
    ("food", ("licence",), 3),
    ("devices", (), 15),
    ("sign", ("drugs", "food"), 2),
]


def test_the_schedule_at_acceptance_is_the_package_schedule() -> None:
    tasks = [
        ScheduledTask(item, after, days, T.WAITING if after else T.WORKABLE, None if after else MON)
        for item, after, days in PHARMACY
    ]
    schedule = projected_due_dates(tasks, CALENDAR, MON, MON)
    assert schedule.dates == {
        "licence": date(2026, 11, 9),
        "drugs": date(2026, 11, 23),
        "food": date(2026, 11, 12),
        "devices": date(2026, 11, 23),
        "sign": date(2026, 11, 25),
    }
    assert [task.basis for task in schedule.tasks] == [
        "due",
        "projected",
        "projected",
        "due",
        "projected",
    ]
    # the guide's parallel days for this graph: 5 + 10 + 2 = 17
    assert schedule.due == CALENDAR.add_working_days(MON, 17) == date(2026, 11, 25)


def test_the_schedule_follows_actual_progress() -> None:
    tasks = [
        ScheduledTask("licence", (), 5, T.APPROVED, MON, date(2026, 11, 4)),  # two days early
        ScheduledTask("drugs", ("licence",), 10, T.IN_REVIEW, date(2026, 11, 4)),
        ScheduledTask(
            "food",
            ("licence",),
            3,
            T.SUPPLEMENT,
            date(2026, 11, 4),
            pauses=(Pause(date(2026, 11, 5)),),  # open since Thursday
        ),
        ScheduledTask("devices", (), 15, T.APPROVED, MON, date(2026, 11, 20)),
        ScheduledTask("sign", ("drugs", "food"), 2, T.WAITING),
    ]
    schedule = projected_due_dates(tasks, CALENDAR, MON, date(2026, 11, 18))
    assert schedule.dates["licence"] == date(2026, 11, 4)
    assert schedule.dates["drugs"] == date(2026, 11, 18)
    # food: 1 day used, paused Nov 6 … 18 (9 working days), 2 left → Nov 20
    assert schedule.dates["food"] == date(2026, 11, 20)
    assert schedule.dates["devices"] == date(2026, 11, 20)
    assert schedule.dates["sign"] == date(2026, 11, 24)
    assert schedule.due == date(2026, 11, 24)
    assert [task.basis for task in schedule.tasks] == [
        "finished",
        "due",
        "due",
        "finished",
        "projected",
    ]


def test_a_case_without_tasks_is_due_when_accepted() -> None:
    assert projected_due_dates([], CALENDAR, MON, MON).due == MON


def test_bad_schedules_are_refused() -> None:
    with pytest.raises(ValueError, match="task 'a' is approved but has no finished_on"):
        projected_due_dates([ScheduledTask("a", (), 1, T.APPROVED)], CALENDAR, MON, MON)
    with pytest.raises(ValueError, match="task 'a' is in_review but has no workable_on"):
        projected_due_dates([ScheduledTask("a", (), 1, T.IN_REVIEW)], CALENDAR, MON, MON)
    with pytest.raises(ValueError, match="task 'a' waits for 'x', not a task here"):
        projected_due_dates([ScheduledTask("a", ("x",), 1, T.WAITING)], CALENDAR, MON, MON)
    with pytest.raises(ValueError, match="task 'a' appears twice"):
        projected_due_dates(
            [ScheduledTask("a", (), 1, T.WAITING), ScheduledTask("a", (), 1, T.WAITING)],
            CALENDAR,
            MON,
            MON,
        )
    with pytest.raises(ValueError, match="waits for itself"):
        projected_due_dates(
            [ScheduledTask("a", ("b",), 1, T.WAITING), ScheduledTask("b", ("a",), 1, T.WAITING)],
            CALENDAR,
            MON,
            MON,
        )


# --- properties ------------------------------------------------------------------------------

workable_days = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 6, 30))
promised = st.integers(min_value=0, max_value=40)


@st.composite
def pauses_after(draw, workable_on: date) -> list[Pause]:
    result = []
    for _ in range(draw(st.integers(0, 3))):
        start = workable_on + timedelta(days=draw(st.integers(-5, 60)))
        if draw(st.booleans()):
            result.append(Pause(start))
        else:
            result.append(Pause(start, start + timedelta(days=draw(st.integers(0, 30)))))
    return result


@st.composite
def clocks(draw) -> tuple[date, int, list[Pause], date]:
    workable_on = draw(workable_days)
    return (
        workable_on,
        draw(promised),
        draw(pauses_after(workable_on)),
        workable_on + timedelta(days=draw(st.integers(0, 90))),
    )


@settings(max_examples=200, deadline=None)
@given(clocks(), st.data())
def test_pauses_never_make_the_due_date_earlier(clock, data) -> None:
    workable_on, days, pauses, today = clock
    with_pauses = task_due_date(workable_on, days, pauses, CALENDAR, today)
    assert with_pauses >= task_due_date(workable_on, days, [], CALENDAR, today)
    # nor does one pause more
    extra = data.draw(pauses_after(workable_on))
    assert task_due_date(workable_on, days, pauses + extra, CALENDAR, today) >= with_pauses


@settings(max_examples=200, deadline=None)
@given(clocks(), st.integers(min_value=0, max_value=10))
def test_the_due_date_is_after_workable_and_more_days_are_never_earlier(clock, more) -> None:
    workable_on, days, pauses, today = clock
    result = task_due_date(workable_on, days, pauses, CALENDAR, today)
    assert result >= workable_on
    assert task_due_date(workable_on, days + more, pauses, CALENDAR, today) >= result


@settings(max_examples=200, deadline=None)
@given(workable_days, st.integers(1, 30), st.integers(0, 40), st.integers(0, 20))
def test_one_pause_in_time_shifts_by_its_working_days(workable_on, days, offset, length) -> None:
    base = task_due_date(workable_on, days, [], CALENDAR, workable_on)
    pause = Pause(
        workable_on + timedelta(days=offset), workable_on + timedelta(days=offset + length)
    )
    today = date(2030, 1, 1)
    shifted = task_due_date(workable_on, days, [pause], CALENDAR, today)
    if pause.start < base:
        n = paused_working_days([pause], CALENDAR, today)
        assert shifted == CALENDAR.add_working_days(base, n)
    elif pause.start > base:
        assert shifted == base


@settings(max_examples=100, deadline=None)
@given(clocks())
def test_paused_days_are_the_working_days_of_the_union(clock) -> None:
    _, _, pauses, today = clock
    covered = set()
    for pause in pauses:
        end = pause.end if pause.end is not None else today
        day = pause.start + timedelta(days=1)
        while day <= end:
            if CALENDAR.is_working_day(day):
                covered.add(day)
            day += timedelta(days=1)
    assert paused_working_days(pauses, CALENDAR, today) == len(covered)


# --- the next deadline (下一个期限) -------------------------------------------------------------

C = CaseState


def test_the_next_deadline_by_state() -> None:
    window, due, early, late = MON, date(2026, 12, 1), date(2026, 11, 20), date(2026, 12, 9)
    tasks = [("workable", late), ("in_review", early), ("supplement", date(2026, 11, 3))]
    assert next_deadline(C.SUBMITTED, window, due, tasks) == window
    # the earliest of the package's date and a running item's own; a paused one waits
    assert next_deadline(C.IN_PROGRESS, window, due, tasks) == early
    assert next_deadline(C.IN_PROGRESS, window, due, [("workable", late)]) == due
    assert next_deadline(C.IN_PROGRESS, None, None, [("waiting", None), ("approved", MON)]) is None
    assert next_deadline(C.IN_PROGRESS, None, None, [("workable", late)]) == late
    for state in (C.DRAFT, C.AWAITING_COMPLETION, C.READY, C.COMPLETED, C.REFUSED, C.WITHDRAWN):
        assert next_deadline(state, window, due, tasks) is None


dates = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))
task_rows = st.lists(st.tuples(st.sampled_from([s.value for s in T]), st.none() | dates))


@settings(max_examples=300)
@given(st.sampled_from([s.value for s in C]), st.none() | dates, st.none() | dates, task_rows)
def test_the_next_deadline_follows_its_definition(state, window_due, due_date, tasks) -> None:
    result = next_deadline(state, window_due, due_date, tasks)
    if state == C.SUBMITTED:
        assert result == window_due
    elif state != C.IN_PROGRESS:
        assert result is None
    else:
        running = [d for s, d in tasks if s in TASK_RUNNING and d is not None]
        if due_date is not None:
            assert result is not None and result <= due_date  # never after the package's
        assert all(result is not None and result <= d for d in running)
        assert result is None or result == due_date or result in running
        # an item whose clock is stopped, that waits or is finished, moves nothing
        idle = [(s, d) for s, d in tasks if s not in TASK_RUNNING]
        assert next_deadline(state, window_due, due_date, idle) == due_date


@settings(max_examples=300)
@given(st.none() | dates, task_rows, st.data())
def test_a_later_item_date_never_makes_the_next_deadline_earlier(due_date, tasks, data) -> None:
    before = next_deadline(C.IN_PROGRESS, None, due_date, tasks)
    if not tasks:
        return
    index = data.draw(st.integers(0, len(tasks) - 1))
    state, moved = tasks[index]
    later = data.draw(st.integers(0, 400))
    tasks = list(tasks)
    tasks[index] = (state, None if moved is None else moved + timedelta(days=later))
    after = next_deadline(C.IN_PROGRESS, None, due_date, tasks)
    if moved is not None:
        assert before is None or (after is not None and after >= before)
