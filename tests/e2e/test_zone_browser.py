"""专区办 in Chromium at 1920×1080, as issue 17 asks: the zone clerk uploads a 130-row
spreadsheet with 5 bad rows, sees the progress bar while the rows are checked and the 5
problems by row and column, confirms the 125 others, and accepts the batch at once; the
zone's page then counts them."""

import pytest
from playwright.sync_api import expect

from onething.cases.models import Case
from onething.zones.demo import DEMO_ZONE
from onething.zones.models import Zone
from onething.zones.sample import sample_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"viewport": {"width": 1920, "height": 1080}, "locale": "zh-CN"}
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


def test_zone_clerk_imports_confirms_and_accepts_a_batch(people, site, tmp_path):
    sheet = tmp_path / "荫营农贸市场新开办.xlsx"
    sheet.write_bytes(sample_xlsx(130, 5))
    page = people("clerk_jiaoqu", WIDE)
    page.goto(site + "/hall/desk/")
    page.get_by_role("link", name="专区办").click()
    page.get_by_role("link", name="郊区荫营农贸市场").click()
    expect(page.locator("#shared-list")).to_contain_text("场地证明")
    page.get_by_label("选择表格").set_input_files(str(sheet))
    page.get_by_role("button", name="上传并校验").click()

    expect(page.get_by_role("progressbar", name="校验进度")).to_be_visible()
    expect(page.locator("#progress-title")).to_have_text("校验完成，待确认", timeout=30_000)
    expect(page.locator("#progress-figures")).to_contain_text("通过 125 行，有问题 5 行")
    problems = page.locator("#row-problems li")
    expect(problems).to_have_count(5)
    expect(problems.nth(0)).to_have_text(
        "第 5 行「法定代表人身份证号」：校验码不正确，请核对最后一位"
    )
    expect(problems.nth(2)).to_contain_text("第 57 行「办理事项」")
    expect(problems.nth(3)).to_have_text("第 83 行「经营面积（平方米）」：必填")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1920

    page.get_by_role("button", name="确认申报 125 个企业").click()
    expect(page.locator(".flash")).to_contain_text("已为 125 个通过校验的企业申报")
    expect(page.locator("#batch-cases tbody tr")).to_have_count(125)
    page.get_by_role("button", name="一次受理 125 件").click()
    expect(page.locator(".flash")).to_contain_text("已一次受理本批次的 125 个办件")
    assert not Case.objects.filter(state="submitted").exists()

    page.goto(f"{site}/zones/{Zone.objects.get(code=DEMO_ZONE).public_id}")
    expect(page.locator("#figure-registered")).to_have_text("125")


def test_the_zone_pages_fit_a_phone_in_large_type(people, site):
    """The zone's page and a checked batch's (its problems, its cases) at 375 px, 大字版."""
    from onething.zones import services
    from tests.factories import user

    clerk = user("clerk_jiaoqu")
    zone = Zone.objects.get(code=DEMO_ZONE)
    batch = services.start_import(
        clerk, zone.public_id, "荫营农贸市场新开办企业名单.xlsx", sample_xlsx(12, 5)
    )
    while batch.state == "checking":
        batch = services.check_some(batch.pk)
    services.confirm_batch(clerk, batch.public_id)
    page = people("clerk_jiaoqu", PHONE)
    for mode in ("normal", "large"):
        if mode == "large":  # the header's 大字版 button, remembered for later pages
            page.goto(site + "/")
            page.get_by_role("button", name="大字版").click()
            expect(page.locator("html")).to_have_attribute("data-text", "large")
        for url in ("/zones/", f"/zones/{zone.public_id}", f"/zones/batches/{batch.public_id}"):
            page.goto(site + url)
            wide = page.evaluate("Math.max(document.documentElement.scrollWidth, innerWidth)")
            assert wide <= PHONE["viewport"]["width"], (mode, url, wide)
