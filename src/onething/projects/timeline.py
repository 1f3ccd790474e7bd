"""A plan's timeline (甘特图) as the page draws it: for each step and joint review, a bar
of its planned days and, under it, a bar of its actual ones, in working days from the
plan's start. Pure geometry for an SVG the template writes out: attributes only, no style
(the pages' content security policy allows no inline style)."""

from __future__ import annotations

from dataclasses import dataclass

from onething.projects.plan_progress import PlanFigures

DAY = 16  # px per working day
ROW = 44  # px per node: its name, its planned bar, its actual bar
TOP = 24  # px for the axis of days
MIN_WIDTH = 320


@dataclass(frozen=True, slots=True)
class Bar:
    name: str
    critical: bool
    state: str  # 未开始 / 进行中 / 已完成 / 已延期
    text_y: int
    planned_x: int
    planned_y: int
    planned_width: int
    actual_x: int | None
    actual_y: int
    actual_width: int


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[int, int]]  # (x, working day)
    end_x: int  # the plan's planned end


def _x(day: int) -> int:
    return 4 + max(day, 0) * DAY


def timeline(figures: PlanFigures) -> Chart:
    axis = figures.axis_days
    width = max(MIN_WIDTH, _x(axis) + 24)
    bars = []
    for index, row in enumerate(figures.rows):
        top = TOP + index * ROW
        begin, finish = row.actual_start_day, row.actual_finish_day
        if begin is not None:
            end = finish if finish is not None else axis
            actual_width = max(3, (end - max(begin, 0)) * DAY)
        bars.append(
            Bar(
                name=f"{row.name}（{row.days} 个工作日）",
                critical=row.on_critical_path,
                state=row.state,
                text_y=top + 12,
                planned_x=_x(row.start_day),
                planned_y=top + 16,
                planned_width=max(3, row.days * DAY),
                actual_x=_x(begin) if begin is not None else None,
                actual_y=top + 28,
                actual_width=actual_width if begin is not None else 0,
            )
        )
    step = 5 if axis <= 60 else 20
    ticks = [(_x(day), day) for day in range(0, axis + 1, step)]
    height = TOP + len(bars) * ROW + 8
    return Chart(width, height, bars, ticks, _x(figures.schedule.total_days))
