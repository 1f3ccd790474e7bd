"""打包办 in Debian's Chromium: the power company files five grid projects as one on a
phone, the 郊区 window accepts them at once, the 审批局 reviewer starts one expert review
for all five, and the five projects end with their own certificates; the bundle's page
shows what bundling saved, computed from the catalogue."""

import os
import re

import pytest
from playwright.sync_api import expect

from onething.cases import services
from onething.licences.models import Licence
from onething.projects.models import Bundle
from tests.e2e.browser import PHONE, field, fits
from tests.factories import GRID_ANSWERS, decide_all, grid_rows, user, work_items

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread


def fill_the_bundle(page, site: str) -> None:
    query = "&".join(f"{question}={value}" for question, value in GRID_ANSWERS.items())
    page.goto(f"{site}/guides/grid_rebuild?{query}")
    page.get_by_role("link", name="多个项目打包申报").click()
    expect(page.get_by_role("heading", name=re.compile("多个项目打包申报"))).to_be_visible()
    field(page, "法定代表人（负责人）姓名").fill("王电力")
    for _ in range(2):  # three rows to start with, five projects
        page.get_by_role("button", name="增加一个项目").click()
    for index, row in enumerate(grid_rows(5)):
        project = page.locator(f"#project-{index + 1}")
        project.get_by_label("项目名称").fill(row.name)
        project.get_by_label("项目代码").fill(row.code)
        project.get_by_label("建设地点").fill(row.address)
        project.get_by_label("总投资（万元）").fill(row.investment)
        project.get_by_label(re.compile("线路（道路）长度")).fill(row.form["route_length"])
    fits(page)


def test_five_grid_projects_one_acceptance_one_review_five_sets_of_certificates(people, site):
    company = people("gridco", PHONE)
    fill_the_bundle(company, site)
    company.locator("#project-2").get_by_label("项目代码").fill(grid_rows(5)[0].code)
    company.get_by_role("button", name="提交打包申报").click()
    expect(company.locator("#bundle-errors")).to_contain_text("项目清单有误")
    expect(company.locator("#project-2")).to_contain_text("与第 1 个项目的项目代码相同")
    assert not Bundle.objects.exists()  # nothing half-written
    company.locator("#project-2").get_by_label("项目代码").fill(grid_rows(5)[1].code)
    company.get_by_role("button", name="提交打包申报").click()
    expect(company.get_by_role("heading", name=re.compile("5 个项目打包办理"))).to_be_visible()
    expect(company.locator("#bundle-projects tbody tr")).to_have_count(5)
    fits(company)
    bundle = Bundle.objects.get()

    clerk = people("clerk_jiaoqu")
    clerk.goto(f"{site}/projects/bundles/{bundle.public_id}")
    clerk.get_by_role("button", name="一包受理（5 个项目）").click()
    expect(clerk.locator("#bundle-projects")).not_to_contain_text("已提交")
    for project in bundle.projects.all():
        work_items(project.case, {"land_preapproval_site_selection"})

    reviewer = people("r_approval_jiaoqu")
    reviewer.goto(f"{site}/projects/bundles/{bundle.public_id}")
    reviewer.get_by_role("button", name="发起联合专家评审").click()
    expect(reviewer.locator("#bundle-review")).to_contain_text("5 个项目一次评审")
    expect(reviewer.locator("#bundle-review")).to_contain_text("评审费 62000 元")
    bundle.refresh_from_db()
    services.end_special(user("r_approval_jiaoqu"), bundle.review_id, "专家评审通过")
    for task in bundle.review.tasks.all():
        services.approve(user("r_approval_jiaoqu"), task.pk, note="专家评审通过，予以核准")
    for project in bundle.projects.all():
        decide_all(project.case)
        assert Licence.objects.filter(case=project.case).count() >= 2

    company.reload()
    figures = company.locator("#bundle-figures")
    expect(figures).to_contain_text("减少 80%")  # 审批周期
    expect(figures).to_contain_text("110000")  # five reviews of one project each
    expect(figures).to_contain_text("62000")  # one review of five
    expect(company.locator("#bundle-projects")).to_contain_text("待领取")
