"""A member of staff's log-in with the second factor, in Chromium on a phone: the first
log-in enrols an authenticator (the secret read from the page, its code computed as an
authenticator app does), log-out, and the next log-in asks for a code."""

import base64

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from onething.web.setup import DEMO_PASSWORD
from tests.e2e.browser import PHONE, fits
from tests.factories import second_factor_code

pytestmark = pytest.mark.browser


def code_for(secret: str) -> str:
    """What an authenticator app shows for this base32 secret now."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key):06d}"


def password(page, site: str, username: str) -> None:
    page.goto(site + "/window/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_clerk_enrols_at_the_first_log_in_and_gives_a_code_at_the_next(browser, site, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a person takes a second to retype; a test none
    TOTPDevice.objects.filter(user__username="clerk_lishi").delete()  # never logged in
    context = browser.new_context(**PHONE)
    page = context.new_page()
    password(page, site, "clerk_lishi")
    expect(page.get_by_role("heading", name="绑定验证器")).to_be_visible()
    expect(page.get_by_role("img", name="绑定验证器的二维码")).to_be_visible()
    fits(page)
    page.goto(site + "/window/")  # nothing else is reachable yet
    expect(page.get_by_role("heading", name="输入动态验证码")).to_be_hidden()
    expect(page.get_by_role("heading", name="绑定验证器")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("动态验证码").fill("000000")
    page.get_by_role("button", name="完成绑定").click()
    expect(page.get_by_role("alert")).to_contain_text("验证码不正确")
    page.get_by_label("动态验证码").fill(code_for(secret))
    page.get_by_role("button", name="完成绑定").click()
    expect(page).to_have_url(site + "/window/")  # where the clerk was going
    expect(page.get_by_role("heading", name="窗口受理", level=1)).to_be_visible()

    page.get_by_role("button", name="退出").click()
    password(page, site, "clerk_lishi")
    expect(page.get_by_role("heading", name="输入动态验证码")).to_be_visible()
    fits(page)
    page.get_by_label("动态验证码").fill(second_factor_code("clerk_lishi"))
    page.get_by_role("button", name="验证").click()
    expect(page).to_have_url(site + "/window/")
    page.get_by_role("link", name="离石区政务服务中心综合窗口").click()
    expect(page.get_by_role("heading", name="账号安全")).to_be_visible()
    expect(
        page.get_by_text("已开启：登录时在密码之后输入验证器上的 6 位动态验证码")
    ).to_be_visible()
    fits(page)
    context.close()
