"""定制办 through the services: a charging station and a road at 阳泉市郊区 planned as one,
with one joint expert review and a dependency across the projects; its schedule and
critical path, a cycle refused with nothing saved, the cases it runs as, planned against
actual, and a template."""

import datetime

import pytest

from onething.cases.lifecycle import CaseState, TaskState
from onething.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onething.projects import plan_holds, plan_services as plans, plan_templates
from onething.projects.models import CustomPlan, PlanStep, Project
from onething.projects.plan_services import StepInput
from tests.factories import two_project_plan, user, work_items

pytestmark = pytest.mark.django_db


def test_two_projects_one_joint_review_critical_path_and_totals(demo):
    plan = plans.compose_plan(user("r_approval_jiaoqu"), two_project_plan())
    assert plan.state == CustomPlan.DRAFT and plan.owner.username == "gridco"
    assert plan.steps.count() == 6 and plan.reviews.count() == 1
    assert Project.objects.filter(plan_link__plan=plan).count() == 2
    step = plan.steps.get(key="s_filing")
    assert step.lead.username == "r_approval_jiaoqu" and step.days == 0
    assert plan.steps.get(key="r_build").lead_name == "王工"

    schedule = plans.schedule_of(plan)
    assert schedule.critical_path == (
        "s_filing",
        "joint",
        "r_feasibility",
        "r_planning",
        "s_occupy",
    )
    assert schedule.total_days == 27 and schedule.standard_days == 27
    assert schedule.standard_by_project == {"station": 27, "road": 25}
    assert schedule.nodes["s_power"].slack == 5 and schedule.nodes["r_build"].slack == 2
    assert schedule.nodes["s_occupy"].start_day == 22  # after the road's planning permit
    assert schedule.start == datetime.date(2026, 3, 2) and schedule.end_date > schedule.start


def test_a_cycle_is_refused_with_its_message_and_nothing_saved(demo):
    cyclic = [
        StepInput("a", "station", "project_filing", ["b"]),
        StepInput("b", "road", "gov_feasibility_approval", ["a"]),
    ]
    with pytest.raises(InvalidInput, match="依赖关系成环：a → b → a"):
        plans.compose_plan(user("r_approval_jiaoqu"), two_project_plan(steps=cyclic))
    assert not CustomPlan.objects.exists() and not PlanStep.objects.exists()
    assert not Project.objects.exists()


def test_unknown_items_and_predecessors_are_named(demo):
    bad = [
        StepInput("a", "station", "no_such_item"),
        StepInput("b", "nowhere", "project_filing", ["zzz"]),
    ]
    with pytest.raises(InvalidInput) as refused:
        plans.compose_plan(user("r_approval_jiaoqu"), two_project_plan(steps=bad))
    fields = refused.value.details["fields"]
    assert "steps[0].item_id" in fields and "steps[1].project" in fields
    assert not CustomPlan.objects.exists()


@pytest.mark.parametrize("who", ["gridco", "clerk_jiaoqu", "r_development_reform_jiaoqu"])
def test_only_the_approval_bureau_or_supervisors_compose(demo, who):
    with pytest.raises(Forbidden):
        plans.compose_plan(user(who), two_project_plan())


def test_start_files_a_case_per_project_then_planned_against_actual(demo):
    coordinator = user("r_approval_jiaoqu")
    plan = plans.compose_plan(coordinator, two_project_plan(start=datetime.date.today()))
    plans.start_plan(coordinator, plan.public_id)
    plan.refresh_from_db()
    assert plan.state == CustomPlan.RUNNING
    cases = [link.project.case for link in plan.plan_projects.order_by("position")]
    assert [c.package_id for c in cases] == ["charging_station", "road_project"]
    assert all(c.state == CaseState.SUBMITTED and c.applicant.username == "gridco" for c in cases)
    with pytest.raises(Conflict, match="已经启动"):
        plans.start_plan(coordinator, plan.public_id)

    from onething.cases import window

    for case in cases:
        window.accept(user("clerk_jiaoqu"), case.public_id)
    station, road = ({t.item_id: t for t in c.tasks.all()} for c in cases)
    # held from acceptance: the road's feasibility waits for the joint review, the
    # station's road occupation for the road's planning permit (another project's item)
    assert road["gov_feasibility_approval"].state == TaskState.WAITING
    assert "充电站与道路联合专家评审" in road["gov_feasibility_approval"].held_for
    assert "建设工程规划许可" in station["road_occupation_permit"].held_for
    assert road["gov_feasibility_approval"].due_date is None
    with pytest.raises(Conflict, match="尚未办结"):  # the review examines the filing first
        plan_holds.finish_review(coordinator, plan.public_id, "joint", "同意")

    work_items(cases[0], {"project_filing"})
    rows = {row.id: row for row in plans.planned_against_actual(plan)}
    assert rows["s_filing"].state == "已完成" and rows["s_filing"].actual_finish is not None
    assert rows["s_power"].actual_start is None  # held for the joint review
    assert rows["joint"].actual_start is not None and rows["joint"].actual_finish is None
    assert rows["joint"].on_critical_path

    plan_holds.finish_review(coordinator, plan.public_id, "joint", "专家组同意两项目方案")
    with pytest.raises(Conflict, match="已经登记"):
        plan_holds.finish_review(coordinator, plan.public_id, "joint", "again")
    feasibility = cases[1].tasks.get(item_id="gov_feasibility_approval")
    assert feasibility.state == TaskState.WORKABLE and feasibility.held_for == ""
    assert feasibility.workable_on == datetime.date.today() and feasibility.due_date
    assert cases[0].tasks.get(item_id="charging_power_connection").state == TaskState.WORKABLE
    rows = {row.id: row for row in plans.planned_against_actual(plan)}
    assert rows["joint"].state in ("已完成", "已延期") and rows["joint"].actual_finish

    work_items(cases[1], {"gov_feasibility_approval"})
    work_items(cases[1], {"planning_permit_municipal"})
    occupation = cases[0].tasks.get(item_id="road_occupation_permit")
    # the road's permit lifts the hold; the package's own order still waits for power
    assert occupation.state == TaskState.WAITING and occupation.held_for == ""
    work_items(cases[0], {"charging_power_connection"})
    occupation.refresh_from_db()
    assert occupation.state == TaskState.WORKABLE and occupation.held_for == ""
    actions = cases[0].actions.filter(task=occupation).values_list("action", flat=True)
    assert list(actions) == ["hold", "lift_hold", "release_ready"]


def test_only_the_coordinator_records_a_joint_review(demo):
    coordinator = user("r_approval_jiaoqu")
    plan = plans.compose_plan(coordinator, two_project_plan(start=datetime.date.today()))
    with pytest.raises(Conflict, match="启动后"):
        plan_holds.finish_review(coordinator, plan.public_id, "joint", "同意")
    with pytest.raises(Forbidden):
        plan_holds.finish_review(user("gridco"), plan.public_id, "joint", "同意")
    with pytest.raises(InvalidInput):
        plan_holds.finish_review(coordinator, plan.public_id, "joint", "  ")
    with pytest.raises(NotFound):
        plan_holds.finish_review(coordinator, plan.public_id, "nope", "同意")


def test_save_as_template_copies_steps_without_cases(demo):
    coordinator = user("r_approval_jiaoqu")
    plan = plans.compose_plan(coordinator, two_project_plan())
    template = plan_templates.save_as_template(coordinator, plan.public_id)
    assert template.is_template and template.template_of == plan
    assert list(template.steps.values_list("key", flat=True)) == list(
        plan.steps.values_list("key", flat=True)
    )
    assert template.reviews.count() == 1
    assert not template.plan_projects.filter(project__isnull=False).exists()
    assert plans.schedule_of(template).total_days == 27
    with pytest.raises(Conflict):
        plans.start_plan(coordinator, template.public_id)


def test_who_sees_a_plan(demo):
    plan = plans.compose_plan(user("r_approval_jiaoqu"), two_project_plan())
    for who in ("r_approval_jiaoqu", "gridco", "clerk_jiaoqu"):
        assert plans.plan_by_public_id(user(who), plan.public_id) == plan
    for who in ("yaofang", "clerk_lishi"):
        with pytest.raises(NotFound):
            plans.plan_by_public_id(user(who), plan.public_id)


def test_a_new_plan_from_a_template_keeps_its_structure(demo):
    coordinator = user("r_approval_jiaoqu")
    plan = plans.compose_plan(coordinator, two_project_plan())
    template = plan_templates.save_as_template(coordinator, plan.public_id)
    new = [
        plan_templates.NewProject(
            "station",
            "郊区平坦充电站",
            "2026-140311-44-09-000009",
            "阳泉市郊区平坦镇公交首末站",
            "600",
        ),
        plan_templates.NewProject(
            "road",
            "郊区平坦路改建",
            "2026-140311-48-01-000010",
            "阳泉市郊区平坦镇平坦路全线",
            "3000",
        ),
    ]
    start = datetime.date(2026, 4, 1)
    copy = plan_templates.compose_from_template(
        coordinator, template.public_id, "平坦充电站与道路", "gridco", start, new
    )
    assert not copy.is_template and copy.state == CustomPlan.DRAFT
    assert list(copy.steps.values_list("key", "after")) == list(
        plan.steps.values_list("key", "after")
    )
    assert plans.schedule_of(copy).total_days == 27
    assert {p.name for p in Project.objects.filter(plan_link__plan=copy)} == {
        "郊区平坦充电站",
        "郊区平坦路改建",
    }
    with pytest.raises(InvalidInput, match="必填"):  # a project's details missing
        plan_templates.compose_from_template(
            coordinator, template.public_id, "缺项目", "gridco", start, new[:1]
        )
    with pytest.raises(Conflict, match="只能以模板"):
        plan_templates.compose_from_template(
            coordinator, plan.public_id, "不是模板", "gridco", start, new
        )
    values = plan_templates.template_form_values(template)
    assert values["s2-after"] == ["s2、s5"] and values["s3-review"] == ["j1"]  # 0-based fields
    assert values["r0-projects"] == ["p1", "p2"]


def test_a_step_outside_its_projects_case_is_refused(demo):
    steps = [StepInput("a", "station", "construction_permit")]  # the road's, not the station's
    with pytest.raises(InvalidInput) as refused:
        plans.compose_plan(user("r_approval_jiaoqu"), two_project_plan(steps=steps))
    assert "不在项目 station" in refused.value.details["fields"]["steps[0].item_id"]
    assert not CustomPlan.objects.exists()
