"""秒批 end to end in Debian's Chromium: yaofang files 食品小经营店备案 (a shop of 30 m²,
its business licence already held), uploads its two materials; the 离石区 window sees
the originals and accepts; the platform approves the item at once — the case page shows
the rule trace and the certificate, which verifies at /verify/ — all in under a minute."""

import os
import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import PHONE, field, fits, flash

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread

SCREEN = {"viewport": {"width": 1920, "height": 1080}, "locale": "zh-CN"}
TYPED = {
    "经营场所": "山西省吕梁市离石区永宁中路12号",
    "经营面积（平方米）": "30",
    "食品经营项目": "预包装食品销售",
    "申请人姓名": "王康民",
    "身份证号": "142331196207082041",
}


def a_scan(tmp_path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(f"%PDF-1.4\n% {name}\n%%EOF".encode())
    return str(path)


def test_a_food_shop_filing_is_decided_instantly(site, people, tmp_path):
    started = time.monotonic()
    applicant = people("yaofang", SCREEN)
    applicant.goto(site + "/apply/small_food_shop")
    applicant.locator(".questions fieldset:visible").get_by_text("食品小销售店").click()
    applicant.wait_for_load_state("networkidle")
    applicant.locator(".questions fieldset:visible").get_by_text("是", exact=True).click()
    applicant.wait_for_load_state("networkidle")
    expect(applicant.get_by_role("heading", name="要办的事项（1 项）")).to_be_visible()
    for label, value in TYPED.items():
        field(applicant, label).fill(value)
    for material_id, name in (
        ("premises_proof", "租赁合同.pdf"),
        ("health_certificates", "健康证.pdf"),
    ):
        applicant.wait_for_load_state("networkidle")
        row = applicant.locator(f"#m-{material_id}")
        row.locator("input[type=file]").set_input_files(a_scan(tmp_path, name))
        expect(applicant.locator(f"#m-{material_id}")).to_contain_text(
            f"已上传：{name}", timeout=15_000
        )
    applicant.wait_for_load_state("networkidle")  # no autosave on its way
    applicant.get_by_role("button", name="提交申请").click()
    expect(applicant.locator("#case-state")).to_have_text("已提交")
    case_url = applicant.url

    # The window sees the originals (B) and accepts: the platform decides at once.
    clerk = people("clerk_lishi", SCREEN)
    clerk.goto(case_url)
    clerk.get_by_role("button", name=re.compile("^原件已全部核验")).click()
    expect(flash(clerk)).to_contain_text("已核验全部待核验材料的原件")
    clerk.get_by_role("button", name="受理", exact=True).click()
    expect(flash(clerk)).to_contain_text("已受理")

    # The applicant: the certificate, the trace, and the certificate verifies.
    applicant.goto(case_url)
    expect(applicant.locator("#case-state")).to_have_text("待领取")
    trace = applicant.locator(".instant-trace")
    expect(trace).to_contain_text("秒批：系统已自动批准")
    expect(trace).to_contain_text("经营面积（平方米）不超过50")
    results = applicant.locator("#results")
    expect(results).to_contain_text("电子证照")
    fits(applicant)
    results.get_by_role("link", name="验证").first.click()
    expect(applicant.locator("#verify-status")).to_have_text("有效")
    elapsed = time.monotonic() - started
    assert elapsed < 60, f"filing to a verified certificate took {elapsed:.1f} s"
    print(f"秒批: filing to a verified certificate in {elapsed:.1f} s")

    # The trace on a phone of 375 px: no sideways scrolling.
    phone = people("yaofang", {**PHONE, "viewport": {"width": 375, "height": 812}})
    phone.goto(case_url)
    expect(phone.locator(".instant-trace")).to_contain_text("秒批：系统已自动批准")
    fits(phone)
