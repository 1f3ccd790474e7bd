"""跨省通办 in Chromium: a window clerk on a phone (375 px, then 大字版) receives an
application for the partner's 开具无犯罪记录证明 and forwards it; the supervisor at
1920×1080 finds the exchange page from 效能监督, sees the message waiting and cancels it.
Every page fits its screen."""

import base64

import pytest
from playwright.sync_api import expect

from onething.exchange.models import OutboundMessage, RemoteCase
from tests.e2e.browser import fits
from tests.factories import exchange_partner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"viewport": {"width": 1920, "height": 1080}, "locale": "zh-CN"}
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def test_a_clerk_forwards_from_a_phone_in_both_text_sizes(people, site, tmp_path):
    exchange_partner()
    scan = tmp_path / "身份证.png"
    scan.write_bytes(PNG)
    page = people("clerk", PHONE)
    for mode, name in (("normal", "张三"), ("large", "李四")):
        if mode == "large":
            page.goto(site + "/")
            page.get_by_role("button", name="大字版").click()
            expect(page.locator("html")).to_have_attribute("data-text", "large")
        page.goto(site + "/")
        page.get_by_role("link", name="跨省通办").first.click()
        fits(page)
        page.get_by_text("榆林市政务服务平台：开具无犯罪记录证明").click()
        page.get_by_label("申请人姓名").fill(name)
        page.get_by_label("身份证号码").fill("142331198503151231")
        page.get_by_label("手机号码").fill("13935812345")
        page.get_by_label("证明用途").fill("入职")
        page.get_by_label("申请人居民身份证").set_input_files(str(scan))
        page.get_by_role("button", name="收件并转办").click()
        expect(page.locator(".flash")).to_contain_text("已收件并转办至榆林市政务服务平台")
        expect(page.locator("#partner-state")).to_have_text("待对方签收")
        expect(page.locator("#remote-facts")).to_contain_text("142331********1231")
        fits(page)
    assert RemoteCase.objects.count() == 2 and OutboundMessage.objects.count() == 2


def test_the_supervisor_finds_the_exchange_page_and_cancels_a_message(people, site):
    from onething.accounts.models import User
    from onething.exchange import journey

    exchange_partner()
    journey.forward(
        User.objects.get(username="clerk"),
        journey.Forwarding("yulin", "no_criminal_record", "张三", "142331198503151231",
                           "13935812345", {"certificate_purpose": "入职"}),
    )  # fmt: skip
    page = people("supervisor", WIDE)
    page.goto(site + "/supervision/")
    page.get_by_role("link", name="交换消息、拒收记录与合作节点").click()
    expect(page.locator("#count-pending")).to_have_text("1")
    expect(page.locator("#messages tbody")).to_contain_text("待发送")
    page.get_by_role("button", name="取消").click()
    expect(page.locator(".flash")).to_contain_text("已取消发送")
    expect(page.locator("#messages tbody")).to_contain_text("已取消")
    fits(page)
    page.set_viewport_size({"width": 375, "height": 812})
    fits(page)
