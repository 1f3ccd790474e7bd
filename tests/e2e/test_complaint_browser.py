"""The complaint form in Debian's Chromium as a person meets it: on a phone in 大字版, filled
wrongly, corrected at the fields the page points to, filed anonymously, the code read off
the page, reloaded without filing twice, and followed on the tracking page; on a desktop,
each label beside its control."""

import os
import re

import pytest
from playwright.sync_api import expect

from onething.evaluation.models import Complaint
from tests.e2e.browser import DESKTOP, PHONE, fits

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread

CODE = re.compile(r"[0-9A-HJKMNP-TV-Z]{12}")


def test_a_complaint_filed_on_a_phone_in_large_text(browser, site):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(site + "/complaints/new")
        page.get_by_role("button", name="大字版").click()
        expect(page.locator("html")).to_have_attribute("data-text", "large")
        fits(page)
        name_row = page.locator(".form-row", has=page.locator("#c-contact_name"))
        phone_row = page.locator(".form-row", has=page.locator("#c-contact_phone"))
        expect(phone_row).to_be_hidden()  # 匿名 is ticked at first

        anonymous = page.get_by_label("匿名反映")
        anonymous.uncheck()
        expect(name_row).to_be_visible()
        expect(phone_row).to_be_visible()
        page.get_by_label("发生地").select_option(label="阳泉市郊区")
        page.get_by_label("具体情况").fill("太慢")
        page.get_by_label("姓名（选填）").fill("王五")
        page.get_by_label("联系电话").fill("12345")
        page.get_by_role("button", name="提交诉求").click()

        summary = page.locator("#complaint-errors")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("有 3 处需要修改")
        phone = page.get_by_label("联系电话")
        expect(phone).to_have_attribute("aria-invalid", "true")
        expect(phone).to_have_value("12345")
        expect(page.locator("#c-contact_phone-error")).to_contain_text("联系电话不正确")
        expect(page.locator("#c-category-error")).to_have_text("请选择问题类别")
        expect(page.get_by_label("发生地")).to_have_value("140311")
        summary.get_by_role("link", name=re.compile("至少 5 个字")).click()
        expect(page.get_by_label("具体情况")).to_be_focused()
        fits(page)
        assert not Complaint.objects.exists()

        anonymous.check()
        expect(name_row).to_be_hidden()
        expect(phone_row).to_be_hidden()
        page.get_by_label("问题类别").select_option(label="慢作为")
        page.get_by_label("具体情况").fill("营业执照变更办了一个月还没有结果")
        page.get_by_role("button", name="提交诉求").click()

        expect(page).to_have_url(site + "/complaints/track")
        code = page.locator("#filed-code").text_content()
        assert CODE.fullmatch(code), code
        expect(page.locator("#complaint-state")).to_have_text("已受理，待派单")
        fits(page)

        page.reload()
        expect(page.locator("#filed-code")).to_have_count(0)
        assert Complaint.objects.count() == 1
        filed = Complaint.objects.get()
        assert filed.tracking == code and filed.anonymous and filed.contact_phone == ""
        assert filed.jurisdiction == "140311"

        page.get_by_label("查询码").fill(f"{code[:4]} {code[4:8]}-{code[8:]}".lower())
        page.get_by_role("button", name="查询").click()
        expect(page.locator("#complaint-state")).to_have_text("已受理，待派单")
        expect(page.locator("#complaint-progress")).to_contain_text("营业执照变更办了一个月")
        fits(page)
    finally:
        context.close()


def test_on_a_desktop_each_label_is_beside_its_control(browser, site):
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    try:
        page.goto(site + "/complaints/new")
        for label in ("问题类别", "发生地", "具体情况"):
            control = page.get_by_label(label).bounding_box()
            caption = page.locator("label", has_text=label).first.bounding_box()
            assert caption["x"] + caption["width"] <= control["x"], label
            assert abs(caption["y"] - control["y"]) < control["height"], label
        fits(page)
    finally:
        context.close()
