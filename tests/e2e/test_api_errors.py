"""The API's error contract for requests of the wrong shape: 400, in Chinese, every field
named (README: errors are JSON {"detail": "…"} in Chinese with 400 for bad input)."""

import re

import pytest
from django.test import Client

from tests.factories import pharmacy_filing_json

pytestmark = pytest.mark.django_db
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def refused(status, body):
    """The answer is a 400 in Chinese with the shape the README promises."""
    assert status == 400, body
    assert CHINESE.search(body["detail"]) and isinstance(body["fields"], dict)
    assert "Field required" not in body["detail"] and "Input should" not in body["detail"]
    return body


def test_a_case_without_its_package_names_the_field(api):
    body = pharmacy_filing_json()
    del body["package_id"]
    answer = refused(*api.call("yaofang", "post", "/cases", body))
    assert answer["fields"] == {"package_id": "必填"}
    assert answer["detail"] == "请求有误：package_id 必填"


def test_every_wrong_field_is_named_with_its_path(api):
    answer = refused(
        *api.call(
            "yaofang",
            "post",
            "/cases",
            {"answers": ["sells_food"], "place": 141102, "submit": "maybe", "form": {"x": [1]}},
        )
    )
    assert answer["fields"] == {
        "package_id": "必填",
        "answers": "应为对象（{…}）",
        "place": "应为文本（字符串）",
        "submit": "应为 true 或 false",
    }
    for name in ("package_id", "answers", "place", "submit"):
        assert name in answer["detail"]


def test_a_body_that_is_not_a_json_object(api):
    answer = refused(*api.call("yaofang", "post", "/cases", '{"package_id": "open_pharmacy",'))
    assert answer["detail"].startswith("请求体不是有效的 JSON：第 1 行")
    answer = refused(*api.call("yaofang", "post", "/cases", ["open_pharmacy"]))
    assert answer["detail"] == "请求体应为 JSON 对象（{…}），收到的是数组"
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api.login('yaofang')}")
    response = client.post("/api/v1/cases", "package_id=open_pharmacy", content_type="text/plain")
    assert refused(response.status_code, response.json())["detail"] == (
        "请求体应为 JSON（Content-Type: application/json）"
    )


def test_a_token_request_without_its_password(api):
    response = Client().post(
        "/api/v1/auth/token", {"username": "yaofang"}, content_type="application/json"
    )
    answer = refused(response.status_code, response.json())
    assert answer["fields"] == {"password": "必填"}


def test_a_task_action_with_a_version_that_is_no_number(api):
    status, case = api.call("yaofang", "post", "/cases", pharmacy_filing_json())
    status, accepted = api.call("clerk_lishi", "post", f"/cases/{case['id']}/accept", {})
    task = next(t for t in accepted["tasks"] if t["jurisdiction"] == "141102")
    reviewer = f"r_{task['department']}_lishi"
    answer = refused(*api.call(reviewer, "post", f"/tasks/{task['id']}/claim", {"version": "abc"}))
    assert answer["fields"] == {"version": "应为整数"}
    answer = refused(
        *api.call(reviewer, "post", f"/tasks/{task['id']}/request-supplement", {"lines": [1]})
    )
    assert answer["fields"] == {"lines[0]": "应为文本（字符串）"}
    answer = refused(*api.call(reviewer, "post", "/special-procedures", {"task_ids": "x"}))
    assert answer["fields"] == {"task_ids": "应为数组（[…]）", "kind": "必填", "days": "必填"}


def test_list_endpoints_name_a_bad_query_parameter(api):
    answer = refused(*api.call("clerk_lishi", "get", "/cases?limit=many"))
    assert answer == {
        "detail": "请求有误：查询参数 limit 应为整数",
        "fields": {"limit": "应为整数"},
    }
    answer = refused(*api.call("r_amr", "get", "/tasks?mine=perhaps&offset=x"))
    assert answer["fields"] == {"mine": "应为 true 或 false", "offset": "应为整数"}
    answer = refused(*api.call("yaofang", "get", "/licences?limit=1.5"))
    assert answer["fields"] == {"limit": "应为整数"}


def test_a_licence_revocation_without_its_reason(api):
    number = "1.2.156.3005.2.YPJYXKZ.11141100MB0000000X.0000001.001.0"
    answer = refused(*api.call("r_mpa", "post", f"/licences/{number}/revoke", {}))
    assert answer["fields"] == {"reason": "必填"}


def test_no_log_in_and_no_such_task_are_said_in_chinese(api):
    response = Client().get("/api/v1/cases")
    assert response.status_code == 401 and "请先登录" in response.json()["detail"]
    status, answer = api.call("r_amr", "post", "/tasks/999999/claim", {})
    assert status == 404 and CHINESE.search(answer["detail"])


def test_the_schema_documents_400_and_no_422(client, db):
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/api/v1/cases"]["post"]
    assert operation["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }
    assert set(schema["components"]["schemas"]["ErrorOut"]["properties"]) == {"detail", "fields"}
    assert not any(
        "422" in op["responses"] for ops in schema["paths"].values() for op in ops.values()
    )


def test_other_error_types_and_the_fallback_for_an_unknown_one():
    from onething.web.api import error_message, field_path

    assert error_message({"type": "string_too_long", "ctx": {"max_length": 100}}) == (
        "不能超过 100 个字符"
    )
    assert error_message({"type": "literal_error", "ctx": {"expected": "'web' or 'kiosk'"}}) == (
        "应为 'web'、'kiosk' 之一"
    )
    assert error_message({"type": "a_type_pydantic_adds_next_year"}) == "取值不正确"
    assert error_message({"type": "greater_than_equal", "ctx": {}}) == "取值不正确"
    assert field_path(("body", "body", "form", "rooms", 0, "area")) == "form.rooms[0].area"
    assert field_path(("query", "limit")) == "limit"
