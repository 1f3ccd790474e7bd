"""The certificates API: the holder's library, staff look-up (recorded), revocation and
public verification — numbers with dots in the path (SQLite and PostgreSQL passes)."""

import json
from urllib.parse import quote

import pytest
from django.test import Client

from onething.licences.models import LicenceEvent
from onething.licences.rendering import verify_url
from tests.factories import user

pytestmark = pytest.mark.django_db
USCC = "91141102MA0K5R2C1K"  # 吕梁康民大药房有限公司, the demo enterprise yaofang


@pytest.fixture
def drug(handed_over, drug):
    """The shared drug-business licence, its case handed over first (the services decided
    我要开药店 and the window handed everything over: six certificates)."""
    return drug


def public(method, path, body=None):
    """An anonymous caller: no token, no session."""
    client = Client()
    if body is None:
        response = getattr(client, method)(f"/api/v1{path}")
    else:
        response = getattr(client, method)(f"/api/v1{path}", body, content_type="application/json")
    return response.status_code, response.json()


def test_the_holder_lists_and_fetches_their_certificates(api, drug):
    status, mine = api.call("yaofang", "get", "/licences")
    assert status == 200 and len(mine) == 6
    assert {row["status"] for row in mine} == {"valid"}
    assert "药品经营许可证" in {row["type_name"] for row in mine}
    row = next(r for r in mine if r["number"] == drug.number)
    assert row["holder_name"] == "吕梁康民大药房有限公司"
    assert row["issuer_name"] == "吕梁市药品监督管理局" and row["status_label"] == "有效"
    assert "." in drug.number  # the path carries the dots as they are

    status, one = api.call("yaofang", "get", f"/licences/{drug.number}")
    assert status == 200, one
    assert one["document"] == drug.document and one["number"] == drug.number
    signature = drug.document["signature"]["value"]
    assert one["verify_url"] == verify_url(drug.number, signature)  # what the QR code carries
    # A number typed in lower case is the same certificate.
    status, lower = api.call("yaofang", "get", f"/licences/{drug.number.lower()}")
    assert status == 200 and lower["number"] == drug.number
    # The holder's own reads are not look-ups.
    assert not LicenceEvent.objects.filter(kind="lookup").exists()


def test_another_applicant_gets_404_and_staff_are_sent_to_the_holder_query(api, drug):
    status, body = api.call("zhangsan", "get", f"/licences/{drug.number}")
    assert status == 404 and "不存在" in body["detail"]
    status, body = api.call("zhangsan", "get", "/licences")  # his own only (the demo's)
    assert status == 200
    assert {b["type_id"] for b in body} == {"health_certificate", "real_estate_certificate"}
    status, body = api.call("zhangsan", "get", f"/licences?holder={USCC}")
    assert status == 403
    status, body = api.call("clerk_lishi", "get", "/licences")
    assert status == 403 and "holder" in body["detail"]
    assert Client().get("/api/v1/licences").status_code == 401


def test_staff_look_a_holder_up_and_every_look_up_is_recorded(api, drug):
    status, found = api.call("clerk_lishi", "get", f"/licences?holder={USCC.lower()}")
    assert status == 200 and len(found) == 6
    clerk = user("clerk_lishi")
    assert LicenceEvent.objects.filter(kind="lookup", actor=clerk).count() == 6
    assert not LicenceEvent.objects.filter(note__contains=USCC).exists()  # no codes in notes
    status, one = api.call("clerk_lishi", "get", f"/licences/{drug.number}")
    assert status == 200 and one["document"]["holder"]["code"] == USCC
    assert LicenceEvent.objects.filter(licence=drug, kind="lookup", actor=clerk).count() == 2
    status, none = api.call("clerk_lishi", "get", "/licences?holder=91110000100000000X")
    assert status == 200 and none == []


def test_the_public_verifies_a_number_without_logging_in(api, drug):
    status, answer = public("get", f"/verify/{drug.number}")
    assert status == 200, answer
    assert answer["status"] == "valid" and answer["status_label"] == "有效"
    assert answer["holder"] == "吕梁康民大药房有限公司" and answer["holder_code"] == USCC
    assert answer["type_name"] == "药品经营许可证" and answer["issuer"] == "吕梁市药品监督管理局"
    assert answer["issued_on"] == drug.issued_on.isoformat()
    assert answer["revoked_on"] is None and answer["revoked_reason"] is None

    # The QR code's signature prefix: the right one passes, another one is a forgery.
    signature = drug.document["signature"]["value"]
    status, answer = public("get", f"/verify/{drug.number}?s={quote(signature[:16])}")
    assert answer["status"] == "valid"
    status, answer = public("get", f"/verify/{drug.number}?s=AAAAAAAAAAAAAAAA")
    assert answer["status"] == "forged" and answer["holder"] is None


def test_unknown_and_mistyped_numbers_say_what_is_wrong(api, drug):
    last = drug.number[-1]
    typo = drug.number[:-1] + ("A" if last != "A" else "B")
    status, answer = public("get", f"/verify/{typo}")
    assert status == 200 and answer["status"] == "unknown"
    assert "校验位不符" in answer["message"] and answer["holder"] is None
    # A serial nobody was given: a well-formed number the registry does not know.
    from onething.licences.identifiers import make_number, parse_number

    parsed = parse_number(drug.number)
    unknown = make_number(parsed.type_code, parsed.issuer_uscc, 9_999_999)
    status, answer = public("get", f"/verify/{unknown}")
    assert answer["status"] == "unknown" and answer["status_label"] == "未找到"
    assert "没有这个编号" in answer["message"]
    status, answer = public("get", "/verify/not-a-number/at all")
    assert status == 200 and answer["status"] == "unknown" and "格式不正确" in answer["message"]


def test_the_public_verifies_the_signed_document(api, drug):
    document = drug.document
    status, answer = public("post", "/verify", document)
    assert status == 200 and answer["status"] == "valid", answer
    assert answer["holder"] == "吕梁康民大药房有限公司"

    forged = json.loads(json.dumps(document))
    forged["data"]["企业名称"] = "冒名药房"
    status, answer = public("post", "/verify", forged)
    assert answer["status"] == "forged" and answer["status_label"] == "伪造或被篡改"
    assert answer["holder"] is None and "冒名药房" not in json.dumps(answer, ensure_ascii=False)
    forged = json.loads(json.dumps(document))
    forged["valid_until"] = "2099-12-31"
    status, answer = public("post", "/verify", forged)
    assert answer["status"] == "forged"

    response = Client().post("/api/v1/verify", b"\x89PNG", content_type="application/json")
    assert response.status_code == 400 and "不是证照数据文件" in response.json()["detail"]
    status, answer = public("post", "/verify", ["not", "a", "licence"])
    assert answer["status"] == "forged"


def test_the_issuing_department_revokes_and_verification_says_why(api, drug):
    status, body = api.call("yaofang", "post", f"/licences/{drug.number}/revoke", {"reason": "x"})
    assert status == 403  # the holder cannot
    status, body = api.call(
        "r_amr_lishi", "post", f"/licences/{drug.number}/revoke", {"reason": "x"}
    )
    assert status == 403 and "本部门" in body["detail"]  # sees it, did not issue it
    status, body = api.call("r_mpa", "post", f"/licences/{drug.number}/revoke", {"reason": " "})
    assert status == 400 and "撤销理由" in body["detail"]
    status, body = api.call(
        "r_mpa", "post", f"/licences/{drug.number}/revoke", {"reason": "以欺骗手段取得许可"}
    )
    assert status == 200, body
    assert body["status"] == "revoked" and body["revoked_reason"] == "以欺骗手段取得许可"
    status, again = api.call("r_mpa", "post", f"/licences/{drug.number}/revoke", {"reason": "再次"})
    assert status == 409

    status, answer = public("get", f"/verify/{drug.number}")
    assert answer["status"] == "revoked" and answer["status_label"] == "已撤销"
    assert answer["revoked_reason"] == "以欺骗手段取得许可" and answer["revoked_on"]
    status, answer = public("post", "/verify", drug.document)
    assert answer["status"] == "revoked" and answer["revoked_reason"] == "以欺骗手段取得许可"
    status, mine = api.call("yaofang", "get", "/licences")
    assert [r["status"] for r in mine if r["number"] == drug.number] == ["revoked"]
    status, body = api.call("r_mpa", "post", "/licences/1.2.156.3005.2.X/revoke", {"reason": "x"})
    assert status == 404


def test_a_person_holder_is_masked_on_the_public_answer(api):
    from onething.catalog.services import current_catalog
    from onething.licences.services import Issue, issue

    kind = next(iter(current_catalog().catalog.licence_types.values()))
    person = user("zhangsan")
    licence = issue(
        Issue(
            licence_type=kind,
            holder=person,
            department="amr",
            department_name="市场监督管理局",
            jurisdiction="141102",
            jurisdiction_name="离石区",
            data={},
        )
    )
    status, answer = public("get", f"/verify/{licence.number}")
    assert answer["status"] == "valid" and answer["holder"] == "张*"
    assert answer["holder_code"] == "142331********1231"


def test_openapi_lists_the_licence_endpoints(api):
    schema = Client().get("/openapi.json").json()
    paths = schema["paths"]
    for path, method in (
        ("/api/v1/licences", "get"),
        ("/api/v1/licences/{number}", "get"),
        ("/api/v1/licences/{number}/revoke", "post"),
        ("/api/v1/verify/{number}", "get"),
        ("/api/v1/verify", "post"),
    ):
        assert method in paths[path], path
        assert "licences" in paths[path][method]["tags"]
    assert "security" not in paths["/api/v1/verify/{number}"]["get"]
    assert "security" in paths["/api/v1/licences"]["get"]
    body = paths["/api/v1/verify"]["post"]["requestBody"]["content"]["application/json"]
    assert "signature" in body["schema"]["properties"]
    out = schema["components"]["schemas"]["VerificationOut"]["properties"]
    assert "masked" in out["holder"]["description"]
