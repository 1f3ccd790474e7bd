"""一表申报 on a phone in Debian's Chromium: the questions one screen at a time, the one
form with an error shown at its field and fixed, submit, then a material uploaded."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import PHONE, TYPED, field, log_in

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread


def test_a_phone_applicant_answers_fills_fixes_submits_and_uploads(browser, site, tmp_path):
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        log_in(page, site, "yaofang")

        # 情形引导: one question on the screen at a time, the next after each answer.
        page.goto(site + "/apply/open_pharmacy")
        questions = page.locator(".questions fieldset")
        total = questions.count()
        assert total >= 2
        for number in range(1, total + 1):
            expect(page.locator(".stepper-count")).to_have_text(f"第 {number} / {total} 题")
            expect(page.locator(".questions fieldset:visible")).to_have_count(1)
            page.locator(".questions fieldset:visible").get_by_text("是", exact=True).click()
            page.wait_for_load_state("networkidle")
        expect(page.get_by_role("heading", name="要办的事项（7 项）")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        expect(page.locator("#apply-figures")).to_contain_text("预计 15 个工作日办结")
        # Going back shows an earlier question with its answer kept.
        page.get_by_role("button", name="上一题").click()
        expect(page.locator(".questions fieldset:visible input:checked")).to_have_count(1)

        # The one form, with a wrong ID number: the error is shown at its field.
        field(page, "企业类型").select_option("有限责任公司")
        for label, value in TYPED.items():
            field(page, label).fill(value)
        field(page, "法定代表人（负责人）身份证号").fill("142331196207082042")
        page.get_by_role("button", name="提交申请").click()
        error = page.locator("#f-legal_rep_id_number-error")
        expect(error).to_contain_text("校验码不正确")
        expect(field(page, "经营范围")).to_have_value(TYPED["经营范围"])  # nothing lost
        field(page, "法定代表人（负责人）身份证号").fill("142331196207082041")
        page.get_by_role("button", name="提交申请").click()
        expect(page.locator("#case-state")).to_have_text("已提交")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        # A material uploaded once for the whole case.
        scan = tmp_path / "租赁合同.pdf"
        scan.write_bytes(b"%PDF-1.4\n% a scanned lease\n%%EOF")
        first = page.locator(".evidence-pending").first
        name = first.locator("strong").inner_text()
        first.locator("input[type=file]").set_input_files(str(scan))
        first.get_by_role("button", name="上传", exact=True).click()
        expect(
            page.get_by_role("status").filter(has_text=re.compile(f"已上传“{name}”"))
        ).to_be_visible()
    finally:
        context.close()
