"""Browser tests in Debian's Chromium: an applicant finds a package, answers, reads the guide."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import DESKTOP, PHONE

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread


@pytest.fixture
def desktop(browser):
    context = browser.new_context(**DESKTOP)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


def saving(page, label):
    return page.locator(".saving", has=page.locator("dt", has_text=label)).locator("dd")


def test_applicant_finds_the_pharmacy_guide_and_answers_the_questions(site, desktop):
    page = desktop
    page.goto(site + "/")
    page.get_by_placeholder("例如：开药店、新生儿、退休").fill("想开个药店")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name=re.compile("我要开药店")).click()
    expect(page.get_by_role("heading", name="我要开药店", level=1)).to_be_visible()
    expect(page.locator(".notice")).to_contain_text("还有 4 个问题未回答")

    for fieldset in page.locator(".questions fieldset").all():
        fieldset.get_by_text("是", exact=True).click()
        page.wait_for_load_state("networkidle")

    expect(saving(page, "申请材料")).to_contain_text("42 → 21")
    expect(saving(page, "办理时限")).to_contain_text("51 → 15")
    expect(saving(page, "跑动次数")).to_contain_text("14 → 1")
    expect(page.locator(".item-row")).to_have_count(7)
    expect(page.locator(".notice")).to_have_count(0)
    assert "sells_food=true" in page.url  # the answers are in the address, ready to share

    pdf_link = page.get_by_role("link", name="下载 PDF 指南")
    response = page.request.get(site + pdf_link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    qr = page.get_by_role("img", name=re.compile("二维码"))
    expect(qr).to_be_visible()


def test_changing_an_answer_updates_the_guide_in_place(site, desktop):
    page = desktop
    page.goto(
        site + "/guides/open_pharmacy?sells_food=true&sells_class2_devices=true"
        "&sells_class3_devices=true&has_signboard=true"
    )
    expect(page.locator(".item-row")).to_have_count(7)
    page.locator("fieldset", has_text="第三类医疗器械").get_by_text("否", exact=True).click()
    expect(page.locator(".item-row")).to_have_count(6)
    expect(page.get_by_text("第三类医疗器械经营许可")).to_have_count(0)


def test_on_a_phone_with_large_text_and_high_contrast(site, phone):
    page = phone
    page.goto(site + "/guides/open_pharmacy")
    base = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.get_by_role("button", name="大字版").click()
    expect(page.locator("html")).to_have_attribute("data-text", "large")
    larger = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert larger >= base * 1.25
    page.get_by_role("button", name="高对比").click()
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-contrast", "high")  # remembered
    expect(page.get_by_role("button", name="大字版")).to_have_attribute("aria-pressed", "true")
    # Nothing wider than the screen, and the answer buttons are large enough to tap.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator(".option span").first.bounding_box()
    assert box["height"] >= 44
