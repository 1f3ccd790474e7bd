"""Search and 智能问答 in Debian's Chromium on a 375 px phone: type kaiyaodian on the home
page, land on 我要开药店, ask 要带什么材料 and read the answer with its section; a nonsense
query shows the ways on; 大字版 and 1920×1080 without sideways scrolling."""

import os

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import PHONE, fits

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread

PHONE_375 = {**PHONE, "viewport": {"width": 375, "height": 812}}
FULL_HD = {"viewport": {"width": 1920, "height": 1080}, "locale": "zh-CN"}


def test_pinyin_to_the_pharmacy_and_its_materials_on_a_phone(browser, site):
    context = browser.new_context(**PHONE_375)
    page = context.new_page()
    try:
        page.goto(site + "/")
        page.get_by_role("searchbox").fill("kaiyaodian")
        page.get_by_role("searchbox").press("Enter")
        first = page.locator("li.result").first
        expect(first).to_contain_text("拼音 kaiyaodian → 开药店")
        fits(page)
        first.get_by_role("link", name="我要开药店").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("我要开药店")
        box = page.locator("#guide-qa")
        box.get_by_role("button", name="要带什么材料").click()
        answer = page.locator("#qa-result")
        expect(answer).to_contain_text("需要准备")
        expect(answer).to_contain_text("法定代表人（负责人）身份证明")
        expect(answer.get_by_role("link", name="申请材料")).to_be_visible()
        assert page.url.startswith(site + "/guides/open_pharmacy")  # answered in place
        fits(page)
        page.get_by_role("button", name="大字版").click()
        fits(page)
    finally:
        context.close()


def test_a_question_typed_after_answering_follows_the_answers(browser, site):
    context = browser.new_context(**PHONE_375)
    page = context.new_page()
    try:
        page.goto(site + "/guides/open_pharmacy")
        page.locator(".questions input[name=sells_food][value=true]").check()
        expect(page).to_have_url(f"{site}/guides/open_pharmacy?sells_food=true")
        page.get_by_label("或者写下您的问题").fill("食品要带什么资料")
        page.locator("#guide-qa").get_by_role("button", name="提问").click()
        expect(page.locator("#qa-result")).to_contain_text("食品")
        link = page.locator("#qa-result").get_by_role("link", name="申请材料")
        expect(link).to_have_attribute(
            "href", "/guides/open_pharmacy?sells_food=true#materials-title"
        )
    finally:
        context.close()


def test_nonsense_shows_the_ways_on(browser, site):
    for device in (PHONE_375, FULL_HD):
        context = browser.new_context(**device)
        page = context.new_page()
        try:
            page.goto(site + "/")
            page.get_by_role("searchbox").fill("qwertyuiop火星")
            page.get_by_role("button", name="搜索").click()
            expect(page.locator("#nothing-found")).to_contain_text("没有找到")
            ways = page.locator("#ways-on")
            expect(ways).to_contain_text("帮办代办")
            expect(ways).to_contain_text("12345")
            expect(ways.get_by_role("link", name="把您想办的事写下来")).to_be_visible()
            fits(page)
        finally:
            context.close()
