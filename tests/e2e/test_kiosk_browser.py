"""The 7×24 自助终端 in Debian's Chromium at 1920×1080 with touch: the terminal is set up
with its token; the on-screen keypad types a code; the simulated card reader signs 张三
in; he files 食品小经营店备案; the case page prints (the print layout keeps the case, not
the kiosk's controls); after the idle time a countdown ends the session, and the screen
and the browser's storage hold nothing of him — going back shows nothing either."""

import os

import pytest
from playwright.sync_api import expect

from onething.kiosk.services import DEMO_TOKEN
from tests.e2e.browser import field

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread

KIOSK = {
    "viewport": {"width": 1920, "height": 1080},
    "has_touch": True,
    "locale": "zh-CN",
}
TYPED = {
    "经营场所": "山西省吕梁市离石区永宁中路12号",
    "经营面积（平方米）": "30",
    "食品经营项目": "预包装食品销售",
    "企业名称": "离石区张三便利店",
}
SMALLEST_TARGET = """() => Math.min(...[...document.querySelectorAll(
  '#main a, #main button, #main input:not([type=hidden]), .kiosk-key')]
  .filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect().height))"""
SHOWN = "el => getComputedStyle(el).display !== 'none'"


@pytest.fixture
def kiosk(browser, site, settings):
    settings.KIOSK_SIMULATED_READER = True
    settings.KIOSK_COUNTDOWN_SECONDS = 2
    context = browser.new_context(**KIOSK)
    page = context.new_page()
    page.goto(f"{site}/kiosk/lishi-01/?token={DEMO_TOKEN}")
    yield page
    context.close()


def _keypad_types_a_code(page) -> None:
    code = page.get_by_label("登录码（8 位数字）")
    code.click()
    keypad = page.locator(".kiosk-keypad")
    expect(keypad).to_be_visible()
    for key in "1234":
        keypad.locator(f'[data-key="{key}"]').click()
    keypad.locator('[data-key="⌫"]').click()
    expect(code).to_have_value("123")
    expect(keypad.locator('[data-key="X"]')).to_be_disabled()  # digits only here
    keypad.locator('[data-key="清空"]').click()
    keypad.locator('[data-key="完成"]').click()
    expect(keypad).to_be_hidden()


def _file_a_food_shop(page, site: str) -> str:
    page.get_by_role("link", name="我要办事").click()
    page.goto(site + "/apply/small_food_shop")
    page.locator(".questions fieldset:visible").get_by_text("食品小销售店").click()
    page.wait_for_load_state("networkidle")
    page.locator(".questions fieldset:visible").get_by_text("是", exact=True).click()
    page.wait_for_load_state("networkidle")
    for _ in range(3):  # a form swapped in by the answers' request may land after typing
        for label, value in TYPED.items():
            if field(page, label).input_value() != value:
                field(page, label).fill(value)
        page.wait_for_load_state("networkidle")
    for label, value in TYPED.items():
        expect(field(page, label)).to_have_value(value)
    page.get_by_role("button", name="提交申请").click()
    return page.url


def test_a_citizen_signs_in_by_card_files_prints_and_the_idle_kiosk_forgets_him(kiosk, site):
    page = kiosk
    expect(page.locator("html")).to_have_attribute("data-kiosk", "on")
    expect(page.get_by_role("heading", name="刷身份证登录")).to_be_visible()
    assert page.evaluate(SMALLEST_TARGET) >= 64
    _keypad_types_a_code(page)

    page.get_by_role("button", name="模拟读卡（演示）").click()
    expect(page.get_by_role("heading", name="张*，您好")).to_be_visible()
    assert page.evaluate(SMALLEST_TARGET) >= 64
    case_url = _file_a_food_shop(page, site)

    # 即办: his ID card was read here, his 健康证明 and 不动产权证书 are in the library —
    # nothing for a person to check: accepted and decided at once (秒批).
    expect(page.locator("#case-state")).to_have_text("待领取")
    expect(page.locator(".instant-trace")).to_contain_text("秒批：系统已自动批准")
    # The receipt prints: the case, without the site's header or the kiosk's controls.
    expect(page.get_by_role("button", name="打印", exact=True)).to_be_visible()
    print_button = page.locator(".kiosk-print")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").evaluate(SHOWN)
    assert not print_button.evaluate(SHOWN)
    expect(page.locator("#case-state")).to_be_visible()
    expect(page.locator("#main")).to_contain_text("食品小经营店备案")
    page.emulate_media(media="screen")

    # He collects the certificate here and prints it: the certificate alone, with its QR.
    page.get_by_role("button", name="领取并打印证照").click()
    expect(page.get_by_role("heading", name="食品小经营店备案凭证")).to_be_visible()
    sheet = page.locator(".licence-sheet")
    expect(sheet).not_to_contain_text("142331198503151231", use_inner_text=True)  # masked
    number = page.locator(".licence-number").first.inner_text()
    expect(page.get_by_role("button", name="打印", exact=True)).to_be_visible()
    page.emulate_media(media="print")
    assert not page.locator(".site-header").evaluate(SHOWN)
    assert not page.locator(".kiosk-print").evaluate(SHOWN)
    assert page.locator(".licence-qr svg").evaluate(SHOWN)
    expect(sheet).to_contain_text(number)
    expect(sheet).to_contain_text("142331198503151231", use_inner_text=True)  # on paper
    page.emulate_media(media="screen")
    page.goto(case_url)
    expect(page.locator("#case-state")).to_have_text("已办结")

    # Idle (after 2 s here instead of a minute): the countdown, then the session ends and
    # nothing personal stays.
    page.evaluate(
        "() => { sessionStorage.setItem('draft', '张三'); localStorage.setItem('onething.note', '张三');"
        " localStorage.setItem('onething.kiosk_idle', '2'); }"
    )
    page.reload()
    expect(page.locator(".kiosk-countdown")).to_be_visible(timeout=10_000)
    expect(page.locator(".kiosk-countdown")).to_contain_text("秒后将退出")
    page.wait_for_url(f"{site}/kiosk/lishi-01/?ended=1", timeout=15_000)
    expect(page.get_by_role("heading", name="刷身份证登录")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("张")
    stored = page.evaluate(
        "() => [sessionStorage.length, Object.keys(localStorage).sort().join(',')]"
    )
    assert stored[0] == 0 and "onething.note" not in stored[1], stored
    assert "onething.kiosk" in stored[1].split(",")

    # The next person going back, or to the case, sees nothing of him.
    page.go_back()
    expect(page.locator("body")).not_to_contain_text("张三")
    page.goto(case_url)
    expect(page.locator("body")).not_to_contain_text("永宁中路12号")
    expect(page.locator("body")).not_to_contain_text("张三")


def test_the_phone_code_typed_on_the_keypad_signs_in_and_the_guide_prints(kiosk, site):
    from onething.kiosk.services import issue_sign_in_code
    from tests.factories import user

    page = kiosk
    code, _ = issue_sign_in_code(user("zhangsan"))
    page.get_by_label("登录码（8 位数字）").click()
    keypad = page.locator(".kiosk-keypad")
    for digit in code:
        keypad.locator(f'[data-key="{digit}"]').click()
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("heading", name="张*，您好")).to_be_visible()

    page.goto(site + "/guides/small_food_shop")
    expect(page.get_by_role("button", name="打印", exact=True)).to_be_visible()
    page.emulate_media(media="print")
    assert not page.locator(".site-header").evaluate(SHOWN)
    expect(page.locator("#main h1")).to_be_visible()
    page.emulate_media(media="screen")

    page.goto(site + "/kiosk/lishi-01/")
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="刷身份证登录")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("张*")
