"""The acceptance journey in Debian's Chromium: 我要开药店 from the guide to the one handover and the certificates in hand,
through the pages, with the demo accounts — one browser context per person."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import DESKTOP, PHONE, TYPED, field, flash

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread

# 市县联动: the two city-only licences go up to 吕梁市; the rest stay in 离石区.
SECOND_WAVE = {
    "r_mpa": ["药品经营许可证核发（零售）", "第三类医疗器械经营许可"],
    "r_mpa_lishi": ["第二类医疗器械经营备案"],
    "r_amr_lishi": ["食品经营许可"],
    "r_urban_lishi": ["门头招牌设置审批（城市户外广告设施设置）"],
    "r_psb_lishi": ["公章刻制备案"],
}


def item(page, name):
    """A task of the case page: a region named by its item."""
    return page.get_by_role("region", name=name, exact=True)


def test_open_a_pharmacy_from_the_guide_to_the_one_handover(browser, site, people):
    # The applicant answers the guide's questions and files at 离石区.
    applicant = people("yaofang")
    expect(applicant).to_have_url(site + "/my/")
    applicant.goto(site + "/guides/open_pharmacy")
    for fieldset in applicant.locator(".questions fieldset").all():
        fieldset.get_by_text("是", exact=True).click()
        applicant.wait_for_load_state("networkidle")
    expect(applicant.locator(".item-row")).to_have_count(7)
    applicant.get_by_role("link", name="在线申报").click()
    expect(applicant.get_by_role("heading", name="在线申报：我要开药店")).to_be_visible()
    expect(applicant.get_by_role("heading", name="要办的事项（7 项）")).to_be_visible()
    expect(applicant.get_by_text("已自动填写")).to_have_count(3)
    expect(applicant.get_by_label("企业名称")).to_have_value("吕梁康民大药房有限公司")
    expect(applicant.get_by_label("经营场所或住所所在县（市、区）")).to_have_value("141102")
    field(applicant, "企业类型").select_option("有限责任公司")
    for label, value in TYPED.items():
        field(applicant, label).fill(value)
    applicant.get_by_role("button", name="提交申请").click()
    expect(flash(applicant)).to_contain_text("申请已提交，受理编号 141102-")
    case_url = applicant.url
    number = re.search(r"受理编号 (141102-\d{8}-\d{6})", flash(applicant).inner_text()).group(1)
    expect(applicant.locator("#case-state")).to_have_text("已提交")

    # The county window accepts it from its queue.
    clerk = people("clerk_lishi")
    expect(clerk).to_have_url(site + "/window/")
    expect(clerk.get_by_role("heading", name="待受理（1）")).to_be_visible()
    clerk.get_by_role("link", name=number).click()
    clerk.get_by_role("button", name="受理", exact=True).click()
    expect(flash(clerk)).to_contain_text("已受理：7 个事项已分送各部门并联办理")

    # Business registration comes first, with one supplement round-trip.
    amr = people("r_amr_lishi")
    expect(amr).to_have_url(site + "/review/")
    amr.get_by_role("link", name="待认领").click()
    amr.get_by_role("link", name="企业设立登记").click()
    registration = item(amr, "企业设立登记")
    registration.get_by_role("button", name="认领").click()
    registration.get_by_text("要求补正").click()
    registration.get_by_label(re.compile("需要补正的内容")).fill("经营场所租赁合同缺少出租方签章")
    registration.get_by_role("button", name="发出补正通知").click()
    expect(registration.get_by_text("补正中", exact=True)).to_be_visible()

    applicant.reload()
    expect(applicant.get_by_text("下一步：请补正：企业设立登记")).to_be_visible()
    supplement = item(applicant, "企业设立登记")
    expect(supplement).to_contain_text("经营场所租赁合同缺少出租方签章")
    supplement.get_by_label(re.compile("补正说明")).fill("已上传出租方签章完整的租赁合同")
    supplement.get_by_role("button", name="提交补正材料").click()
    expect(flash(applicant)).to_contain_text("补正材料已提交")

    amr.reload()
    registration.get_by_role("button", name="批准", exact=True).click()
    expect(registration.get_by_text("已批准", exact=True)).to_be_visible()

    # Then the city and the county departments decide their items in parallel.
    reviewers = {"r_amr_lishi": amr}
    for username in SECOND_WAVE:
        if username not in reviewers:
            reviewers[username] = people(username)
    for username, page in reviewers.items():
        page.goto(site + "/review/?show=todo")
        for name in SECOND_WAVE[username]:
            expect(page.get_by_role("link", name=name)).to_be_visible()
        page.get_by_role("link", name=SECOND_WAVE[username][0]).click()
        for name in SECOND_WAVE[username]:
            item(page, name).get_by_role("button", name="认领").click()
            expect(item(page, name).get_by_text("审查中", exact=True)).to_be_visible()
    for username, page in reviewers.items():
        page.reload()
        for name in SECOND_WAVE[username]:
            item(page, name).get_by_role("button", name="批准", exact=True).click()
            expect(item(page, name).get_by_text("已批准", exact=True)).to_be_visible()

    # Every item is decided: the window hands everything over at once.
    clerk.goto(site + "/window/")
    expect(clerk.get_by_role("heading", name="待出件（1）")).to_be_visible()
    clerk.get_by_role("link", name=number).click()
    # 核验: the applicant brought the originals; the handover waits for them.
    clerk.get_by_role("button", name=re.compile("^原件已全部核验")).click()
    clerk.get_by_role("button", name="出件", exact=True).click()
    expect(flash(clerk)).to_contain_text("办件已办结")

    applicant.goto(case_url)
    expect(applicant.locator("#case-state")).to_have_text("已办结")
    expect(applicant.get_by_text(re.compile("已办结：全部结果已于"))).to_be_visible()
    expect(applicant.get_by_text("7/7 项已办结").first).to_be_visible()
    applicant.goto(site + "/my/")
    expect(applicant.get_by_text("下一步：已办结，结果已领取")).to_be_visible()

    # 一次办成 ends with results in hand: every certificate in 我的证照, each verifiable.
    applicant.get_by_role("link", name="我的证照").click()
    expect(applicant.locator(".licence-card")).to_have_count(6)
    applicant.get_by_role("link", name="药品经营许可证", exact=True).click()
    expect(applicant.locator("#licence-status")).to_have_text("有效")
    pdf_link = applicant.get_by_role("link", name="下载 PDF").get_attribute("href")
    pdf = applicant.request.get(site + pdf_link)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    data_link = applicant.get_by_role("link", name="下载数据（JSON）").get_attribute("href")
    document = applicant.request.get(site + data_link).json()
    assert (
        document["type_name"] == "药品经营许可证" and document["signature"]["scheme"] == "ed25519"
    )
    qr_target = applicant.get_by_role("link", name="验证页面").get_attribute("href")
    assert qr_target.startswith(site + "/verify/?n=")
    stranger = browser.new_context(**DESKTOP)  # scanning the QR code, not logged in
    try:
        page = stranger.new_page()
        page.goto(qr_target)
        expect(page.locator("#verify-status")).to_have_text("有效")
        expect(page.get_by_text("吕梁康民大药房有限公司")).to_be_visible()
    finally:
        stranger.close()

    # On a phone the applicant's case page fits the screen.
    phone = people("yaofang", PHONE)
    phone.goto(case_url)
    expect(phone.locator("#case-state")).to_have_text("已办结")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    box = phone.get_by_role("link", name=re.compile("补正通知书")).first.bounding_box()
    assert box["height"] >= 44  # large enough to tap
