"""预约办 in Debian's Chromium: a citizen books on a phone (header link 预约, a hall, a
一件事, a slot) and sees the confirmation with its QR code, in 大字版 without sideways
scrolling; the hall's clerk opens its page (大厅) on a phone and a 1920 px screen."""

import os

import pytest
from playwright.sync_api import expect

from onething.hall.models import Appointment
from tests.e2e.browser import PHONE, fits

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread

NARROW = {**PHONE, "viewport": {"width": 375, "height": 812}}
WIDE = {"viewport": {"width": 1920, "height": 1080}, "locale": "zh-CN"}


def test_a_citizen_books_on_a_phone_and_sees_the_qr(people, site):
    phone = people("zhangsan", NARROW)
    phone.get_by_role("button", name="大字版").click()
    phone.get_by_role("link", name="预约", exact=True).click()
    expect(phone.get_by_role("heading", name="预约办理")).to_be_visible()
    phone.get_by_label("办事大厅").select_option(label="离石区政务服务中心")
    phone.get_by_label("要办的一件事").select_option(label="我要开餐馆")
    phone.get_by_role("button", name="查看可约时段").click()
    expect(phone.get_by_text("办理窗口：A 综合窗口")).to_be_visible()
    fits(phone)
    phone.locator("input[name=slot]").first.check(force=True)
    phone.get_by_label("联系电话").fill("13900001111")
    phone.get_by_role("button", name="确认预约").click()

    expect(phone.get_by_role("heading", name="预约详情")).to_be_visible()
    made = Appointment.objects.get()
    qr = phone.locator("#appointment-qr img")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert phone.evaluate("document.querySelector('#appointment-qr img').naturalWidth") > 0
    expect(phone.locator("#appointment-qr")).to_contain_text(made.code)
    expect(phone.locator("#appointment-state")).to_have_text("已预约")
    expect(phone.get_by_text("离石区政务服务中心").first).to_be_visible()
    expect(phone.get_by_text("139****1111")).to_be_visible()
    fits(phone)
    phone.get_by_role("link", name="我的预约").click()
    expect(phone.locator("#appointments")).to_contain_text("我要开餐馆")
    fits(phone)


@pytest.mark.parametrize("device", [NARROW, WIDE], ids=["phone", "1920"])
def test_the_clerk_opens_the_hall_page(people, site, device):
    page = people("clerk_lishi", device)
    page.get_by_role("link", name="大厅", exact=True).click()
    expect(page.get_by_role("heading", name="离石区政务服务中心")).to_be_visible()
    page.get_by_role("button", name="大字版").click()
    expect(page.locator("#days-ahead")).to_be_visible()
    fits(page)
    page.get_by_label("要办的一件事").select_option(label="退休一件事")
    page.get_by_role("button", name="查看可约时段").click()
    expect(page.get_by_text("办理窗口：C 社保窗口")).to_be_visible()
    fits(page)
