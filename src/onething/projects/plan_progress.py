"""定制办 in progress: a saved plan as the pure core sees it, its schedule on the working-day
calendar, and each step and review planned against actual — a step's actual start is its
task becoming workable, its finish the day it was approved; a joint review is begun when
what it examines is done and finished on the day the coordinator records its conclusion
(see ``actual_dates``; plan_holds.py holds the steps that wait on it until then)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from onething.calendar.loaded import current_calendar
from onething.cases.base import local_today
from onething.cases.lifecycle import TaskState
from onething.cases.models import Case, Task
from onething.projects import planning
from onething.projects.models import CustomPlan, PlanProject


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One step or joint review: what the plan page and the API show."""

    key: str
    name: str
    kind: str  # item or review
    projects: list[str]
    days: int
    after: list[str]
    lead: str
    planned_start: date
    planned_due: date
    actual_start: date | None
    actual_finish: date | None
    state: str
    days_late: int
    slack: int
    on_critical_path: bool
    start_day: int
    finish_day: int
    actual_start_day: int | None
    actual_finish_day: int | None
    held_by: list[str]  # begun while these predecessors of other projects are unfinished
    waiting_for: str  # what outside its case the step's item is held for (plan_holds.py)
    outcome: str  # a joint review's conclusion, once recorded

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__slots__}  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class PlanFigures:
    schedule: planning.Schedule
    rows: list[PlanRow]
    projects: list[tuple[PlanProject, Case | None]]
    axis_days: int  # the timeline's length: the plan's end, or the latest actual day


def pure_plan_of(plan: CustomPlan) -> planning.Plan:
    steps = plan.steps.select_related("plan_project").order_by("position")
    items = tuple(
        planning.PlannedItem(
            id=s.key,
            name=s.item_name,
            project=s.plan_project.key,
            department=s.department,
            days=s.days,
            after=tuple(s.after),
            lead=s.lead_name,
            review=s.review_key,
        )
        for s in steps
    )
    joint = tuple(
        planning.JointReview(r.key, r.name, r.days, tuple(r.projects), tuple(r.after))
        for r in plan.reviews.order_by("position")
    )
    return planning.Plan(items, joint, plan.start)


def schedule_of(plan: CustomPlan) -> planning.Schedule:
    return planning.schedule(pure_plan_of(plan), current_calendar())


def actual_dates(plan: CustomPlan) -> dict[str, tuple[date | None, date | None]]:
    """Each step's (actual start, finish) from its project's case: workable, approved;
    each joint review's from the day the coordinator recorded it held, begun when what it
    examines was done (the plan's start when it examines nothing, once the plan runs)."""
    actual: dict[str, tuple[date | None, date | None]] = {}
    for step in plan.steps.select_related("plan_project__project__case"):
        project = step.plan_project.project
        case = project.case if project else None
        task = case.tasks.filter(item_id=step.item_id).first() if case else None
        if task is None:
            continue
        finish = task.finished_on if task.state == TaskState.APPROVED else None
        begin = task.workable_on
        if begin is not None and finish is not None and finish < begin:
            begin = finish
        actual[step.key] = (begin, finish)
    running = plan.state != CustomPlan.DRAFT
    for review in plan.reviews.all():
        before = [actual.get(key, (None, None))[1] for key in review.after]
        begun = max(before, default=plan.start if running else None) if None not in before else None
        if review.finished_on is not None:
            begun = min(begun or review.finished_on, review.finished_on)
        if begun is not None or review.finished_on is not None:
            actual[review.key] = (begun, review.finished_on)
    return actual


def planned_against_actual(plan: CustomPlan, today: date | None = None) -> list[planning.Row]:
    return planning.compare(
        schedule_of(plan), actual_dates(plan), today or local_today(), current_calendar()
    )


def plan_figures(plan: CustomPlan, today: date | None = None) -> PlanFigures:
    """The schedule and every node planned against actual, with the working days from the
    plan's start that a timeline draws them at."""
    calendar = current_calendar()
    schedule = schedule_of(plan)
    compared = {
        row.id: row
        for row in planning.compare(schedule, actual_dates(plan), today or local_today(), calendar)
    }
    steps = {s.key: s for s in plan.steps.select_related("plan_project__project")}
    reviews = {r.key: r for r in plan.reviews.all()}

    rows = [
        _row(node, compared[node.id], steps.get(node.id) or reviews[node.id], plan, calendar)
        for node in schedule.nodes.values()
    ]
    links = plan.plan_projects.select_related("project__case").order_by("position")
    projects = [(link, link.project.case if link.project else None) for link in links]
    rows = _held(rows, _waiting_for(plan, steps))
    ends = [r.actual_finish_day or r.actual_start_day or 0 for r in rows]
    return PlanFigures(schedule, rows, projects, max([schedule.total_days, *ends, 1]))


def _day(plan: CustomPlan, when: date | None, calendar) -> int | None:
    """Working days from the plan's start (negative before it)."""
    if when is None:
        return None
    if when < plan.start:
        return -calendar.working_days_between(when, plan.start)
    return calendar.working_days_between(plan.start, when)


def _row(node: planning.ScheduledNode, row: planning.Row, source, plan, calendar) -> PlanRow:
    return PlanRow(
        key=node.id,
        name=node.name,
        kind=node.kind,
        projects=list(node.projects),
        days=node.days,
        after=[*source.after, *filter(None, [getattr(source, "review_key", "")])],
        lead=getattr(source, "lead_name", ""),
        planned_start=node.start_date,
        planned_due=node.due_date,
        actual_start=row.actual_start,
        actual_finish=row.actual_finish,
        state=row.state,
        days_late=row.days_late,
        slack=node.slack,
        on_critical_path=node.on_critical_path,
        start_day=node.start_day,
        finish_day=node.finish_day,
        actual_start_day=_day(plan, row.actual_start, calendar),
        actual_finish_day=_day(plan, row.actual_finish, calendar),
        held_by=[],
        waiting_for="",
        outcome=getattr(source, "outcome", ""),
    )


def _waiting_for(plan: CustomPlan, steps) -> dict[str, str]:
    """Each held step's reason, read from its task (one query)."""
    held = Task.objects.filter(case__project__plan_link__plan=plan).exclude(held_for="")
    reasons = {(t.case_id, t.item_id): t.held_for for t in held.only("case", "item_id", "held_for")}
    return {
        step.key: reasons[(step.plan_project.project.case_id, step.item_id)]
        for step in steps.values()
        if step.plan_project.project
        and (step.plan_project.project.case_id, step.item_id) in reasons
    }


def _held(rows: list[PlanRow], waiting: dict[str, str]) -> list[PlanRow]:
    """Mark each begun step whose predecessors of another project (or joint reviews) are
    not finished: the case engine orders a case's own items only, so the plan's page
    tells the step's lead to hold it until they are."""
    by_key = {row.key: row for row in rows}
    marked = []
    for row in rows:
        held = [
            key
            for key in row.after
            if key in by_key
            and by_key[key].projects != row.projects
            and by_key[key].actual_finish is None
        ]
        unfinished = row.actual_start is not None and row.actual_finish is None
        marked.append(
            replace(row, held_by=held if unfinished else [], waiting_for=waiting.get(row.key, ""))
        )
    return marked
