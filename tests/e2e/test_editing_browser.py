"""事项编制 in Chromium: an editor lowers a promised time and adds a material, meets a
problem at its field and fixes it, previews the guide's new figures; the publisher reads
the differences and publishes; a new application shows the new guide while an older
case keeps its own. And the editor's pages fit a phone, 大字版 and 1920×1080."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import DESKTOP, PHONE, fits, flash
from tests.factories import accepted_pharmacy

pytestmark = pytest.mark.browser

ALL = "sells_food=true&sells_class2_devices=true&sells_class3_devices=true&has_signboard=true"


def test_edit_check_preview_publish_and_cases_keep_their_version(people, site):
    older = accepted_pharmacy()  # filed under version 1
    editor = people("editor")
    expect(editor).to_have_url(site + "/editing/")
    editor.get_by_label("搜索事项（名称或编号）").fill("药品经营")
    editor.get_by_role("button", name="搜索").click()
    editor.get_by_role("link", name="drug_retail_licence").click()
    promised = editor.get_by_label("承诺办结时限（工作日）")
    promised.fill("30")
    editor.locator('[name="materials[9].material"]').fill("property_certificate")
    editor.get_by_role("button", name="保存并检查").click()
    at_field = editor.locator(".form-row.has-error", has=editor.locator("#promised_days"))
    expect(at_field.locator(".field-error")).to_contain_text("超过了法定时限 20 个工作日")
    expect(editor.locator('[name="materials[9].material"]')).to_have_value("property_certificate")
    editor.get_by_label("承诺办结时限（工作日）").fill("10")
    editor.get_by_role("button", name="保存并检查").click()
    expect(flash(editor)).to_contain_text("检查通过")

    editor.goto(f"{site}/editing/preview/open_pharmacy?{ALL}")
    draft, published = editor.locator("#draft-guide"), editor.locator("#published-guide")
    expect(draft.locator("[data-figure=days]")).to_have_text("46 → 15 个工作日")
    expect(published.locator("[data-figure=days]")).to_have_text("51 → 15 个工作日")
    expect(draft.locator("[data-figure=materials]")).to_have_text("43 → 22 份")
    expect(published.locator("[data-figure=materials]")).to_have_text("42 → 21 份")
    editor.goto(f"{site}/editing/")
    editor.get_by_role("button", name="提交审核").click()
    expect(editor.locator("#draft-state")).to_have_text("待审核")

    publisher = people("publisher")
    expect(publisher).to_have_url(site + "/editing/review")
    expect(publisher.locator("#differences")).to_contain_text(
        "事项 药品经营许可证核发（零售）：承诺时限 15 → 10 个工作日；"
        "新增申请材料 不动产权证书（房屋所有权证）"
    )
    publisher.get_by_role("button", name="审核通过，发布").click()
    expect(flash(publisher)).to_contain_text("已发布新版本目录")
    expect(publisher.locator("#versions")).to_contain_text("第 2 版（现行）")

    applicant = people("yaofang")
    applicant.goto(f"{site}/guides/open_pharmacy?{ALL}")
    expect(applicant.locator(".item-list")).to_contain_text("承诺10个工作日")
    expect(applicant.get_by_text("不动产权证书（房屋所有权证）").first).to_be_visible()
    applicant.goto(f"{site}/cases/{older.public_id}")
    expect(applicant.get_by_text("承诺 15 个工作日").first).to_be_visible()
    expect(applicant.locator("main")).not_to_contain_text("不动产权证书（房屋所有权证）")


def test_the_editors_pages_fit_a_phone_large_type_and_a_wide_screen(browser, site):
    from tests.e2e.browser import log_in

    for device, username in ((PHONE, "editor"), (DESKTOP, "publisher")):
        context = browser.new_context(**{**device, "viewport": {"width": 375, "height": 800}})
        page = context.new_page()
        log_in(page, site, username)
        for path in (
            "/editing/",
            "/editing/items/drug_retail_licence",
            "/editing/packages/open_pharmacy",
            "/editing/preview/open_pharmacy",
            "/editing/review",
        ):
            page.goto(site + path)
            fits(page)
            page.get_by_role("button", name="大字版").click()
            fits(page)
            page.get_by_role("button", name="大字版").click()
        context.close()
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    log_in(page, site, "editor")
    for path in ("/editing/items/drug_retail_licence", "/editing/packages/open_pharmacy"):
        page.goto(site + path)
        fits(page)
    context.close()
