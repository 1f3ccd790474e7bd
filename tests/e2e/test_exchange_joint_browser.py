"""多地联办 in Chromium on a phone (375 px, normal and 大字版): the 离石区 clerk's case page
and 张三's case page and 我的办件 show 榆林's part of 户口迁移 — who, its number, its state,
its due date — first waiting for 榆林 to receive it, then as 榆林 reported; nothing wider
than the screen."""

import pytest
from playwright.sync_api import expect

from onething.exchange.journey import apply_status
from onething.exchange.models import InboundMessage, Partner, RemoteCase
from tests.e2e.browser import fits
from tests.factories import exchange_partner
from tests.factories_exchange import household_move_accepted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


def reported(case) -> None:
    """榆林 accepted its part: its status, as the inbox applies it."""
    remote = RemoteCase.objects.get(local_case_id=case.pk)
    body = {"number": "YL-20261206-000123", "state": "in_progress",
            "state_label": "已受理，办理中", "due_date": "2026-12-10", "note": "已受理"}  # fmt: skip
    message = InboundMessage(partner=remote.partner, kind="status", case_ref=remote.ref, body=body)
    apply_status(Partner.objects.get(), message, {})


def test_the_partners_part_shows_on_a_phone_in_both_text_sizes(people, site):
    exchange_partner()
    case = household_move_accepted()
    clerk = people("clerk_lishi", PHONE)
    applicant = people("zhangsan", PHONE)
    for mode in ("normal", "large"):
        for page in (clerk, applicant):
            if mode == "large":
                page.goto(site + "/")
                page.get_by_role("button", name="大字版").click()
                expect(page.locator("html")).to_have_attribute("data-text", "large")
            page.goto(f"{site}/cases/{case.public_id}")
            part = page.locator("#partner-part")
            expect(part).to_contain_text("户口迁出登记（迁出地办理） 由榆林市政务服务平台办理")
            waiting = "等待对方接收" if mode == "normal" else "YL-20261206-000123"
            expect(part).to_contain_text(waiting)
            fits(page)
        if mode == "normal":
            reported(case)
    applicant.goto(site + "/my/")
    expect(applicant.locator(".partner-line")).to_contain_text("对方编号 YL-20261206-000123")
    expect(applicant.locator(".partner-line")).to_contain_text("对方期限 2026-12-10")
    fits(applicant)
