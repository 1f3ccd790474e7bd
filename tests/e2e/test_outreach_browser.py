"""延伸办 in Debian's Chromium: a home visit accepted on a phone (375 px) by the visiting
clerk — refused before the identity check, then identity, the one form, a photo of a
material, accepted on site; and 帮办代办 at the window with the citizen's consent by the
code their phone received (read from the outbox), the case then in their 我的办件."""

import os
import re

import pytest
from playwright.sync_api import expect

from onething.cases.models import Case
from tests.e2e.browser import DESKTOP, PHONE, field, fits
from tests.factories import assist_ready, consent_code_sent_to, tiny_jpeg, visit_scheduled

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread

PHONE_375 = {**PHONE, "viewport": {"width": 375, "height": 812}}
ZHANGSAN_ID = "142331198503151231"


def fill_retirement(page) -> None:
    """退休一件事's questions and the fields the account could not fill in."""
    page.get_by_label("正常退休").check()
    page.get_by_role("radio", name="否").check()
    page.get_by_role("button", name="按回答更新表单").click()
    field(page, "参保单位名称").fill("吕梁市离石区第一中学")
    field(page, "申请退休日期").fill("2026-12-31")
    field(page, "银行账号（社会保障卡金融账户）").fill("6217000010001234567")


def test_a_home_visit_is_accepted_on_the_visiting_clerks_phone(people, site):
    visit = visit_scheduled()
    clerk = people("clerk_lishi", PHONE_375)
    clerk.goto(f"{site}/outreach/visits/{visit.public_id}")
    expect(clerk.locator("#visit-facts")).to_contain_text("滨河北中路")  # the address in full
    fits(clerk)
    clerk.get_by_role("button", name="现场受理").click()
    expect(clerk.locator(".flash")).to_contain_text("尚未核验申请人身份")
    assert not Case.objects.exists()

    clerk.get_by_label("身份证号码").fill("110105194912310029")
    clerk.get_by_role("button", name="核验身份").click()
    expect(clerk.locator(".flash")).to_contain_text("不一致")
    clerk.get_by_label("身份证号码").fill(ZHANGSAN_ID)
    clerk.get_by_label("身份证读卡器读取").check()
    clerk.get_by_role("button", name="核验身份").click()
    expect(clerk.locator("#identity-done")).to_contain_text("身份证读卡器读取")

    clerk.get_by_role("link", name="填写一表").click()
    fill_retirement(clerk)
    fits(clerk)
    clerk.get_by_role("button", name="保存一表").click()
    expect(clerk.locator(".flash")).to_contain_text("一表已填好")

    clerk.get_by_label("材料", exact=True).select_option(label="本人人事档案")
    camera = clerk.get_by_label("拍照", exact=True)
    assert camera.get_attribute("capture") == "environment"
    camera.set_input_files(
        {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": tiny_jpeg()}
    )
    clerk.get_by_role("button", name="保存照片").click()
    expect(clerk.locator("#photos")).to_contain_text("本人人事档案")
    fits(clerk)

    clerk.get_by_role("button", name="现场受理").click()
    expect(clerk.locator(".flash")).to_contain_text("已现场受理")
    expect(clerk.locator("#filed-by")).to_contain_text("上门核验本人身份后受理")
    fits(clerk)
    case = Case.objects.get()
    assert case.channel == "visit" and case.state == "in_progress"
    assert case.evidence.get(material_id="personnel_file").file_path

    citizen = people("zhangsan", PHONE_375)
    citizen.goto(f"{site}/outreach/visits/{visit.public_id}")
    expect(citizen.locator("#visit-state")).to_have_text("已上门受理")
    fits(citizen)
    citizen.get_by_role("button", name="大字版").click()
    expect(citizen.locator("html")).to_have_attribute("data-text", "large")
    fits(citizen)


def test_assisted_filing_at_the_window_with_consent_by_code(people, site):
    clerk = people("clerk_lishi", DESKTOP)
    clerk.goto(f"{site}/outreach/assist/")
    clerk.get_by_label("申请人身份证号码").fill("142331198503151232")
    clerk.get_by_role("button", name="查找并开始填写").click()
    expect(clerk.locator("#assist-errors")).to_contain_text("校验码不正确")
    clerk.get_by_label("申请人身份证号码").fill(ZHANGSAN_ID)
    clerk.get_by_label("办理的一件事").select_option(label="退休一件事")
    clerk.get_by_role("button", name="查找并开始填写").click()
    expect(clerk.locator("#assist-facts")).to_contain_text("142331********1231")
    fill_retirement(clerk)
    clerk.get_by_role("button", name="保存一表").click()
    expect(clerk.locator("#consent")).to_be_visible()

    clerk.get_by_role("button", name=re.compile("发送验证码")).click()
    expect(clerk.locator(".flash")).to_contain_text("139****2345")
    code = consent_code_sent_to("zhangsan")  # as the citizen's phone shows it
    clerk.get_by_label("申请人告知的验证码").fill(code)
    clerk.get_by_role("button", name="确认验证码并提交").click()
    expect(clerk.locator("#filed-by")).to_contain_text("代为填报（经本人短信验证码确认）")
    case = Case.objects.get(applicant__username="zhangsan")
    assert case.consent == "code" and case.filed_by.username == "clerk_lishi"

    citizen = people("zhangsan", PHONE_375)
    citizen.goto(f"{site}/my/")
    expect(citizen.locator("main")).to_contain_text(case.number)
    citizen.goto(f"{site}/cases/{case.public_id}")
    expect(citizen.locator("#filed-by")).to_contain_text("离石区政务服务中心综合窗口")
    fits(citizen)


def test_assisted_filing_with_a_signature_on_the_windows_tablet(people, site):
    clerk = people("clerk_lishi", DESKTOP)
    clerk.goto(f"{site}/outreach/assist/")
    clerk.get_by_label("申请人身份证号码").fill(ZHANGSAN_ID)
    clerk.get_by_label("办理的一件事").select_option(label="退休一件事")
    clerk.get_by_role("button", name="查找并开始填写").click()
    fill_retirement(clerk)
    clerk.get_by_role("button", name="保存一表").click()
    clerk.get_by_role("button", name="签名确认并提交").click()  # nothing drawn
    expect(clerk.locator(".flash")).to_contain_text("请申请人在签名板上签名")
    clerk.locator("#signature-pad").scroll_into_view_if_needed()
    pad = clerk.locator("#signature-pad").bounding_box()  # where it is on the screen
    clerk.mouse.move(pad["x"] + 40, pad["y"] + pad["height"] * 0.7)
    clerk.mouse.down()
    for step in range(1, 12):
        clerk.mouse.move(
            pad["x"] + 40 + step * 40, pad["y"] + pad["height"] * (0.3 + step % 2 * 0.4)
        )
    clerk.mouse.up()
    clerk.get_by_role("button", name="签名确认并提交").click()
    expect(clerk.locator("#filed-by")).to_contain_text("经本人当面签名确认")
    case = Case.objects.get(applicant__username="zhangsan")
    assert case.consent == "signature"


def test_the_outreach_pages_fit_a_phone_in_large_type(people, site):
    visit = visit_scheduled()
    assist = assist_ready()
    pages = {
        "clerk_lishi": [
            "/outreach/assist/",
            f"/outreach/assist/{assist.public_id}",
            "/outreach/visits/",
            f"/outreach/visits/{visit.public_id}",
            f"/outreach/visits/{visit.public_id}/form",
        ],
        "supervisor_lishi": ["/outreach/visits/", f"/outreach/visits/{visit.public_id}"],
        "zhangsan": ["/outreach/visits/", f"/outreach/visits/{visit.public_id}"],
    }
    for username, addresses in pages.items():
        page = people(username, PHONE_375)
        page.goto(site + "/")
        page.get_by_role("button", name="大字版").click()
        expect(page.locator("html")).to_have_attribute("data-text", "large")
        for address in addresses:
            assert page.goto(site + address).status == 200, address
            fits(page)
