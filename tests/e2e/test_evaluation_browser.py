"""好差评 and complaints in Debian's Chromium: a finished case rated 非常不满意 is verified,
rectified, answered and closed by the return visit; an anonymous complaint is followed by
its tracking code to closure."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import DESKTOP, PHONE, log_in

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread


def person(browser, site, username=None, device=DESKTOP):
    context = browser.new_context(**device)
    page = context.new_page()
    if username:
        log_in(page, site, username)
    return context, page


def test_a_very_bad_rating_is_worked_to_a_satisfied_return_visit(browser, site, handed_over):
    case = handed_over
    applicant_context, applicant = person(browser, site, "yaofang", PHONE)
    clerk_context, clerk = person(browser, site, "clerk_lishi")
    try:
        applicant.goto(f"{site}/cases/{case.public_id}")
        ratings = applicant.locator("#ratings")
        ratings.get_by_label("评价环节").select_option(label="出件环节")
        ratings.get_by_text("非常不满意", exact=True).click()
        ratings.get_by_text("原因（选填").click()
        ratings.get_by_text("服务态度差", exact=True).click()
        ratings.get_by_label("想说的话").fill("出件时等了四十分钟")
        ratings.get_by_role("button", name="提交评价").click()
        expect(applicant.get_by_text("我们会核实并在 3 个工作日内答复您")).to_be_visible()

        clerk.get_by_role("link", name="差评整改").click()
        item = clerk.locator(".case-card").first
        expect(item).to_contain_text("出件环节：非常不满意")
        item.get_by_label("核实情况").fill("当日只开一个出件窗口")
        item.get_by_role("button", name="情况属实").click()
        item = clerk.locator(".case-card").first
        item.get_by_label("整改措施或情况说明").fill("高峰时段增开出件窗口")
        item.get_by_label("给申请人的答复").fill("已增开出件窗口，向您致歉")
        item.get_by_role("button", name="答复申请人").click()
        item = clerk.locator(".case-card").first
        item.get_by_label("回访记录").fill("电话回访，申请人满意")
        item.get_by_role("button", name="回访满意，办结").click()
        expect(clerk.get_by_text("没有待办的差评整改。")).to_be_visible()
        expect(clerk.get_by_text(re.compile("回访满意"))).to_be_visible()

        applicant.reload()
        expect(applicant.locator("#ratings")).to_contain_text("整改：已办结")
    finally:
        applicant_context.close()
        clerk_context.close()


def test_an_anonymous_complaint_is_followed_by_its_code_to_closure(browser, site):
    citizen_context, citizen = person(browser, site, device=PHONE)
    supervisor_context, supervisor = person(browser, site, "supervisor_lishi")
    clerk_context, clerk = person(browser, site, "clerk_lishi")
    try:
        citizen.goto(site + "/complaints/new")
        citizen.get_by_label("问题类别").select_option(label="推诿扯皮")
        citizen.get_by_label("发生地").select_option(label="吕梁市离石区")
        citizen.get_by_label("具体情况").fill("区里让我去市里办，市里又让我回区里")
        citizen.get_by_role("button", name="提交").click()
        expect(citizen.locator("#complaint-state")).to_have_text("已受理，待派单")
        code = citizen.locator("#filed-code").text_content()  # shown once, not in the address

        supervisor.get_by_role("link", name="诉求办理").click()
        card = supervisor.locator(".case-card", has_text=code)
        expect(card).to_contain_text("匿名反映")
        card.get_by_label("派单给").select_option(label="离石区政务服务中心综合窗口")
        card.get_by_role("button", name="派单").click()

        clerk.get_by_role("link", name="诉求办理").click()
        card = clerk.locator(".case-card", has_text=code)
        card.get_by_label("办理情况和答复").fill("已核实：实行首问负责，今后由区窗口一次办好")
        card.get_by_role("button", name="答复").click()

        supervisor.reload()
        card = supervisor.locator(".case-card", has_text=code)
        card.get_by_label("回访记录").fill("匿名，按答复办理情况回访")
        card.get_by_role("button", name="满意，办结").click()

        citizen.goto(site + "/complaints/track?code=" + code)
        expect(citizen.locator("#complaint-state")).to_have_text("已办结")
        expect(citizen.get_by_text("答复：已核实：实行首问负责")).to_be_visible()
        assert citizen.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        for context in (citizen_context, supervisor_context, clerk_context):
            context.close()


def test_a_window_visit_is_rated_on_a_phone_and_answered_by_the_window(browser, site):
    """The QR code on the window: a consultation with no case, rated 不满意 on a phone;
    the window verifies and answers; the applicant reads the answer on the same page."""
    citizen_context, citizen = person(browser, site, "zhangsan", PHONE)
    clerk_context, clerk = person(browser, site, "clerk_lishi")
    try:
        citizen.goto(site + "/rate/window/141102")
        visit = citizen.locator("#visit")
        expect(visit).to_contain_text("没有办件（例如咨询、取件）也可以评价")
        visit.get_by_text("不满意", exact=True).click()
        visit.get_by_text("原因（选填").click()
        visit.get_by_text("告知不清楚", exact=True).click()
        visit.get_by_role("button", name="提交评价").click()
        expect(citizen.get_by_text("窗口会核实并在 3 个工作日内答复您")).to_be_visible()
        expect(citizen.locator("#visit")).to_contain_text("整改：待核实")
        assert citizen.evaluate("document.documentElement.scrollWidth") <= 390

        clerk.get_by_role("link", name="差评整改").click()
        item = clerk.locator(".case-card", has_text="窗口服务评价")
        expect(item).to_contain_text("窗口服务：不满意")
        item.get_by_label("核实情况").fill("咨询时未讲清新政策")
        item.get_by_role("button", name="情况属实").click()
        item = clerk.locator(".case-card", has_text="窗口服务评价")
        item.get_by_label("整改措施或情况说明").fill("组织政策培训")
        item.get_by_label("给申请人的答复").fill("已组织培训，欢迎再来咨询")
        item.get_by_role("button", name="答复申请人").click()

        citizen.reload()
        expect(citizen.locator("#visit")).to_contain_text("窗口答复：已组织培训，欢迎再来咨询")
    finally:
        citizen_context.close()
        clerk_context.close()
