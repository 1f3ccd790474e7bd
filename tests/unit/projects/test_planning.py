"""定制办 plans: schedule, critical path, the standard route, problems, planned against actual."""

from __future__ import annotations

import random
from datetime import date
from itertools import pairwise

import pytest
from hypothesis import given, settings, strategies as st

from onething.calendar import WorkingCalendar
from onething.projects.planning import (
    DONE,
    IN_PROGRESS,
    LATE,
    NOT_STARTED,
    JointReview,
    Plan,
    PlanError,
    PlannedItem,
    check,
    compare,
    schedule,
)

CALENDAR = WorkingCalendar()

# Monday 2026-09-28: 9-29 and 9-30 are working days, 10-01 – 10-07 国庆节, Saturday 10-10
# a make-up working day (调休), then ordinary weeks.
START = date(2026, 9, 28)


def item(id_: str, project: str, days: int, *after: str, review: str = "") -> PlannedItem:
    return PlannedItem(id_, id_, project, "部门", days, after, review=review)


def two_projects() -> Plan:
    """A charging station and a road rebuilt together, with one joint expert review."""
    road, station = "道路改造", "充电站"
    return Plan(
        items=(
            PlannedItem("road_filing", "企业投资项目备案", road, "发展改革局", 2),
            PlannedItem("road_land", "用地预审与选址", road, "自然资源局", 3, ("road_filing",)),
            PlannedItem("road_plan", "建设工程规划许可", road, "自然资源局", 5, review="joint"),
            PlannedItem("road_permit", "施工许可", road, "住房城乡建设局", 3, ("road_plan",)),
            PlannedItem("station_filing", "企业投资项目备案", station, "发展改革局", 2),
            PlannedItem(
                "station_eia", "环境影响评价审批", station, "生态环境局", 6, ("station_filing",)
            ),
            PlannedItem(
                "station_energy", "节能审查", station, "发展改革局", 4, ("station_filing",)
            ),
            PlannedItem("station_grid", "供电接入", station, "供电公司", 5, ("station_filing",)),
            PlannedItem("station_plan", "建设工程规划许可", station, "自然资源局", 5, ("joint",)),
            PlannedItem(
                "station_permit",
                "施工许可",
                station,
                "住房城乡建设局",
                3,
                ("station_plan", "road_plan"),  # the station's access road comes first
            ),
        ),
        reviews=(
            JointReview(
                "joint",
                "联合专家评审",
                4,
                (road, station),
                ("road_land", "station_eia", "station_energy", "station_grid"),
            ),
        ),
        start=START,
    )


# --- the two-project example -----------------------------------------------------------------


def test_the_example_is_a_valid_plan() -> None:
    assert check(two_projects()) == []


def test_each_node_starts_when_what_it_waits_on_is_done() -> None:
    nodes = schedule(two_projects(), CALENDAR).nodes
    days = {id_: (n.start_day, n.finish_day) for id_, n in nodes.items()}
    assert days == {
        "road_filing": (0, 2),
        "road_land": (2, 5),
        "road_plan": (12, 17),  # waits on the joint review through its `review`
        "road_permit": (17, 20),
        "station_filing": (0, 2),
        "station_eia": (2, 8),
        "station_energy": (2, 6),
        "station_grid": (2, 7),
        "station_plan": (12, 17),
        "station_permit": (17, 20),
        "joint": (8, 12),  # after the slowest of what it reviews: the EIA
    }


def test_the_critical_path_runs_through_the_joint_review() -> None:
    planned = schedule(two_projects(), CALENDAR)
    assert planned.total_days == 20
    assert planned.critical_path == (
        "station_filing",
        "station_eia",
        "joint",
        "road_plan",
        "road_permit",
    )
    slack = {id_: n.slack for id_, n in planned.nodes.items()}
    assert slack == {
        "road_filing": 3,
        "road_land": 3,
        "road_plan": 0,
        "road_permit": 0,
        "station_filing": 0,
        "station_eia": 0,
        "station_energy": 2,
        "station_grid": 1,
        "station_plan": 0,
        "station_permit": 0,
        "joint": 0,
    }
    critical = {id_ for id_, n in planned.nodes.items() if n.on_critical_path}
    assert critical == {id_ for id_, s in slack.items() if s == 0}


def test_the_standard_route_runs_each_project_serially_with_its_own_review() -> None:
    planned = schedule(two_projects(), CALENDAR)
    # the station alone: 2 + 6 + 4 + 5 + its review 4 + 5 + 3 = 29 working days; the road's
    # review waits on the same items as the joint one did, so the road ends with it
    assert planned.standard_by_project == {"道路改造": 29, "充电站": 29}
    assert planned.standard_days == 29
    assert planned.saved_days == 9
    assert planned.saved_share == pytest.approx(9 / 29)


def test_dates_skip_national_day_and_count_the_make_up_saturday() -> None:
    nodes = schedule(two_projects(), CALENDAR).nodes
    assert nodes["road_filing"].start_date == START
    assert nodes["road_filing"].due_date == date(2026, 9, 30)
    assert nodes["road_land"].start_date == date(2026, 9, 30)
    # day 3 is Thursday 10-08 after 国庆; day 5 is the 调休 Saturday 10-10
    assert nodes["road_land"].due_date == date(2026, 10, 10)
    assert date(2026, 10, 10).weekday() == 5 and CALENDAR.is_working_day(date(2026, 10, 10))
    assert nodes["joint"].start_date == date(2026, 10, 14)
    assert nodes["joint"].due_date == date(2026, 10, 20)


def test_the_end_date_is_the_last_due_date() -> None:
    planned = schedule(two_projects(), CALENDAR)
    assert planned.end_date == date(2026, 10, 30)
    assert planned.end_date == CALENDAR.add_working_days(START, 20)
    assert planned.end_date == max(n.due_date for n in planned.nodes.values())
    for node in planned.nodes.values():
        assert node.due_date == CALENDAR.add_working_days(START, node.finish_day)
        assert CALENDAR.working_days_between(START, node.due_date) == node.finish_day


def test_a_node_of_no_days_starts_and_finishes_the_same_day() -> None:
    plan = Plan((item("a", "p", 0), item("b", "p", 2, "a")), (), date(2026, 10, 1))
    nodes = schedule(plan, CALENDAR).nodes
    assert nodes["a"].start_date == nodes["a"].due_date == date(2026, 10, 1)  # a holiday
    assert nodes["b"].due_date == date(2026, 10, 9)


def test_an_empty_plan_takes_no_days() -> None:
    planned = schedule(Plan((), (), START), CALENDAR)
    assert (planned.total_days, planned.end_date, planned.critical_path) == (0, START, ())
    assert (planned.standard_days, planned.saved_days, planned.saved_share) == (0, 0, 0.0)


def test_ties_on_the_critical_path_go_to_the_first_in_input_order() -> None:
    plan = Plan((item("a", "p", 3), item("b", "q", 3), item("c", "p", 1, "b", "a")), (), START)
    assert schedule(plan, CALENDAR).critical_path == ("a", "c")


# --- problems ------------------------------------------------------------------------------


def test_a_direct_cycle_is_named_along_it() -> None:
    plan = Plan((item("a", "p", 1, "b"), item("b", "p", 1, "a"), item("c", "p", 1, "a")), (), START)
    assert check(plan) == ["items[a]: 依赖关系成环：a → b → a"]
    with pytest.raises(PlanError) as raised:
        schedule(plan, CALENDAR)
    assert raised.value.problems == ["items[a]: 依赖关系成环：a → b → a"]


def test_a_self_loop_is_a_cycle() -> None:
    plan = Plan((item("a", "p", 1), item("b", "p", 1, "a", "b")), (), START)
    assert check(plan) == ["items[b]: 依赖关系成环：b → b"]


def test_a_cycle_across_projects_and_a_review() -> None:
    plan = Plan(
        (
            item("road_plan", "road", 5, review="joint"),
            item("road_permit", "road", 3, "road_plan"),
            item("station_plan", "station", 5, "road_permit"),
        ),
        (JointReview("joint", "联合专家评审", 4, ("road", "station"), ("station_plan",)),),
        START,
    )
    assert check(plan) == [
        "items[road_plan]: 依赖关系成环：road_plan → road_permit → station_plan → joint → road_plan"
    ]


def test_each_separate_cycle_is_named_once() -> None:
    plan = Plan(
        (
            item("a", "p", 1, "c"),
            item("b", "p", 1, "a"),
            item("c", "p", 1, "b", "a"),  # a → c and a → b → c: one group, one cycle named
            item("x", "q", 1, "y"),
            item("y", "q", 1, "x"),
            item("z", "q", 1, "y"),  # after a cycle, not on it
        ),
        (),
        START,
    )
    assert check(plan) == ["items[a]: 依赖关系成环：a → c → a", "items[x]: 依赖关系成环：x → y → x"]


def test_unknown_references_duplicates_and_negative_days() -> None:
    plan = Plan(
        (
            item("road_permit", "road", 3, "road_plan", "x"),
            item("road_plan", "road", -1, "joint", "joint"),
            item("road_plan", "road", 2),
            item("", "road", 1),
            item("station_plan", "station", 1, review="nope"),
            item("road_land", "road", 1, review="joint"),
        ),
        (JointReview("joint", "联合专家评审", -2, ("station", "gas")),),
        START,
    )
    assert check(plan) == [
        "items[road_plan].days: 办理天数不能为负数（-1）",
        "items[road_plan].id: 编号 'road_plan' 重复",
        "items[#3].id: 编号不能为空",
        "reviews[joint].days: 办理天数不能为负数（-2）",
        "items[station_plan].review: 未知的联合评审 'nope'",
        "items[road_land].review: 联合评审 'joint' 不含项目 'road'",
        "reviews[joint].projects[1]: 计划中没有项目 'gas'",
        "items[road_permit].after[1]: 未知的事项或评审 'x'",
        "items[road_plan].after[1]: 重复的依赖 'joint'",
    ]
    with pytest.raises(PlanError, match="未知的事项或评审 'x'"):
        schedule(plan, CALENDAR)


def test_a_review_needs_a_project() -> None:
    plan = Plan((item("a", "p", 1),), (JointReview("r", "评审", 1, ()),), START)
    assert check(plan) == ["reviews[r].projects: 联合评审至少涉及一个项目"]


# --- planned against actual ------------------------------------------------------------------


def test_planned_against_actual() -> None:
    planned = schedule(two_projects(), CALENDAR)
    today = date(2026, 10, 15)
    rows = compare(
        planned,
        {
            "road_filing": (START, date(2026, 9, 29)),  # a day early
            "station_filing": (START, date(2026, 10, 8)),  # due 9-30: one working day late
            "road_land": (date(2026, 9, 30), None),  # due 10-10, still going on 10-15
            "station_eia": (date(2026, 10, 8), None),  # due 10-14
            "station_energy": (date(2026, 10, 8), None),  # due 10-12
            "station_grid": (date(2026, 10, 8), date(2026, 10, 13)),  # due 10-13: on time
        },
        today,
        CALENDAR,
    )
    by_id = {row.id: row for row in rows}
    assert [row.id for row in rows] == list(planned.nodes)
    assert (by_id["road_filing"].state, by_id["road_filing"].days_late) == (DONE, 0)
    assert (by_id["station_filing"].state, by_id["station_filing"].days_late) == (LATE, 1)
    # after 10-10: 10-12, 10-13, 10-14, 10-15
    assert (by_id["road_land"].state, by_id["road_land"].days_late) == (LATE, 4)
    assert (by_id["station_eia"].state, by_id["station_eia"].days_late) == (LATE, 1)
    assert (by_id["station_grid"].state, by_id["station_grid"].days_late) == (DONE, 0)
    assert (by_id["joint"].state, by_id["joint"].days_late) == (NOT_STARTED, 0)
    assert by_id["joint"].planned_due == date(2026, 10, 20)
    assert by_id["joint"].on_critical_path


def test_started_and_not_due_is_in_progress() -> None:
    planned = schedule(two_projects(), CALENDAR)
    rows = compare(planned, {"road_plan": (date(2026, 10, 20), None)}, date(2026, 10, 21), CALENDAR)
    row = next(row for row in rows if row.id == "road_plan")
    assert (row.state, row.days_late, row.actual_start) == (IN_PROGRESS, 0, date(2026, 10, 20))


def test_actual_figures_are_checked() -> None:
    planned = schedule(two_projects(), CALENDAR)
    with pytest.raises(ValueError) as raised:
        compare(
            planned,
            {"nope": (None, None), "road_plan": (date(2026, 10, 20), date(2026, 10, 19))},
            START,
            CALENDAR,
        )
    assert str(raised.value) == (
        "actual[nope]: 未知的事项或评审 'nope'；"
        "actual[road_plan]: 完成日期 2026-10-19 早于开始日期 2026-10-20"
    )


# --- properties over random plans without cycles ---------------------------------------------

PROJECTS = ("p0", "p1", "p2")


@st.composite
def acyclic_plans(draw: st.DrawFn) -> Plan:
    """Up to 30 nodes drawn in a topological order, each waiting on up to 4 earlier ones,
    then the items and the reviews each shuffled."""
    count = draw(st.integers(min_value=1, max_value=30))
    kinds = draw(st.lists(st.booleans(), min_size=count, max_size=count))  # True: a review
    kinds[0] = False  # at least one item, so that a review has a project to serve
    items: list[PlannedItem] = []
    reviews: list[JointReview] = []
    for n, is_review in enumerate(kinds):
        after = tuple(
            f"n{k}"
            for k in draw(
                st.lists(st.integers(0, n - 1), max_size=4, unique=True) if n else st.just([])
            )
        )
        days = draw(st.integers(min_value=0, max_value=20))
        if is_review:
            served = {i.project for i in items}
            chosen = draw(st.lists(st.sampled_from(sorted(served)), min_size=1, unique=True))
            reviews.append(JointReview(f"n{n}", f"评审{n}", days, tuple(chosen), after))
        else:
            project = draw(st.sampled_from(PROJECTS))
            holding = [r.id for r in reviews if project in r.projects]  # earlier, so no cycle
            review = draw(st.sampled_from(["", *holding]))
            items.append(item(f"n{n}", project, days, *after, review=review))
    seed = draw(st.integers(0, 2**32 - 1))
    random.Random(seed).shuffle(items)
    random.Random(seed).shuffle(reviews)
    start = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)))
    return Plan(tuple(items), tuple(reviews), start)


def predecessors(plan: Plan) -> dict[str, tuple[str, ...]]:
    waits = {i.id: i.after + ((i.review,) if i.review else ()) for i in plan.items}
    return waits | {r.id: r.after for r in plan.reviews}


@settings(max_examples=200, deadline=None)
@given(acyclic_plans())
def test_every_node_starts_when_its_last_predecessor_finishes(plan: Plan) -> None:
    assert check(plan) == []
    nodes = schedule(plan, CALENDAR).nodes
    for id_, before in predecessors(plan).items():
        node = nodes[id_]
        assert node.start_day == max((nodes[p].finish_day for p in before), default=0)
        assert node.finish_day == node.start_day + node.days
        assert node.due_date == CALENDAR.add_working_days(plan.start, node.finish_day)


@settings(max_examples=200, deadline=None)
@given(acyclic_plans())
def test_the_critical_path_is_a_longest_chain_without_slack(plan: Plan) -> None:
    planned = schedule(plan, CALENDAR)
    nodes = planned.nodes
    waits = predecessors(plan)
    assert planned.total_days == max(n.finish_day for n in nodes.values())
    assert planned.end_date == max(n.due_date for n in nodes.values())
    path = planned.critical_path
    assert waits[path[0]] == ()
    assert all(earlier in waits[later] for earlier, later in pairwise(path))
    assert sum(nodes[id_].days for id_ in path) == planned.total_days
    assert all(nodes[id_].slack == 0 for id_ in path)
    for node in nodes.values():
        assert node.slack >= 0
        assert node.on_critical_path == (node.slack == 0)


def slipped(plan: Plan, id_: str, extra: int) -> Plan:
    """The plan with node ``id_`` taking ``extra`` more days."""
    items = tuple(
        PlannedItem(i.id, i.name, i.project, i.department, i.days + extra, i.after, review=i.review)
        if i.id == id_
        else i
        for i in plan.items
    )
    reviews = tuple(
        JointReview(r.id, r.name, r.days + extra, r.projects, r.after) if r.id == id_ else r
        for r in plan.reviews
    )
    return Plan(items, reviews, plan.start)


@settings(max_examples=200, deadline=None)
@given(acyclic_plans(), st.data())
def test_slack_is_exactly_how_far_a_node_may_slip(plan: Plan, data: st.DataObject) -> None:
    planned = schedule(plan, CALENDAR)
    node = data.draw(st.sampled_from(sorted(planned.nodes.values(), key=lambda n: n.id)))
    total = planned.total_days
    assert schedule(slipped(plan, node.id, node.slack), CALENDAR).total_days == total
    assert schedule(slipped(plan, node.id, node.slack + 1), CALENDAR).total_days == total + 1


@settings(max_examples=200, deadline=None)
@given(acyclic_plans())
def test_the_standard_route_is_never_shorter(plan: Plan) -> None:
    planned = schedule(plan, CALENDAR)
    assert planned.standard_days >= planned.total_days
    assert planned.saved_days == planned.standard_days - planned.total_days
    assert 0.0 <= planned.saved_share <= 1.0
    for project, days in planned.standard_by_project.items():
        own = sum(i.days for i in plan.items if i.project == project)
        own += sum(r.days for r in plan.reviews if project in r.projects)
        assert days >= own  # one after another, a review of its own


@settings(max_examples=100, deadline=None)
@given(acyclic_plans(), st.randoms(use_true_random=False))
def test_the_days_do_not_depend_on_the_input_order(plan: Plan, rnd: random.Random) -> None:
    items, reviews = list(plan.items), list(plan.reviews)
    rnd.shuffle(items)
    rnd.shuffle(reviews)
    one = schedule(plan, CALENDAR)
    other = schedule(Plan(tuple(items), tuple(reviews), plan.start), CALENDAR)
    assert other.total_days == one.total_days
    for id_, node in one.nodes.items():
        assert (other.nodes[id_].start_day, other.nodes[id_].slack) == (node.start_day, node.slack)
