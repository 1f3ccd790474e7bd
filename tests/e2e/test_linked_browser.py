"""联动办 in Debian's Chromium, on phones: the 郊区 window schedules a joint meeting
(联合审批) on two grid projects' 用地预审 items, each invited department's reviewer records
its decision on the meeting page (one in 大字版), and the items are approved together; then
a joint inspection (联合验收) of a charging station, findings and photos uploaded from a
phone, the item sent to rectification and one joint report PDF."""

import os
import re

import pytest
from playwright.sync_api import expect

from onething.cases.lifecycle import TaskState
from onething.cases.models import Task
from onething.linked.models import JointMeeting
from onething.projects import services as bundles
from tests.e2e.browser import PHONE, fits
from tests.factories import charging_station_at_acceptance, grid_bundle_filing, user

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread


def accepted_grid_projects() -> list[Task]:
    bundle, _ = bundles.file_bundle(user("gridco"), grid_bundle_filing(2))
    bundles.accept_bundle(user("clerk_jiaoqu"), bundle.public_id)
    return [
        p.case.tasks.get(item_id="land_preapproval_site_selection")
        for p in bundles.projects_of(bundle)
    ]


def test_a_joint_meeting_decides_two_projects_items_together(people, site):
    tasks = accepted_grid_projects()
    clerk = people("clerk_jiaoqu", PHONE)
    clerk.goto(f"{site}/linked/meetings")
    clerk.get_by_label("会议议题").fill("郊区配电网改造项目用地联合审批")
    clerk.get_by_label("会议时间").fill("2026-12-10T09:30")
    clerk.get_by_label("会议地点").fill("郊区政务服务中心三楼会议室")
    clerk.get_by_label("住房和城乡建设局").check()
    for task in tasks:
        clerk.locator(f"input[name=tasks][value='{task.pk}']").check()
    clerk.get_by_role("button", name="安排会议").click()
    expect(clerk.locator("#meeting-errors")).to_contain_text("未受邀参会")  # 自然资源局
    assert not JointMeeting.objects.exists()
    clerk.get_by_label("自然资源局").check()
    clerk.get_by_label("住房和城乡建设局").check()
    for task in tasks:
        clerk.locator(f"input[name=tasks][value='{task.pk}']").check()
    clerk.get_by_role("button", name="安排会议").click()
    expect(clerk.get_by_role("heading", name="郊区配电网改造项目用地联合审批")).to_be_visible()
    expect(clerk.locator("#meeting-items tbody tr")).to_have_count(2)
    fits(clerk)
    address = clerk.url

    housing = people("r_housing_jiaoqu", PHONE)
    housing.goto(address)
    housing.get_by_role("button", name="大字版").click()
    housing.get_by_role("button", name="记录决定").click()
    expect(housing.locator("#meeting-seats")).to_contain_text("同意")
    fits(housing)

    land = people("r_natural_resources_jiaoqu", PHONE)
    land.goto(address)
    land.get_by_role("radio", name="不同意").check()
    land.get_by_role("button", name="记录决定").click()
    expect(land.get_by_role("alert").or_(land.locator(".flash-error"))).to_contain_text("理由")
    land.get_by_role("textbox", name=re.compile("意见")).fill("符合国土空间规划")
    land.get_by_role("button", name="记录决定").click()
    expect(land.locator("#meeting-state")).to_contain_text("已决定")
    expect(land.locator("#meeting-items")).not_to_contain_text("可办理")
    for task in tasks:
        task.refresh_from_db()
        assert task.state == TaskState.APPROVED


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def test_a_joint_inspection_on_phones_with_photos_and_one_report(people, site):
    case = charging_station_at_acceptance()
    task = case.tasks.get(item_id="completion_joint_acceptance")
    clerk = people("clerk_jiaoqu", PHONE)
    clerk.goto(f"{site}/linked/inspections")
    clerk.get_by_label("验收地点").fill("阳泉市郊区荫营镇充电站")
    clerk.get_by_label("验收日期").fill("2026-12-10")
    clerk.get_by_label("住房和城乡建设局").check()
    clerk.get_by_label("供电公司").check()
    clerk.locator(f"input[name=tasks][value='{task.pk}']").check()
    clerk.get_by_role("button", name="安排验收").click()
    expect(clerk.get_by_role("heading", name="联合验收：阳泉市郊区荫营镇充电站")).to_be_visible()
    fits(clerk)
    address = clerk.url

    housing = people("r_housing_jiaoqu", PHONE)
    housing.goto(address)
    housing.get_by_role("button", name="大字版").click()
    housing.get_by_role("radio", name="不合格，限期整改").check()
    housing.get_by_label(re.compile("整改期限")).fill("5")
    housing.get_by_role("button", name="提交查验意见").click()
    expect(housing.locator(".flash-error")).to_contain_text("须写明问题")
    housing.get_by_role("textbox", name=re.compile("查验意见")).fill("消防通道宽度不足")
    housing.get_by_role("radio", name="不合格，限期整改").check()
    housing.get_by_label(re.compile("整改期限")).fill("5")
    housing.get_by_label(re.compile("现场照片")).set_input_files(
        [
            {"name": "1.png", "mimeType": "image/png", "buffer": PNG},
            {"name": "2.jpg", "mimeType": "image/jpeg", "buffer": JPEG},
        ]
    )
    housing.get_by_role("button", name="提交查验意见").click()
    expect(housing.locator("#inspection-seats")).to_contain_text("现场照片 2 张")
    fits(housing)

    power = people("r_power_supply_jiaoqu", PHONE)
    power.goto(address)
    power.get_by_role("button", name="提交查验意见").click()
    expect(power.locator("#inspection-state")).to_contain_text("已出具验收意见")
    expect(power.locator("#inspection-items")).to_contain_text("限期整改")
    report = power.request.get(f"{address}/report.pdf")
    assert report.ok and report.body().startswith(b"%PDF-")
    task.refresh_from_db()
    assert task.state == TaskState.SUPPLEMENT

    thumbnails = power.locator("#inspection-seats .photo-strip a")
    expect(thumbnails).to_have_count(2)
    full = thumbnails.first.get_attribute("href")
    served = power.request.get(f"{site}{full}")
    assert served.ok and served.body() == PNG and "no-store" in served.headers["cache-control"]

    from onething.cases import services as case_services

    case_services.provide_supplement(user("gridco"), task.pk, "消防通道已拓宽至 4 米")
    housing.goto(address)
    housing.get_by_role("radio", name="仍不合格，再次限期整改").check()
    housing.get_by_role("button", name="提交复验结果").click()
    expect(housing.locator(".flash-error")).to_contain_text("须写明问题")
    housing.get_by_role("radio", name="整改合格").check()
    housing.get_by_role("button", name="提交复验结果").click()
    expect(housing.locator("#inspection-items")).to_contain_text("整改后复验合格")
    expect(housing.locator("#inspection-seats")).to_contain_text("复验")
    fits(housing)
    task.refresh_from_db()
    assert task.state == TaskState.APPROVED


def test_the_company_authorises_and_revokes_on_a_phone(people, site):
    from datetime import timedelta

    from django.utils import timezone

    from onething.accounts.models import Authorisation

    bundle, _ = bundles.file_bundle(user("gridco"), grid_bundle_filing(2))
    first = bundles.projects_of(bundle)[0]
    until = timezone.localdate() + timedelta(days=90)
    company = people("gridco", PHONE)
    company.goto(f"{site}/linked/authorisations")
    company.get_by_role("button", name="大字版").click()
    company.get_by_label("帮办代办人员账号").fill("daiban")
    company.get_by_label("授权委托书编号").fill("郊区代办〔2026〕010号")
    company.get_by_label("截止日期").fill(until.isoformat())
    company.get_by_label("电网改造项目").check()
    company.get_by_label(first.name).check()
    company.get_by_role("button", name="给出授权").click()
    given = company.locator("section", has_text="郊区代办〔2026〕010号")
    expect(given.locator(".authorisation-state")).to_contain_text("有效")
    expect(given.locator(".authorisation-projects")).to_contain_text(first.name)
    fits(company)
    given.get_by_role("button", name="撤销授权").click()
    given = company.locator("section", has_text="郊区代办〔2026〕010号")
    expect(given.locator(".authorisation-state")).to_contain_text("撤销")
    written = Authorisation.objects.get(document="郊区代办〔2026〕010号")
    assert written.revoked_at is not None and written.projects == [str(first.public_id)]


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_the_agent_carries_a_project_until_the_company_revokes_mid_way(people, site):
    """全代办: 郊区帮办代办中心 files a grid bundle for gridco under its written
    authorisation (the demo's), and uploads a material of a project on a phone; the
    company revokes the authorisation on its phone; the agent's next upload is refused
    with the reason, and what the agent did stays on the case's record, for the company."""
    from onething.cases.models import Action

    agent_user, company_user = user("daiban_jiaoqu"), user("gridco")
    bundle, _ = bundles.file_bundle(agent_user, grid_bundle_filing(2), applicant=company_user)
    case = bundles.projects_of(bundle)[0].case
    assert case.applicant == company_user and case.agent == agent_user
    wanted = case.evidence.filter(origin="applicant", file_path="").order_by("pk")[:2]
    first, second = list(wanted)

    agent = people("daiban_jiaoqu", PHONE)
    agent.goto(f"{site}/cases/{case.public_id}")
    agent.locator(f"#upload-{first.pk}").set_input_files(
        {"name": "授权委托书.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    agent.locator(f"#evidence-{first.pk}").get_by_role("button", name="上传", exact=True).click()
    expect(agent.locator(f"#evidence-{first.pk}")).to_contain_text("已上传")
    fits(agent)

    company = people("gridco", PHONE)
    company.goto(f"{site}/linked/authorisations")
    company.get_by_role("button", name="大字版").click()
    demo = company.locator("section", has_text="郊区代办〔2026〕001号")
    demo.get_by_role("button", name="撤销授权").click()
    demo = company.locator("section", has_text="郊区代办〔2026〕001号")
    expect(demo.locator(".authorisation-state")).to_contain_text("撤销")
    fits(company)

    agent.locator(f"#upload-{second.pk}").set_input_files(  # the page as it was before
        {"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    agent.locator(f"#evidence-{second.pk}").get_by_role("button", name="上传", exact=True).click()
    expect(agent.locator("main")).to_contain_text(re.compile(r"授权已于 .* 撤销"))
    second.refresh_from_db()
    assert not second.file_path
    expect(agent.locator(f"#upload-{second.pk}")).to_have_count(0)  # no longer offered

    company.goto(f"{site}/cases/{case.public_id}")
    history = company.locator("#history")
    expect(history).to_contain_text("代办员")
    expect(history).to_contain_text("上传")
    fits(company)
    done = Action.objects.filter(case=case, actor=agent_user)
    assert {"create", "submit", "upload_evidence"} <= set(done.values_list("action", flat=True))


NARROW = {**PHONE, "viewport": {"width": 375, "height": 667}}
WIDE = {"viewport": {"width": 1920, "height": 1080}, "locale": "zh-CN"}


def test_the_linked_pages_fit_375_px_in_large_type_and_1920(people, site):
    """The inspection page with photos, an overdue rectification and the re-inspection
    form; the authorisations of the company (with its projects) and of the agent."""
    from datetime import date, timedelta

    from django.utils import timezone

    from onething.cases import services as case_services
    from onething.linked import inspections
    from onething.linked.models import InspectedItem

    bundles.file_bundle(user("gridco"), grid_bundle_filing(2))
    case = charging_station_at_acceptance()
    task = case.tasks.get(item_id="completion_joint_acceptance")
    plan = inspections.InspectionPlan(
        "阳泉市郊区荫营镇充电站", date(2026, 12, 10), ["housing"], [task.pk]
    )
    found = inspections.schedule_inspection(user("clerk_jiaoqu"), plan)
    failing = inspections.Findings(False, "消防通道宽度不足" * 5, 5, [PNG, JPEG, PNG, JPEG])
    inspections.record_findings(user("r_housing_jiaoqu"), found.public_id, failing)
    InspectedItem.objects.update(rectify_by=timezone.localdate() - timedelta(days=3))
    case_services.provide_supplement(user("gridco"), task.pk, "已整改")
    visits = {
        "r_housing_jiaoqu": [f"/linked/inspections/{found.public_id}", "/linked/inspections"],
        "gridco": ["/linked/authorisations", f"/linked/inspections/{found.public_id}"],
        "daiban_jiaoqu": ["/linked/authorisations"],
    }
    for who, addresses in visits.items():
        for device, large in ((NARROW, True), (WIDE, False)):
            page = people(who, device)
            if large:
                page.get_by_role("button", name="大字版").click()
                expect(page.locator("html")).to_have_attribute("data-text", "large")
            for address in addresses:
                page.goto(f"{site}{address}")
                fits(page)
    housing = people("r_housing_jiaoqu", NARROW)
    housing.goto(f"{site}/linked/inspections/{found.public_id}")
    expect(housing.locator("#inspection-overdue")).to_contain_text("已超过整改期限")
    expect(housing.get_by_role("button", name="提交复验结果")).to_be_visible()
    expect(housing.locator(".photo-strip img")).to_have_count(4)
