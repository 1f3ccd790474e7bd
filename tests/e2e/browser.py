"""What the browser tests share (not a test module): Debian's Chromium, the devices a
person uses, logging in through the page, the one form's fields and the page's notices.
The fixtures that use them (browser, site, people) are in tests/e2e/conftest.py."""

import re

CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright never downloads a browser here
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Browser context settings: browser.new_context(**PHONE).
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}

# What the applicant types into the fields of 我要开药店's one form that the account could
# not fill in (label: value).
TYPED = {
    "注册资本（万元）": "50",
    "经营范围": "药品零售；第二类、第三类医疗器械零售；食品销售",
    "经营场所": "山西省吕梁市离石区永宁中路88号",
    "法定代表人（负责人）姓名": "王康民",
    "法定代表人（负责人）身份证号": "142331196207082041",
    "从业人员数": "6",
    "经营面积（平方米）": "120",
    "质量负责人姓名": "李质量",
    "执业药师人数": "2",
    "医疗器械经营范围（分类编码）": "6815、6822、6864",
    "食品经营项目": "散装食品销售（药食同源）",
    "招牌文字内容": "康民大药房",
    "招牌尺寸（长×高，米）": "6×1.2",
}


def log_in(page, site: str, username: str) -> None:
    """Log a demo account in through the log-in page, in this browser page: the password,
    then for staff the code of their authenticator, computed from the device's secret as
    an authenticator app does (tests/factories.second_factor_code)."""
    from playwright.sync_api import expect

    from onething.web.setup import DEMO_PASSWORD
    from tests.factories import second_factor_code

    page.goto(site + "/accounts/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)
    if "/accounts/two-factor" in page.url:
        page.get_by_label("动态验证码").fill(second_factor_code(username))
        page.get_by_role("button", name="验证").click()
    # 退出 on the site's pages, 注销 on the admin's (where the editor and administrators start)
    expect(page.get_by_role("button", name=re.compile(r"^(退出|注销)$"))).to_be_visible()


def field(page, label):
    """A required field of the one form by its label ("经营范围" is not "医疗器械经营范围…")."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def flash(page):
    """The page's notice of what was just done."""
    return page.get_by_role("status").filter(has=page.locator(".flash-success, .flash-info"))


def fits(page) -> None:
    """Nothing is wider than the screen: no sideways scrolling."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), f"{page.url} is {width} px wide"
