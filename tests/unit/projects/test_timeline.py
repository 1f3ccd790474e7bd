"""The plan timeline's geometry: a bar a node at its planned working days, an actual bar
under it from its start to its finish (or to the axis' end while open), ticks along the
axis; and the compose form's lists of keys."""

from __future__ import annotations

from datetime import date

from onething.calendar import WorkingCalendar
from onething.projects.plan_form import keys_of
from onething.projects.plan_progress import PlanFigures, PlanRow
from onething.projects.planning import JointReview, Plan, PlannedItem, schedule
from onething.projects.timeline import DAY, ROW, TOP, timeline

START = date(2026, 3, 2)


def row(key: str, days: int, start: int, begun: int | None, done: int | None) -> PlanRow:
    return PlanRow(
        key=key,
        name=key,
        kind="item",
        projects=["p"],
        days=days,
        after=[],
        lead="",
        planned_start=START,
        planned_due=START,
        actual_start=None,
        actual_finish=None,
        state="进行中",
        days_late=0,
        slack=0,
        on_critical_path=True,
        start_day=start,
        finish_day=start + days,
        actual_start_day=begun,
        actual_finish_day=done,
        held_by=[],
        waiting_for="",
        outcome="",
    )


def figures(rows: list[PlanRow], axis: int) -> PlanFigures:
    plan = Plan((PlannedItem("a", "a", "p", "d", 10),), (JointReview("j", "j", 0, ("p",)),), START)
    return PlanFigures(schedule(plan, WorkingCalendar()), rows, [], axis)


def test_bars_sit_at_their_working_days() -> None:
    chart = timeline(figures([row("a", 10, 0, 0, 12), row("b", 0, 10, None, None)], 12))
    first, second = chart.bars
    assert (first.planned_x, first.planned_width) == (4, 10 * DAY)
    assert (first.actual_x, first.actual_width) == (4, 12 * DAY)
    assert second.planned_x == 4 + 10 * DAY and second.planned_width == 3  # 0 days: a sliver
    assert second.actual_x is None
    assert second.text_y == TOP + ROW + 12 and chart.height == TOP + 2 * ROW + 8
    assert chart.ticks[0] == (4, 0) and chart.ticks[-1] == (4 + 10 * DAY, 10)
    assert chart.end_x == 4 + 10 * DAY and chart.width >= 320


def test_an_open_step_runs_to_the_axis_end() -> None:
    chart = timeline(figures([row("a", 5, 2, 3, None)], 20))
    assert chart.bars[0].actual_x == 4 + 3 * DAY and chart.bars[0].actual_width == 17 * DAY


def test_keys_are_split_on_commas_and_spaces() -> None:
    assert keys_of(" s1, s2、s3，j1  s4 ") == ["s1", "s2", "s3", "j1", "s4"]
    assert keys_of("") == []
