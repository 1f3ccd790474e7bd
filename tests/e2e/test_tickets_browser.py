"""取号叫号 in Debian's Chromium: a person with an appointment takes a ticket at the kiosk
with its code (large type, a touch screen), the hall's display shows the call by itself
(htmx, every 2 s) and reads it aloud, and the clerk at the window starts, accepts the
person's case from the console's link and finishes. The pages fit a 375 px phone in
大字版 and a 1920×1080 screen."""

import os
import time

import pytest
from playwright.sync_api import expect

from onething.cases import services as cases
from onething.hall.models import Appointment
from onething.tickets.models import Ticket
from tests.e2e.browser import fits
from tests.factories import appointment_today, pharmacy_filing, user

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread

KIOSK = {"viewport": {"width": 1080, "height": 1920}, "has_touch": True, "locale": "zh-CN"}
SCREEN = {"viewport": {"width": 1920, "height": 1080}, "locale": "zh-CN"}
NARROW = {
    "viewport": {"width": 375, "height": 812},
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
# The display's voice, recorded instead of spoken (Chromium here has no speech engine).
VOICE = """
window.spoken = [];
window.speechSynthesis.speak = function (words) { window.spoken.push(words.text + "|" + words.lang); };
"""


def said(page, count: int) -> list[str]:
    """What the display has read aloud of the calls, once it has read `count` (the page's
    CSP forbids wait_for_function's string evaluation, so this polls)."""
    deadline = time.monotonic() + 10
    while True:
        spoken = [t for t in page.evaluate("window.spoken") if "A0" in t]
        if len(spoken) >= count or time.monotonic() > deadline:
            return spoken
        time.sleep(0.2)


def test_kiosk_ticket_display_call_and_serving(browser, people, site):
    filed, _ = cases.file_case(user("yaofang"), pharmacy_filing())
    booked = appointment_today(person="yaofang")

    kiosk = browser.new_context(**KIOSK).new_page()
    kiosk.goto(f"{site}/hall/lishi/tickets?kiosk=1")
    expect(kiosk.locator("html")).to_have_attribute("data-kiosk", "on")
    kiosk.get_by_label("预约码（扫描预约二维码或输入）").fill(booked.code)
    kiosk.get_by_role("button", name="凭预约码取号").tap()
    expect(kiosk.locator("#slip-number")).to_have_text("A001")
    expect(kiosk.locator(".slip-ahead")).to_have_text("0 人")
    expect(kiosk.get_by_role("button", name="打印排队号")).to_be_visible()
    fits(kiosk)

    display_context = browser.new_context(**SCREEN)
    display_context.add_init_script(VOICE)
    display = display_context.new_page()
    display.goto(f"{site}/hall/lishi/display")
    expect(display.locator("#board")).to_contain_text("暂无叫号")
    display.get_by_role("button", name="开启语音播报").click()
    fits(display)

    clerk = people("clerk_lishi")
    clerk.goto(f"{site}/hall/lishi/counter")
    clerk.get_by_role("link", name="1号窗口（A 综合窗口）").click()
    clerk.get_by_role("button", name="叫号", exact=True).click()
    expect(clerk.locator(".current-number")).to_have_text("A001")

    # The display updates by itself and reads the call aloud, once.
    expect(display.locator(".call")).to_contain_text("A001")
    expect(display.locator(".call")).to_contain_text("请到 1号窗口")
    assert said(display, 1) == ["请 A001 号到 1号窗口办理|zh-CN"]

    clerk.get_by_role("button", name="重呼").click()
    assert len(said(display, 2)) == 2  # a recall is read again

    clerk.get_by_role("button", name="开始办理").click()
    expect(clerk.locator(".current-state")).to_have_text("办理中")
    console = clerk.url
    clerk.get_by_role("link", name="我要开药店", exact=False).click()
    clerk.get_by_role("button", name="受理", exact=True).click()
    assert Ticket.objects.get().case == filed.pk
    clerk.goto(console)
    filed.refresh_from_db()
    expect(clerk.locator(".case-links")).to_contain_text(f"已受理：{filed.number}")
    clerk.get_by_role("button", name="办结").click()
    expect(clerk.get_by_text("窗口空闲。")).to_be_visible()
    ticket = Ticket.objects.get()
    assert ticket.state == "done" and ticket.finished_at is not None
    assert Appointment.objects.get(pk=booked.pk).state == Appointment.SERVED
    expect(display.locator("#board")).to_contain_text("已办结")
    display_context.close()


def test_the_pages_fit_a_phone_in_large_type(browser, people, site):
    appointment_today()
    clerk = people("clerk_lishi", NARROW)
    clerk.get_by_role("button", name="大字版").click()
    for address in ("/hall/lishi/tickets?kiosk=1", "/hall/lishi/tickets", "/hall/lishi/counter"):
        clerk.goto(site + address)
        fits(clerk)
    clerk.goto(site + "/hall/lishi/counter")
    clerk.get_by_role("link", name="1号窗口（A 综合窗口）").click()
    fits(clerk)
    clerk.goto(site + "/hall/lishi/display")
    fits(clerk)
