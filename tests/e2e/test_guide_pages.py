"""The guide pages over HTTP: list, search, questions, errors, PDF and QR code."""

import io

from pypdf import PdfReader

from tests.factories import elements, parse_html, text_of


def savings(response) -> list[tuple[str, str]]:
    """The figures the guide shows going down: (from, to) of each saving."""
    return [
        (figure.element("span", class_="from").text, figure.element("span", class_="to").text)
        for figure in elements(response, "dd")
        if figure.elements("span", class_="from")
    ]


def test_home_lists_packages_with_their_savings(client, small_in_db):
    page = text_of(client.get("/"))
    assert "我要开店" in page
    assert "材料 11→6 份" in page and "时限 31→19 个工作日" in page and "跑动 9→1 次" in page


def test_search_finds_by_keyword_and_says_when_nothing_matches(client, small_in_db):
    assert "我要开店" in text_of(client.get("/", {"q": "我想开个门店"}))
    page = text_of(client.get("/", {"q": "潜水艇"}))
    assert "没有找到与“潜水艇”相关的事项" in page


def test_home_before_any_catalogue(client, db):
    assert "尚未导入事项目录" in text_of(client.get("/"))


def test_guide_page_shows_questions_and_the_guide_for_the_answers(client, small_in_db):
    response = client.get("/guides/open_shop")
    page = text_of(response)
    assert "是否经营食品？" in page and elements(response, "input", name="size", value="大型")
    assert "还有 2 个问题未回答" in page
    answered = client.get("/guides/open_shop", {"sells_food": "true", "size": "大型"})
    assert "公众聚集场所投入使用营业前消防安全检查" in text_of(answered)
    assert elements(answered, "input", value="true", checked=True)
    for figure in (("11", "6"), ("31", "19")):
        assert figure in savings(answered)


def test_htmx_gets_only_the_guide(client, small_in_db):
    response = client.get("/guides/open_shop", {"sells_food": "false"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    top = [child for child in parse_html(response).children if not isinstance(child, str)]
    assert top[0].tag == "div" and top[0].attrs["id"] == "guide-body"  # the guide comes first
    assert not elements(response, "html")  # and only the guide


def test_a_bad_answer_is_named_in_chinese_and_ignored(client, small_in_db):
    response = client.get("/guides/open_shop", {"size": "巨型", "sells_food": "maybe"})
    page = text_of(response)
    assert response.status_code == 400
    assert "“经营面积多大？”的回答“巨型”无效，请选择“小型”、“中型”、“大型”。" in page
    assert "“是否经营食品？”的回答“maybe”无效，请选择“是”或“否”。" in page


def test_html_in_answers_is_escaped(client, small_in_db):
    page = client.get("/guides/open_shop", {"size": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_unknown_package_is_a_404_page_in_chinese(client, small_in_db):
    response = client.get("/guides/open_zoo")
    assert response.status_code == 404
    assert "没有编号为 open_zoo 的一件事" in text_of(response)


def test_pdf_guide_has_the_chinese_text_and_the_figures(client, small_in_db):
    response = client.get("/guides/open_shop.pdf", {"sells_food": "true", "size": "大型"})
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        "我要开店",
        "一次告知办事指南",
        "11 → 6",
        "31 → 19",
        "9 → 1",
        "食品经营许可",
        "消防安全制度和应急预案",
        "经营面积多大？大型",
        "/guides/open_shop?sells_food=true&size=",
    ):
        assert expected in text, expected


def test_hall_sign_pdf_lists_every_case_with_its_condition(client, small_in_db):
    response = client.get("/guides/open_shop.pdf", {"scope": "all"})
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "全部情形版" in text
    assert "“是否经营食品”为“是”时办理" in text.replace("\n", "")


def test_pdf_embeds_its_fonts(client, small_in_db):
    reader = PdfReader(io.BytesIO(client.get("/guides/open_shop.pdf").content))
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts.append(
                (
                    str(font["/BaseFont"]),
                    any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")),
                )
            )
    assert fonts and all(embedded for _, embedded in fonts), fonts
    assert any("CJK" in name for name, _ in fonts)


def test_qr_code_is_an_svg(client, small_in_db):
    response = client.get("/guides/open_shop/qr.svg", {"size": "小型"})
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<?xml") or b"<svg" in response.content[:200]


def test_plain_language_search_on_the_demo(client, demo):
    page = text_of(client.get("/", {"q": "想开个药店"}))
    assert "我要开药店" in page and "我要开办企业" not in page
    assert "新生儿出生一件事" in text_of(client.get("/", {"q": "孩子出生了怎么办"}))
