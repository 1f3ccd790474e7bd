"""定制办: a one-off plan (一事一策) for one or more projects, scheduled in working days.

**The plan.** A plan lists *items* (事项, each of one project, handled by one department in
``days`` working days) and *joint reviews* (联合评审: one expert review shared by several
projects). Both are nodes of one dependency graph, named by unique ids:

- an item waits on the nodes in its ``after`` (items or reviews, of any project), and on
  its ``review`` when it names one: the joint review that holds this item's expert
  review (its project must be among the review's projects);
- a joint review waits on the nodes in its ``after``: the items whose results it
  examines.

**The schedule.** Day 0 is the plan's ``start``. A node starts when all it waits on have
finished (day 0 if nothing) and finishes ``days`` working days later; the plan ends when
its last node does (``total_days``). Dates follow the working-day calendar, the start day
not counted (as every deadline here): a node on days ``s → f`` starts on
``add_working_days(start, s)`` and is due on ``add_working_days(start, f)``; its successor
starts that same day. A node's *slack* (total float) is how many working days it may slip
without moving the end; the critical path is one longest chain, every node on it with
slack 0 (a node is ``on_critical_path`` when its slack is 0: it lies on some longest path).

**The standard route** is what the same items cost without the plan: each project's items
one after another, and each project that takes part in a joint review going through a
review of its own, full days (see ``critical_path.standard_route``). It keeps every
dependency, so it is never shorter: ``saved_days = standard_days - total_days >= 0``.

**Planned against actual** (``compare``): each node's state is 未开始, 进行中, 已完成 or
已延期 — late when it finished after its due date, or has not finished and today is after
it — with the working days late counted as the calendar counts (after the due date, up to
and including the finish or today).

Problems (``check``) are in Chinese, each with its path: ``items[road_plan].after[0]:
未知的事项或评审 'x'``; a cycle is named along it, each arrow from a node to one that
waits on it: ``items[a]: 依赖关系成环：a → b → a``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from onething.calendar.rules import WorkingCalendar
from onething.projects import critical_path as cp

State = Literal["未开始", "进行中", "已完成", "已延期"]
NOT_STARTED: State = "未开始"
IN_PROGRESS: State = "进行中"
DONE: State = "已完成"
LATE: State = "已延期"


@dataclass(frozen=True, slots=True)
class PlannedItem:
    id: str
    name: str
    project: str
    department: str
    days: int  # working days, >= 0
    after: tuple[str, ...] = ()  # ids of the items and joint reviews it waits on
    lead: str = ""  # the person who sees it through
    review: str = ""  # id of the joint review that holds its expert review, or ""


@dataclass(frozen=True, slots=True)
class JointReview:
    id: str
    name: str
    days: int  # working days, >= 0
    projects: tuple[str, ...]  # the projects it reviews at once
    after: tuple[str, ...] = ()  # ids of the items (or reviews) it waits on


@dataclass(frozen=True, slots=True)
class Plan:
    items: tuple[PlannedItem, ...]
    reviews: tuple[JointReview, ...]
    start: date


class PlanError(ValueError):
    """A plan that cannot be scheduled; ``problems`` says each thing wrong."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("；".join(self.problems))


@dataclass(frozen=True, slots=True)
class ScheduledNode:
    id: str
    name: str
    kind: Literal["item", "review"]
    projects: tuple[str, ...]  # an item's one project; a review's projects
    days: int
    start_day: int  # working days after the plan's start
    finish_day: int
    start_date: date
    due_date: date
    slack: int  # total float, working days
    on_critical_path: bool  # slack 0: on some longest path


@dataclass(frozen=True, slots=True)
class Schedule:
    start: date
    nodes: Mapping[str, ScheduledNode]  # items then reviews, in the plan's order
    total_days: int
    end_date: date
    critical_path: tuple[str, ...]  # one longest path, first node to last
    standard_days: int  # the standard route (see the module's docstring)
    standard_by_project: Mapping[str, int]  # each project's end on the standard route
    saved_days: int  # standard_days - total_days, >= 0
    saved_share: float  # saved_days / standard_days, 0..1 (0 when standard_days is 0)


@dataclass(frozen=True, slots=True)
class Row:
    """One node, planned against actual."""

    id: str
    name: str
    planned_start: date
    planned_due: date
    actual_start: date | None
    actual_finish: date | None
    state: State
    days_late: int  # working days, 0 unless late
    on_critical_path: bool


# --- the graph and its problems ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Node:
    path: str  # items[id] or reviews[id]
    id: str
    name: str
    kind: Literal["item", "review"]
    days: int
    projects: tuple[str, ...]
    after: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Graph:
    nodes: list[_Node]
    preds: list[list[int]]
    succs: list[list[int]]
    order: list[int]  # topological; shorter than nodes when there is a cycle
    problems: list[str]


def _nodes(plan: Plan) -> list[_Node]:
    def path(kind: str, position: int, id_: str) -> str:
        return f"{kind}[{id_ or f'#{position}'}]"

    items = [
        _Node(path("items", n, i.id), i.id, i.name, "item", i.days, (i.project,), i.after)
        for n, i in enumerate(plan.items)
    ]
    reviews = [
        _Node(path("reviews", n, r.id), r.id, r.name, "review", r.days, r.projects, r.after)
        for n, r in enumerate(plan.reviews)
    ]
    return items + reviews


def _node_problems(nodes: Sequence[_Node]) -> Iterable[str]:
    seen: set[str] = set()
    for node in nodes:
        if not node.id:
            yield f"{node.path}.id: 编号不能为空"
        elif node.id in seen:
            yield f"{node.path}.id: 编号 '{node.id}' 重复"
        seen.add(node.id)
        if node.days < 0:
            yield f"{node.path}.days: 办理天数不能为负数（{node.days}）"


def _project_problems(plan: Plan) -> Iterable[str]:
    projects = {item.project for item in plan.items}
    reviews = {review.id: review for review in plan.reviews}
    for item in plan.items:
        where = f"items[{item.id}]"
        if not item.project:
            yield f"{where}.project: 项目不能为空"
        if item.review and item.review not in reviews:
            yield f"{where}.review: 未知的联合评审 '{item.review}'"
        elif item.review and item.project not in reviews[item.review].projects:
            yield f"{where}.review: 联合评审 '{item.review}' 不含项目 '{item.project}'"
    for review in plan.reviews:
        if not review.projects:
            yield f"reviews[{review.id}].projects: 联合评审至少涉及一个项目"
        for n, project in enumerate(review.projects):
            if project not in projects:
                yield f"reviews[{review.id}].projects[{n}]: 计划中没有项目 '{project}'"
            elif project in review.projects[:n]:
                yield f"reviews[{review.id}].projects[{n}]: 项目 '{project}' 重复"


def _edges(plan: Plan, nodes: Sequence[_Node]) -> tuple[list[list[int]], list[str]]:
    index: dict[str, int] = {}
    for n, node in enumerate(nodes):
        index.setdefault(node.id, n)
    problems: list[str] = []
    preds: list[list[int]] = []
    reviews = {review.id for review in plan.reviews}
    for n, node in enumerate(nodes):
        before: list[int] = []
        for k, ref in enumerate(node.after):
            if ref not in index:
                problems.append(f"{node.path}.after[{k}]: 未知的事项或评审 '{ref}'")
            elif index[ref] in before:
                problems.append(f"{node.path}.after[{k}]: 重复的依赖 '{ref}'")
            else:
                before.append(index[ref])
        review = plan.items[n].review if node.kind == "item" else ""
        if review in reviews and index[review] not in before:
            before.append(index[review])
        preds.append(before)
    return preds, problems


def _graph(plan: Plan) -> _Graph:
    nodes = _nodes(plan)
    problems = [*_node_problems(nodes), *_project_problems(plan)]
    preds, reference_problems = _edges(plan, nodes)
    problems += reference_problems
    succs = cp.successors(preds)
    order = cp.topological_order(preds, succs)
    if len(order) < len(nodes):
        left = sorted(set(range(len(nodes))) - set(order))
        for cycle in cp.cycles(succs, left):
            named = " → ".join(nodes[n].id for n in cycle)
            problems.append(f"{nodes[cycle[0]].path}: 依赖关系成环：{named}")
    return _Graph(nodes, preds, succs, order, problems)


def check(plan: Plan) -> list[str]:
    """Every problem of the plan, in Chinese, each with its path; [] when it can be
    scheduled."""
    return _graph(plan).problems


# --- the schedule ------------------------------------------------------------------------


def schedule(plan: Plan, calendar: WorkingCalendar) -> Schedule:
    """The plan's schedule: days, dates, slack, critical path, the standard route.

    Raises :class:`PlanError` with every problem ``check`` finds.
    """
    graph = _graph(plan)
    if graph.problems:
        raise PlanError(graph.problems)
    nodes = graph.nodes
    days = [node.days for node in nodes]
    start, finish = cp.earliest(graph.order, graph.preds, days)
    total = max(finish, default=0)
    latest = cp.latest_finish(graph.order, graph.succs, days, total)
    by_project = cp.standard_route(graph.preds, days, [node.projects for node in nodes])
    standard = max(by_project.values(), default=0)
    dates = {day: calendar.add_working_days(plan.start, day) for day in {*start, *finish, total}}
    scheduled = {
        node.id: ScheduledNode(
            id=node.id,
            name=node.name,
            kind=node.kind,
            projects=node.projects,
            days=node.days,
            start_day=start[n],
            finish_day=finish[n],
            start_date=dates[start[n]],
            due_date=dates[finish[n]],
            slack=latest[n] - finish[n],
            on_critical_path=latest[n] == finish[n],
        )
        for n, node in enumerate(nodes)
    }
    return Schedule(
        start=plan.start,
        nodes=scheduled,
        total_days=total,
        end_date=dates[total],
        critical_path=tuple(nodes[n].id for n in cp.longest_path(graph.preds, start, finish)),
        standard_days=standard,
        standard_by_project=by_project,
        saved_days=standard - total,
        saved_share=(standard - total) / standard if standard else 0.0,
    )


# --- planned against actual --------------------------------------------------------------


def compare(
    planned: Schedule,
    actual: Mapping[str, tuple[date | None, date | None]],
    today: date,
    calendar: WorkingCalendar,
) -> list[Row]:
    """Each node of the schedule, in its order, with its actual (start, finish) — a node
    missing from ``actual`` has neither — and its state on ``today``.

    Raises ValueError for an id the schedule does not have and a finish before its start.
    """
    problems = [
        f"actual[{key}]: 未知的事项或评审 '{key}'" for key in actual if key not in planned.nodes
    ]
    problems += [
        f"actual[{key}]: 完成日期 {finish} 早于开始日期 {begin}"
        for key, (begin, finish) in actual.items()
        if begin is not None and finish is not None and finish < begin
    ]
    if problems:
        raise ValueError("；".join(problems))
    rows = []
    for node in planned.nodes.values():
        begin, finish = actual.get(node.id, (None, None))
        state, late = _state(node.due_date, begin, finish, today, calendar)
        rows.append(
            Row(
                id=node.id,
                name=node.name,
                planned_start=node.start_date,
                planned_due=node.due_date,
                actual_start=begin,
                actual_finish=finish,
                state=state,
                days_late=late,
                on_critical_path=node.on_critical_path,
            )
        )
    return rows


def _state(
    due: date, begin: date | None, finish: date | None, today: date, calendar: WorkingCalendar
) -> tuple[State, int]:
    end = finish if finish is not None else today
    if end > due:
        return LATE, calendar.working_days_between(due, end)
    if finish is not None:
        return DONE, 0
    return (IN_PROGRESS if begin is not None else NOT_STARTED), 0
