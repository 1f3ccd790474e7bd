"""跨省通办 over HTTP: the clerk's 收件 form and the case page (personal data masked),
the supervisor's messages and refusals (retry, cancel), the administrator's partners and
keys, the node-to-node inbox's refusals in Chinese JSON, the public identity and figures,
and the same actions through the API."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client

from onething.exchange.models import OutboundMessage, Partner, Refusal, RemoteCase
from tests.factories import as_user, element, exchange_partner, text_of

ID_NUMBER = "142331198503151231"
FORM = {
    "partner": "yulin",
    "package": "no_criminal_record",
    "name": "张三",
    "id_number": ID_NUMBER,
    "phone": "13935812345",
    "f_certificate_purpose": "入职",
    "collection": "window",
}
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def partner(demo):
    return exchange_partner()


def test_a_clerk_receives_and_forwards_and_sees_the_case_masked(client, partner):
    as_user(client, "clerk")
    page = client.get("/exchange/")
    assert page.status_code == 200
    assert "开具无犯罪记录证明" in text_of(page) and "收件并转办" in text_of(page)
    assert element(page, "input", name="material_applicant_id") is not None
    with_file = dict(FORM, material_applicant_id=_upload())
    answer = client.post("/exchange/forward", with_file)
    remote = RemoteCase.objects.get()
    assert answer.status_code == 302 and answer.url == f"/exchange/cases/{remote.ref}"
    shown = client.get(answer.url, follow=True)
    words = text_of(shown)
    assert "142331********1231" in words and ID_NUMBER not in shown.content.decode()
    assert "待对方签收" in words and "转办期限" in words
    message = OutboundMessage.objects.get()
    assert message.kind == "application" and ID_NUMBER not in message.secret


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("id.png", PNG, content_type="image/png")


@pytest.mark.parametrize(
    "change, words",
    [
        ({"id_number": "142331198503151232"}, "身份证号码"),
        ({"f_certificate_purpose": ""}, "证明用途"),
        ({"package": "open_pharmacy"}, "跨省通办清单中没有"),
    ],
)
def test_a_bad_forwarding_is_named_and_nothing_is_sent(client, partner, change, words):
    as_user(client, "clerk")
    answer = client.post("/exchange/forward", dict(FORM, **change), follow=True)
    assert words in text_of(answer)
    assert not RemoteCase.objects.exists() and not OutboundMessage.objects.exists()


def test_the_supervisor_sees_messages_and_refusals_and_retries_or_cancels(client, partner):
    as_user(Client(), "clerk").post("/exchange/forward", FORM)
    refused = Client().post("/exchange/inbox", "garbage", content_type="application/jose")
    assert refused.status_code == 400 and "信封格式不正确" in refused.json()["detail"]
    as_user(client, "supervisor")
    page = client.get("/exchange/")
    assert page.status_code == 200
    assert element(page, "strong", id="count-pending").text == "1"
    assert "信封格式不正确" in text_of(page) and "待发送" in text_of(page)
    message = OutboundMessage.objects.get()
    assert client.post(f"/exchange/messages/{message.pk}/cancel").status_code == 302
    message.refresh_from_db()
    assert message.cancelled_at is not None
    client.post(f"/exchange/messages/{message.pk}/retry")
    message.refresh_from_db()
    assert message.cancelled_at is None
    assert client.post(f"/exchange/messages/{message.pk}/nonsense").status_code == 404
    assert "交换消息" in text_of(client.get("/supervision/"))


def test_the_administrator_adds_partners_and_rotates_keys(client, partner):
    as_user(client, "admin")
    assert "公民婚育一件事（异地代收代办；办理地 141102；面向 610800）" in text_of(
        client.get("/exchange/")
    )
    document = dict(partner["document"], code="taiyuan", name="太原市政务服务平台")
    answer = client.post("/exchange/partners", {"document": json.dumps(document)}, follow=True)
    assert "已添加合作节点 太原市政务服务平台" in text_of(answer)
    assert Partner.objects.filter(code="taiyuan", active=True).exists()
    bad = client.post("/exchange/partners", {"document": "{}"}, follow=True)
    assert "不是 onething 节点信息文件" in text_of(bad)
    client.post("/exchange/partners/taiyuan/toggle")
    assert not Partner.objects.get(code="taiyuan").active
    rotated = client.post("/exchange/keys/rotate", follow=True)
    assert "已生成新密钥" in text_of(rotated)
    assert OutboundMessage.objects.filter(kind="keys").count() == 1  # the active partner


def test_others_may_not_open_the_exchange(client, partner):
    assert client.get("/exchange/").status_code == 302  # to log in
    assert as_user(client, "zhangsan").get("/exchange/").status_code == 404
    assert client.post("/exchange/keys/rotate").status_code == 404
    reviewer = as_user(Client(), "r_psb")
    assert reviewer.get("/exchange/").status_code == 404
    assert as_user(Client(), "supervisor").post("/exchange/partners", {}).status_code == 404


def test_identity_and_figures_are_public(client, partner):
    document = client.get("/exchange/identity.json").json()
    assert document["code"] == "lvliang" and all("d" not in k["jwk"] for k in document["keys"])
    page = client.get("/exchange/figures")
    assert element(page, "dd", id="figure-partners").text == "1"
    assert element(page, "dd", id="figure-items").text == "1"
    assert client.get("/api/v1/exchange/figures").json()["partners"] == 1


def test_the_api_offers_the_same_actions(api, partner):
    body = {
        "partner": "yulin", "package": "no_criminal_record", "name": "张三",
        "id_number": ID_NUMBER, "phone": "13935812345",
        "form": {"certificate_purpose": "入职"},
        "materials": [{"material_id": "applicant_id", "name": "id.png",
                       "data_base64": base64.b64encode(PNG).decode()}],
    }  # fmt: skip
    status, case = api.call("clerk", "post", "/exchange/forward", body)
    assert status == 201 and case["forward_due"] and case["partner_state"] == ""
    status, bad = api.call("clerk", "post", "/exchange/forward", dict(body, phone="123"))
    assert status == 400 and "手机号码" in bad["detail"]
    status, bad = api.call("clerk", "post", "/exchange/forward", dict(body, materials=[{"material_id": "x", "name": "x", "data_base64": "%%%"}]))  # fmt: skip
    assert status == 400 and "Base64" in bad["detail"]
    assert (
        api.call("clerk", "get", f"/exchange/cases/{case['ref']}")[1]["package"]
        == "no_criminal_record"
    )
    assert api.call("clerk", "get", "/exchange/messages")[0] == 403
    status, rows = api.call("supervisor", "get", "/exchange/messages?state=pending")
    assert status == 200 and rows[0]["kind"] == "application" and rows[0]["state"] == "待发送"
    assert api.call("supervisor", "post", f"/exchange/messages/{rows[0]['id']}/cancel")[0] == 200
    status, refused = api.call("clerk", "post", f"/exchange/cases/{case['ref']}/hand-over", {})
    assert status == 400 and "对方尚未办结" in refused["detail"]
    assert api.call("supervisor", "post", "/exchange/partners", {"code": "x"})[0] == 403
    assert Refusal.objects.count() == 0


def test_a_partners_certificate_is_recognised_with_its_published_keys(client, partner, drug):
    """证照互认: the partner publishes its issuing keys (here: the demo's own, as if 榆林's);
    its certificate verifies on /exchange/verify and through the API; an altered one does not."""
    from onething.exchange import identity
    from onething.exchange.partners import add_partner

    add_partner(dict(partner["document"], licence_keys=identity.licence_public_keys()))
    document = json.dumps(drug.document, ensure_ascii=False).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post("/exchange/verify", {"file": SimpleUploadedFile("c.json", document)})
    assert "经合作地区签发机关的公钥验证" in element(page, "dd", id="recognition-status").text
    assert "榆林市政务服务平台" in text_of(page)
    altered = json.dumps(dict(drug.document, holder={**drug.document["holder"], "name": "李四"}))
    answer = Client().post("/api/v1/exchange/verify", altered, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["status"] == "forged"
    valid = Client().post("/api/v1/exchange/verify", document, content_type="application/json")
    assert valid.json()["status"] == "valid" and valid.json()["partner"] == "yulin"
    assert "请选择" in text_of(client.post("/exchange/verify", {}, follow=True))


def test_the_admin_shows_the_exchange_records_read_only_without_the_person(client, partner):
    from django.apps import apps

    from onething.accounts.models import User

    as_user(Client(), "clerk").post("/exchange/forward", FORM)
    Client().post("/exchange/inbox", "garbage", content_type="application/jose")
    client.force_login(User.objects.create_superuser("root", password="set-up-only-2026"))
    for model in apps.get_app_config("exchange").get_models():
        first = model.objects.order_by("pk").first()
        label = f"/admin/exchange/{model._meta.model_name}/"
        assert client.get(label).status_code == 200, label
        if first is not None:
            page = client.get(f"{label}{first.pk}/change/")
            assert page.status_code == 200 and ID_NUMBER not in page.content.decode(), label
            assert '"d":' not in page.content.decode()  # no private key


def test_a_partners_case_handled_here_shows_both_sides_duties(client, partner, issued):
    """办理地: the clerks who may see the local case, and supervisors, see the partner's
    case with our case number, our deadline and the partner window's forwarding limit."""
    import datetime

    remote = RemoteCase.objects.create(
        partner=Partner.objects.get(code="yulin"),
        direction=RemoteCase.HANDLED,
        package_id=issued.package_id,
        package_name=issued.package_name,
        window="610802",
        forward_due=datetime.date(2026, 12, 7),
        local_case_id=issued.pk,
    )
    for username in ("clerk_lishi", "supervisor"):
        page = as_user(Client(), username).get(f"/exchange/cases/{remote.ref}")
        words = text_of(page)
        assert page.status_code == 200 and issued.number in words, username
        assert "转办期限 2026-12-07" in words and "本地办结期限" in words
    assert as_user(client, "clerk_jiaoqu").get(f"/exchange/cases/{remote.ref}").status_code == 404
