"""延伸办's API (/api/v1/outreach/…) with bearer tokens: 帮办代办 from the ID number to
the case by a signature and by a code (a reused code refused), 上门办 from the request to
acceptance (refused without the identity check), and the monthly figures."""

import base64
from datetime import date, timedelta

import pytest

from tests.factories import (
    RETIREMENT,
    consent_code_sent_to,
    retirement_form,
    signature_png,
    tiny_jpeg,
    user,
)

pytestmark = pytest.mark.django_db
ZHANGSAN_ID = "142331198503151231"


def _form() -> dict:
    return {"answers": RETIREMENT, "place": "141102", "form": retirement_form()}


def test_assisted_filing_by_api(api):
    status, body = api.call(
        "clerk_lishi", "post", "/outreach/assists", {"id_number": "123", "package_id": "retirement"}
    )
    assert status == 400 and "身份证号码" in body["detail"]
    status, body = api.call(
        "clerk_lishi",
        "post",
        "/outreach/assists",
        {"id_number": ZHANGSAN_ID, "package_id": "retirement"},
    )
    assert status == 201, body
    assist = f"/outreach/assists/{body['id']}"
    status, body = api.call("clerk_lishi", "post", f"{assist}/code")
    assert status == 409 and "一表" in body["detail"]
    status, body = api.call("clerk_lishi", "post", f"{assist}/form", _form())
    assert status == 200 and body["form_ready"]
    status, body = api.call("clerk_lishi", "post", f"{assist}/consent", {"signature": ""})
    assert status == 400  # no code sent and no signature
    png = base64.b64encode(signature_png()).decode()
    status, body = api.call("clerk_lishi", "post", f"{assist}/consent", {"signature": png})
    assert status == 201 and body["consent"] == "signature" and body["filed_by"] == "clerk_lishi"
    status, body = api.call("zhangsan", "get", f"/cases/{body['id']}")
    assert status == 200

    status, body = api.call(
        "clerk_lishi",
        "post",
        "/outreach/assists",
        {"id_number": ZHANGSAN_ID, "package_id": "retirement", "way": "phone"},
    )
    assist = f"/outreach/assists/{body['id']}"
    api.call("clerk_lishi", "post", f"{assist}/form", _form())
    assert api.call("clerk_lishi", "post", f"{assist}/code")[0] == 200
    code = consent_code_sent_to("zhangsan")
    status, body = api.call("clerk_lishi", "post", f"{assist}/consent", {"code": code})
    assert status == 201 and body["consent"] == "code" and body["channel"] == "window"
    status, body = api.call("clerk_lishi", "post", f"{assist}/consent", {"code": code})
    assert status == 409  # used
    assert api.call("clerk_jiaoqu", "get", assist)[0] == 404
    assert api.call("zhangsan", "get", assist)[0] == 200


def test_home_visit_by_api(api):
    day = (date.today() + timedelta(days=1)).isoformat()
    asked = {
        "package_id": "retirement",
        "place": "141102",
        "address": "离石区凤山路 8 号 2 单元",
        "reason": "elderly",
        "preferred_dates": [day],
    }
    status, body = api.call("zhangsan", "post", "/outreach/visits", asked)
    assert status == 201 and body["state"] == "requested"
    visit = f"/outreach/visits/{body['id']}"
    clerk = user("clerk_lishi").pk
    plan = {"day": day, "time": "09:30", "visitor_id": clerk}
    assert api.call("clerk_lishi", "post", f"{visit}/schedule", plan)[0] == 403
    status, body = api.call("supervisor_lishi", "post", f"{visit}/schedule", plan)
    assert status == 200 and body["state"] == "scheduled"
    assert api.call("clerk_lishi", "post", f"{visit}/form", _form())[0] == 200
    status, body = api.call("clerk_lishi", "post", f"{visit}/accept")
    assert status == 409 and "身份" in body["detail"]
    wrong = {"id_number": "110105194912310029", "method": "typed"}
    assert api.call("clerk_lishi", "post", f"{visit}/identity", wrong)[0] == 400
    right = {"id_number": ZHANGSAN_ID, "method": "card_reader"}
    assert api.call("clerk_lishi", "post", f"{visit}/identity", right)[1]["identity_checked"]
    photo = {"material_id": "bank_card", "photo": base64.b64encode(tiny_jpeg()).decode()}
    assert api.call("clerk_lishi", "post", f"{visit}/photos", photo)[0] == 201
    status, body = api.call("clerk_lishi", "post", f"{visit}/accept")
    assert status == 200 and body["channel"] == "visit" and body["state"] == "in_progress"
    status, body = api.call("zhangsan", "get", visit)
    assert body["state"] == "done" and body["case_number"]
    month = date.today().strftime("%Y-%m")
    status, rows = api.call(
        "supervisor_lishi", "get", f"/outreach/figures?jurisdiction=141102&month={month}"
    )
    assert status == 200 and rows == [
        {"jurisdiction": "141102", "month": month, "home_visits": 1, "assisted_cases": 0}
    ]
    assert (
        api.call("zhangsan", "get", f"/outreach/figures?jurisdiction=141102&month={month}")[0]
        == 403
    )
