"""The certificate pages: the holder's library and downloads, staff look-up, revocation
and the public verification page."""

import io
import json
import re

import pytest
from pypdf import PdfReader

from onething.licences.models import LicenceEvent
from tests.factories import element, elements, text_of, user

pytestmark = pytest.mark.django_db


def test_the_holder_finds_every_licence_and_downloads_it(client, drug):
    client.force_login(user("yaofang"))
    listing = client.get("/licences/")
    titles = [title.text for title in elements(listing, class_="case-title")]
    assert len(titles) == 6 and "药品经营许可证" in titles and "有效" in text_of(listing)
    response = client.get(f"/licences/{drug.number}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = re.sub(r"\s", "", reader.pages[0].extract_text())  # the title is letter-spaced
    assert (
        "药品经营许可证" in text
        and "吕梁康民大药房有限公司" in text
        and "吕梁市药品监督管理局" in text
    )
    embedded = json.loads(reader.attachments["licence.json"][0])
    assert embedded == drug.document
    response = client.get(f"/licences/{drug.number}.json")
    assert json.loads(response.content) == drug.document
    # Someone else's licence is not there for another applicant.
    client.force_login(user("zhangsan"))
    assert client.get(f"/licences/{drug.number}.pdf").status_code == 404
    assert client.get(f"/licences/{drug.number}").status_code == 404


def test_anyone_verifies_by_number_or_file_without_logging_in(client, drug):
    verified = client.get("/verify/", {"n": drug.number})
    assert element(verified, id="verify-status").text == "有效"
    assert "吕梁康民大药房有限公司" in text_of(verified)
    typo = drug.number[:-1] + ("A" if drug.number[-1] != "A" else "B")
    assert "校验位不符" in text_of(client.get("/verify/", {"n": typo}))
    document = drug.document
    document["data"]["企业名称"] = "冒名药房"
    upload = io.BytesIO(json.dumps(document, ensure_ascii=False).encode())
    upload.name = "licence.json"
    forged = client.post("/verify/", {"document": upload})
    assert element(forged, id="verify-status").text == "伪造或被篡改"
    assert "冒名药房" not in text_of(forged)
    garbage = io.BytesIO(b"\x89PNG not json")
    garbage.name = "x.json"
    assert "这不是证照数据文件" in text_of(client.post("/verify/", {"document": garbage}))


def test_the_issuing_department_revokes_and_verification_says_why(client, drug):
    client.force_login(user("r_mpa"))
    page = text_of(client.get(f"/licences/{drug.number}"))
    assert "撤销证照" in page
    client.post(f"/licences/{drug.number}/revoke", {"reason": "以欺骗手段取得许可"})
    client.logout()
    verified = client.get("/verify/", {"n": drug.number})
    assert element(verified, id="verify-status").text == "已撤销"
    assert "以欺骗手段取得许可" in text_of(verified)


def test_staff_look_licences_up_and_every_look_up_is_recorded(client, issued):
    client.force_login(user("clerk_lishi"))
    found = client.post("/licences/search", {"q": "91141102MA0K5R2C1K"}, follow=True)
    assert len(elements(found, class_="case-title")) == 6
    assert LicenceEvent.objects.filter(kind="lookup", actor=user("clerk_lishi")).count() == 6
    client.force_login(user("yaofang"))
    assert client.post("/licences/search", {"q": "91141102MA0K5R2C1K"}).status_code == 403


def test_the_next_package_does_not_ask_for_the_business_licence(client, issued):
    # A visitor reads the guide first (it is kept rendered for everyone without marks).
    assert "免提交：已有电子证照" not in text_of(
        client.get("/guides/utility_connection", {"needs_water": "true"})
    )
    client.force_login(user("yaofang"))
    guide = text_of(client.get("/guides/utility_connection", {"needs_water": "true"}))
    assert "1 项材料免提交" in guide and "免提交：已有电子证照《营业执照》" in guide
    updated = client.get(
        "/guides/utility_connection", {"needs_water": "true"}, headers={"HX-Request": "true"}
    )
    assert "1 项材料免提交" in text_of(updated) and not elements(updated, "html")
    form = text_of(client.get("/apply/utility_connection", {"needs_water": "true"}))
    assert "免提交：调用电子证照《营业执照》" in form
    # Anyone else reading the same guide is still told to bring it.
    client.force_login(user("zhangsan"))
    assert "免提交：已有电子证照《营业执照》" not in text_of(
        client.get("/guides/utility_connection", {"needs_water": "true"})
    )


def test_a_qr_code_signed_by_someone_else_is_caught_and_numbers_are_forgiving(client, drug):
    signature = drug.document["signature"]["value"]
    signed = client.get("/verify/", {"n": drug.number, "s": signature[:16]})
    assert element(signed, id="verify-status").text == "有效"
    forged = client.get("/verify/", {"n": drug.number, "s": "AAAAAAAAAAAAAAAA"})
    assert element(forged, id="verify-status").text == "伪造或被篡改"
    client.force_login(user("yaofang"))
    assert client.get(f"/licences/{drug.number.lower()}").status_code == 200
    client.force_login(user("clerk_lishi"))
    client.post("/licences/search", {"q": "91141102MA0K5R2C1K"}, follow=True)
    notes = set(LicenceEvent.objects.filter(kind="lookup").values_list("note", flat=True))
    assert notes == {"证照查询"}  # the code searched for is not kept in the record


def test_the_next_form_is_prefilled_from_the_licence_and_the_last_application(client, issued):
    client.force_login(user("yaofang"))
    page = text_of(
        client.get(
            "/apply/open_pharmacy",
            {"sells_food": "true", "sells_class2_devices": "true", "sells_class3_devices": "true"},
        )
    )
    assert "来自电子证照《营业执照》" in page  # e.g. 企业类型, 法定代表人 from the licence
    assert f"来自上次申报 {issued.number}" in page  # e.g. 质量负责人 from the pharmacy case
    assert "来自账户实名信息" in page
