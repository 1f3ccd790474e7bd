"""秒批 and 网办深度 over HTTP: the case page shows the rule trace (the applicant's and the
reviewer's view), the guide page and PDF show each item's online depth, the public
figures count the items fully online."""

import io

from pypdf import PdfReader

from tests.factories import as_user, food_shop_case, text_of


def test_the_case_page_shows_the_trace_of_an_instant_approval(client, demo):
    case = food_shop_case("30")
    page = text_of(as_user(client, "yaofang").get(f"/cases/{case.public_id}"))
    assert "秒批：系统已自动批准" in page
    assert "申请材料均为A级（电子证照）或B级（窗口已核验原件）" in page
    assert "经营面积（平方米）不超过50 — 经营面积（平方米）为30" in page
    assert "依据：《山西省食品小作坊小经营店小摊点管理条例》" in page
    assert "秒批（系统自动批准）" in page  # the timeline names the system's approval


def test_the_reviewer_sees_which_rule_failed(client, demo):
    case = food_shop_case("80")
    page = text_of(as_user(client, "r_amr_lishi").get(f"/cases/{case.public_id}"))
    assert "秒批未通过：以下规则未满足，转人工审查" in page
    failed = page.split('class="rule-failed">')[1].split("</li>")[0]
    assert "未满足" in failed and "经营面积（平方米）不超过50 — 经营面积（平方米）为80" in failed
    assert "认领" in page  # left for the reviewer


def test_the_guide_shows_each_items_online_depth(client, demo):
    page = text_of(client.get("/guides/small_food_shop"))
    assert "网办深度：全程网办" in page and "符合条件秒批" in page
    page = text_of(client.get("/guides/open_pharmacy"))
    assert "网办深度：窗口办理" in page or "网办深度：网上申请、一次到窗口" in page
    pdf = client.get("/guides/small_food_shop.pdf")
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "全程网办" in text and "符合条件秒批" in text


def test_the_public_figures_count_the_items_fully_online(client, demo):
    page = text_of(client.get("/figures/"))
    assert '<strong id="public-fully-online">26</strong>' in page and "共 92 个事项" in page
    assert '<strong id="public-instant">1</strong>' in page
    assert 'id="public-cross-province"' in page and "/exchange/figures" in page  # 跨省通办
