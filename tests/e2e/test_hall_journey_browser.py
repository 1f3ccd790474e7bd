"""延伸办 from end to end in Debian's Chromium: the company books today's slot on a phone
(an extra session the hall opened), takes its ticket at the kiosk with the appointment's
code, the hall's display shows the call, and the clerk serves it and accepts its case."""

import contextlib
import os
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onething.cases import services as cases
from onething.core.errors import InvalidInput
from onething.hall import after_hours
from onething.hall.models import Appointment, Hall
from onething.tickets.models import Ticket
from tests.e2e.browser import PHONE
from tests.factories import pharmacy_filing, user

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread

NARROW = {**PHONE, "viewport": {"width": 375, "height": 812}}
KIOSK = {"viewport": {"width": 1920, "height": 1080}, "has_touch": True, "locale": "zh-CN"}
SCREEN = {"viewport": {"width": 1920, "height": 1080}, "locale": "zh-CN"}


def session_later_today():
    """An extra session at 离石区 from the next half hour, for an hour: today's slots."""
    now = timezone.localtime()
    begins = (now + timedelta(minutes=30 - now.minute % 30)).replace(second=0, microsecond=0)
    if begins.date() != now.date() or begins.hour >= 23:
        pytest.skip("too close to midnight for a slot later today")
    hall = Hall.objects.get(code="lishi")
    plan = after_hours.SessionPlan(
        now.date(), begins.time(), (begins + timedelta(hours=1)).time(), "今晚延时服务"
    )
    with contextlib.suppress(InvalidInput):  # within regular hours already: their slots serve
        after_hours.open_session(user("supervisor_lishi"), hall, plan)
    return begins


def test_book_on_a_phone_ticket_at_the_kiosk_display_and_serve(browser, people, site):
    filed, _ = cases.file_case(user("yaofang"), pharmacy_filing())
    begins = session_later_today()

    phone = people("yaofang", NARROW)
    phone.get_by_role("link", name="预约", exact=True).click()
    phone.get_by_label("办事大厅").select_option(label="离石区政务服务中心")
    phone.get_by_label("要办的一件事").select_option(label="我要开药店")
    phone.get_by_role("button", name="查看可约时段").click()
    slot = f"{begins:%Y-%m-%d}T{begins:%H:%M}"
    phone.locator(f"input[name=slot][value='{slot}']").check(force=True)
    phone.get_by_label("联系电话").fill("13900001111")
    phone.get_by_role("button", name="确认预约").click()
    expect(phone.locator("#appointment-state")).to_have_text("已预约")
    booked = Appointment.objects.get()
    expect(phone.locator("#appointment-qr")).to_contain_text(booked.code)
    assert datetime.combine(booked.slot.date, booked.slot.starts) == begins.replace(tzinfo=None)

    kiosk = browser.new_context(**KIOSK).new_page()
    kiosk.goto(f"{site}/hall/lishi/tickets?kiosk=1")
    kiosk.get_by_label("预约码（扫描预约二维码或输入）").fill(booked.code)
    kiosk.get_by_role("button", name="凭预约码取号").tap()
    expect(kiosk.locator("#slip-number")).to_have_text("A001")

    display = browser.new_context(**SCREEN).new_page()
    display.goto(f"{site}/hall/lishi/display")
    expect(display.locator("#board")).to_contain_text("暂无叫号")

    clerk = people("clerk_lishi")
    clerk.goto(f"{site}/hall/lishi/counter")
    clerk.get_by_role("link", name="1号窗口（A 综合窗口）").click()
    clerk.get_by_role("button", name="叫号", exact=True).click()
    expect(display.locator(".call")).to_contain_text("A001")  # by itself, no reload
    clerk.get_by_role("button", name="开始办理").click()
    console = clerk.url
    clerk.get_by_role("link", name="我要开药店", exact=False).click()
    clerk.get_by_role("button", name="受理", exact=True).click()
    clerk.goto(console)
    clerk.get_by_role("button", name="办结").click()
    expect(clerk.get_by_text("窗口空闲。")).to_be_visible()

    filed.refresh_from_db()
    ticket = Ticket.objects.get()
    assert filed.state == "in_progress" and ticket.case == filed.pk and ticket.state == "done"
    assert Appointment.objects.get().state == Appointment.SERVED
