"""我要开药店 as a person meets it, on a phone, in Debian's Chromium: a real ID number of a
code that no longer exists files; each material is uploaded at its place before
submitting; 营业执照 and 申请书 are never asked for; the window accepts with a 受理通知书,
checks the originals and sends the results by post with a tracking number; the applicant
finds the results first, follows the case without logging in, and a bank verifies the
certificate PDF itself at /verify/."""

import os
import re

import pytest
from playwright.sync_api import expect

from onething.cases.models import Case
from tests.e2e.browser import PHONE, TYPED, field, fits, flash
from tests.factories import decide_all

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread

ALL_YES = 4


def material(page, material_id):
    return page.locator(f"#m-{material_id}")


def a_scan(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_bytes(f"%PDF-1.4\n% {text}\n%%EOF".encode())
    return str(path)


def answer_every_question_yes(page) -> None:
    for number in range(1, ALL_YES + 1):
        expect(page.locator(".stepper-count")).to_have_text(f"第 {number} / {ALL_YES} 题")
        page.locator(".questions fieldset:visible").get_by_text("是", exact=True).click()
        page.wait_for_load_state("networkidle")


def test_the_pharmacy_journey_on_a_phone(browser, site, people, tmp_path):
    applicant = people("yaofang", PHONE)
    applicant.goto(site + "/apply/open_pharmacy")
    answer_every_question_yes(applicant)
    expect(applicant.get_by_role("heading", name="要办的事项（7 项）")).to_be_visible()
    field(applicant, "企业类型").select_option("有限责任公司")
    for label, value in {**TYPED, "法定代表人（负责人）身份证号": "142301198001011230"}.items():
        field(applicant, label).fill(value)

    # 免提交: what this package issues and what the platform makes are never uploads.
    licence = material(applicant, "business_licence")
    expect(licence).to_contain_text("由本件事“企业设立登记”生成")
    expect(licence.locator("input[type=file]")).to_have_count(0)
    form = material(applicant, "application_form")
    expect(form).to_contain_text("由平台按一表申报内容自动生成")
    expect(form.locator("input[type=file]")).to_have_count(0)

    # Each material uploaded at its place, before submitting.
    for material_id, name in (
        ("premises_proof", "租赁合同.pdf"),
        ("premises_layout", "平面图.pdf"),
    ):
        # As a person would: the list the last upload brought back is in place (htmx has
        # bound its inputs) and no autosave is on its way before the next file is chosen.
        applicant.wait_for_load_state("networkidle")
        row = material(applicant, material_id)
        row.locator("input[type=file]").set_input_files(a_scan(tmp_path, name, material_id))
        # An upload is checked (type by content, pages, blank pages) and encrypted before
        # the list comes back: more than a click's time on a busy machine.
        expect(material(applicant, material_id)).to_contain_text(f"已上传：{name}", timeout=15_000)
    fits(applicant)
    applicant.get_by_role("button", name="提交申请").click()
    expect(applicant.locator("#case-state")).to_have_text("已提交")
    precheck = applicant.locator("#precheck")
    expect(precheck).not_to_contain_text("经营场所使用证明")
    expect(precheck).not_to_contain_text("营业执照")
    expect(precheck).not_to_contain_text("申请书")
    case_url = applicant.url
    case = Case.objects.get(public_id=case_url.rstrip("/").rsplit("/", 1)[-1])
    assert case.form["legal_rep_id_number"] == "142301198001011230"

    # The results by post.
    choose = applicant.locator("#delivery")
    choose.get_by_label(re.compile("^邮寄送达")).check()
    choose.get_by_label("收件人", exact=True).fill("王康民")
    choose.get_by_label("收件人电话").fill("13935800001")
    choose.get_by_label("邮寄地址").fill("山西省吕梁市离石区永宁中路88号")
    choose.get_by_role("button", name="保存领取方式").click()
    expect(flash(applicant)).to_contain_text("已选择领取方式：邮寄送达")
    fits(applicant)

    # The window accepts: a 受理通知书 with the items' dates.
    clerk = people("clerk_lishi")
    clerk.goto(case_url)
    clerk.get_by_role("button", name="受理", exact=True).click()
    expect(flash(clerk)).to_contain_text("已受理：7 个事项已分送各部门并联办理")
    notice = clerk.get_by_role("link", name=re.compile("受理通知书 PDF"))
    expect(notice).to_be_visible()
    assert clerk.request.get(site + notice.get_attribute("href")).headers["content-type"] == (
        "application/pdf"
    )

    decide_all(case)

    # The originals checked, then the results sent with a tracking number.
    clerk.reload()
    clerk.get_by_role("button", name=re.compile("^原件已全部核验")).click()
    expect(flash(clerk)).to_contain_text("已核验全部待核验材料的原件")
    handover = clerk.locator("#hand-over")
    handover.get_by_label("承运单位").select_option("中国邮政EMS")
    handover.get_by_label("运单号").fill("1190123456789")
    handover.get_by_role("button", name="寄出（出件）").click()
    expect(flash(clerk)).to_contain_text("已出件：全部结果已交寄")

    # The applicant: results first, the tracking number, and 好差评 on the first screen.
    applicant.goto(case_url)
    expect(applicant.locator("#case-state")).to_have_text("已办结")
    results = applicant.locator("#results")
    expect(results).to_contain_text("《营业执照》")
    expect(results.get_by_role("link", name="下载证照 PDF").first).to_be_visible()
    rate = applicant.get_by_role("link", name="评价本次服务（好差评）")
    assert rate.bounding_box()["y"] < PHONE["viewport"]["height"]
    expect(applicant.locator("#delivery-state")).to_contain_text("1190123456789")
    expect(applicant.locator("#materials")).not_to_have_attribute("open", "")  # folded
    fits(applicant)
    applicant.get_by_role("button", name="我已收到").click()
    expect(applicant.locator("#delivery-state")).to_contain_text("申请人确认收到")

    # 办件进度查询 without logging in, by number and the applicant's name.
    stranger = browser.new_context(**PHONE)
    try:
        page = stranger.new_page()
        page.goto(site + "/progress/")
        page.get_by_label("受理编号").fill(case.number)
        page.get_by_label("申请人姓名或手机号后四位").fill("1234")  # yaofang: 1360358 1234
        page.get_by_role("button", name="查询").click()
        expect(page.locator("#progress-state")).to_have_text("已办结")
        fits(page)
    finally:
        stranger.close()
