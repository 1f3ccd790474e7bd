"""定制办 in Debian's Chromium: the 审批局 composes a plan for a charging station and a road
on a 375 px phone in 大字版 — the projects, their questions, the steps with a dependency
across the projects and one joint review — sees a cycle refused, saves it, and reads its
critical path, its total against the standard route and the timeline of planned against
actual with its table; nothing is wider than the screen (the chart scrolls in its box)."""

import os
import re

import pytest
from playwright.sync_api import expect

from onething.projects.models import CustomPlan
from tests.e2e.browser import PHONE, fits

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread

NARROW = {**PHONE, "viewport": {"width": 375, "height": 812}}
PROJECTS = [
    (
        "郊区荫营充电站",
        "2026-140311-44-09-000001",
        "阳泉市郊区荫营镇公交停车场",
        "800",
        "charging_station",
    ),
    (
        "郊区荫营路改建",
        "2026-140311-48-01-000002",
        "阳泉市郊区荫营镇荫营路全线",
        "5000",
        "road_project",
    ),
]
ANSWERS = [
    [
        ("是否新增建设用地", "否"),
        ("是否新建站房", "不新建"),
        ("年综合能源消费量", "否"),
        ("外线电缆", "是"),
    ],
    [
        ("新建道路还是改建", "改建"),
        ("道路等级是", "次干路"),
        ("占用或挖掘现有城市道路", "否"),
        ("城市树木", "否"),
        ("电力设施保护区内作业", "否"),
    ],
]
STEPS = [  # project, item, after, review
    ("p1", "charging_power_connection", "", "j1"),
    ("p2", "gov_feasibility_approval", "", "j1"),
    ("p1", "road_occupation_permit", "s1, s2", ""),
]


def accept_completed(case) -> None:
    """The company completes its draft's one form and submits it; the window accepts it."""
    from onething.cases import filing, window
    from tests.factories import plan_form, user

    form = {**plan_form(case.package_id, case.answers), **case.form}
    owner = user("gridco")
    changed = filing.Filing(case.package_id, case.answers, case.place, form)
    filing.update_draft(owner, case.public_id, None, changed)
    filing.submit(owner, case.public_id)
    window.accept(user("clerk_jiaoqu"), case.public_id)


def choose(block, question: str, answer: str) -> None:
    group = block.get_by_role("group", name=re.compile(question))
    group.get_by_label(answer, exact=False).first.check()


def fill_the_plan(page) -> None:
    page.get_by_label("方案名称").fill("荫营充电站与道路一事一策")
    page.get_by_label("建设单位（企业账号）").fill("gridco")
    page.get_by_label("计划开始日期").fill("2026-03-02")
    for index, (name, code, address, investment, package) in enumerate(PROJECTS):
        block = page.locator(f"#project-p{index + 1}")
        block.get_by_label("项目名称").fill(name)
        block.get_by_label("项目代码").fill(code)
        block.get_by_label("建设地点").fill(address)
        block.get_by_label("总投资（万元）").fill(investment)
        block.get_by_label("一件事").select_option(package)
    page.get_by_role("button", name="按所选一件事显示情形问题").click()
    for index, answers in enumerate(ANSWERS):
        block = page.locator(f"#project-p{index + 1}")
        for question, answer in answers:
            choose(block, question, answer)
    page.get_by_role("button", name="增加一个事项").click()  # four rows, three used
    for index, (project, item, after, review) in enumerate(STEPS):
        step = page.locator(f"#step-{index + 1}")
        step.get_by_label("项目").select_option(project)
        step.get_by_label("事项", exact=True).select_option(item)
        step.get_by_label("等待完成（编号，逗号分隔）").fill(after)
        step.get_by_label("纳入联合评审（编号，如 j1）").fill(review)
    joint = page.locator("#review-1")
    joint.get_by_label("评审名称").fill("充电站与道路联合专家评审")
    joint.get_by_label("评审时间（工作日）").fill("7")
    joint.get_by_label("p1").check()
    joint.get_by_label("p2").check()


def test_compose_a_two_project_plan_on_a_phone_in_large_text(people, site):
    page = people("r_approval_jiaoqu", NARROW)
    page.goto(f"{site}/projects/plans/new")
    page.get_by_role("button", name="大字版").click()
    expect(page.locator("html")).to_have_attribute("data-text", "large")
    fill_the_plan(page)
    fits(page)
    page.locator("#step-2").get_by_label("等待完成（编号，逗号分隔）").fill("s3")
    page.get_by_role("button", name="保存方案").click()
    expect(page.locator("#plan-errors")).to_contain_text("依赖关系成环")
    assert not CustomPlan.objects.exists()
    page.locator("#step-2").get_by_label("等待完成（编号，逗号分隔）").fill("")
    page.get_by_role("button", name="保存方案").click()

    expect(page.get_by_role("heading", name="荫营充电站与道路一事一策")).to_be_visible()
    expect(page.locator("#critical-path li")).to_have_count(3)
    expect(page.locator("#critical-path")).to_contain_text("联合专家评审")
    expect(page.locator("#plan-totals")).to_contain_text("个工作日")
    expect(page.locator("svg.gantt rect.gantt-planned")).to_have_count(4)
    expect(page.locator("#plan-table tbody tr")).to_have_count(4)
    fits(page)
    page.get_by_role("button", name="启动方案").click()
    expect(page.locator("#main, main").first).to_contain_text("实施中")
    assert CustomPlan.objects.get().state == CustomPlan.RUNNING

    # the window accepts both cases: the road's feasibility is held for the joint review,
    # the station's road occupation for the road's feasibility (another project's item)
    plan = CustomPlan.objects.get()
    for link in plan.plan_projects.select_related("project__case"):
        accept_completed(link.project.case)
    page.reload()
    table = page.locator("#plan-table")
    expect(table).to_contain_text("等待定制办方案中的前置事项办结：充电站与道路联合专家评审")
    page.get_by_label("专家评审结论").fill("专家组同意两项目同步推进")
    page.get_by_role("button", name="登记评审结论").click()
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text("已登记")
    expect(table).to_contain_text("专家结论：专家组同意两项目同步推进")
    expect(table).not_to_contain_text("前置事项办结：充电站与道路联合专家评审")
    feasibility = plan.plan_projects.get(key="p2").project.case.tasks.get(
        item_id="gov_feasibility_approval"
    )
    assert feasibility.state == "workable" and feasibility.held_for == ""
    fits(page)

    # saved as a template, it starts the next plan of its kind on the compose page
    page.get_by_role("button", name="另存为模板").click()
    page.get_by_role("link", name="以此模板新建方案").click()
    expect(page.get_by_label("方案名称")).to_have_value("荫营充电站与道路一事一策")
    expect(page.locator("#step-3").get_by_label("等待完成（编号，逗号分隔）")).to_have_value(
        "s1、s2"
    )
    expect(page.locator("#project-p2").get_by_label("一件事")).to_have_value("road_project")
    expect(page.locator("#project-p1").get_by_label("项目名称")).to_have_value("")
