"""Bodies refused early (web/limits.py): a declared length over what the endpoint takes is
413 before anything reads the body; JSON nested too deeply is 400 naming the problem,
never a RecursionError; list APIs refuse a limit or offset out of range with 400."""

import io
import json

import pytest
from django.test import Client

from onething.accounts.models import ApiToken
from onething.core.nesting import MAX_JSON_DEPTH, has_nul, json_depth
from onething.licences import services as licences, views as licence_views
from onething.web.limits import DEFAULT_LIMIT, FORM_SLACK, limit_for
from tests.factories import text_of, user

MB = 1024 * 1024
DEEP = b"[" * 10_000 + b"]" * 10_000


def never(*args, **kwargs):
    raise AssertionError("a refused body must not be read")


def oversized(client: Client, path: str, length: int, content_type="application/json"):
    """A body of `length` bytes (Content-Length says so), refused before a view, a form
    parser or the CSRF check reads it."""
    return client.generic("POST", path, b"x" * length, content_type=content_type)


def test_each_endpoint_takes_what_it_needs():
    assert limit_for("/verify/").most == 10 * MB + FORM_SLACK
    assert limit_for("/api/v1/verify").most == 10 * MB  # the file is the body itself
    assert limit_for("/cases/0f0e/evidence/3/upload").most == 10 * MB + FORM_SLACK
    assert limit_for("/api/v1/cases/0f0e/materials/3/file").most == 10 * MB + FORM_SLACK
    for path in ("/complaints/new", "/open311/v2/requests.json", "/api/v1/cases", "/progress/"):
        assert limit_for(path) is DEFAULT_LIMIT and DEFAULT_LIMIT.most == MB


def test_too_large_is_413_in_the_shape_each_client_reads(client, db, monkeypatch):
    monkeypatch.setattr(licences, "verify_file", never)
    page = oversized(client, "/verify/", 11 * MB, "multipart/form-data; boundary=x")
    assert page.status_code == 413 and "文件太大：证照 PDF 或数据文件不超过 10 MB" in text_of(page)
    api = oversized(client, "/api/v1/verify", 10 * MB + 1, "application/pdf")
    assert api.status_code == 413 and "不超过 10 MB" in api.json()["detail"]
    open311 = oversized(client, "/open311/v2/requests.json", 2 * MB, "text/plain")
    assert open311.status_code == 413
    assert open311.json() == [{"code": 413, "description": DEFAULT_LIMIT.message}]
    form = oversized(client, "/complaints/new", MB + 1, "application/x-www-form-urlencoded")
    assert form.status_code == 413 and "不超过 1 MB" in text_of(form)
    cases = oversized(client, "/api/v1/cases", 5 * MB)
    assert cases.status_code == 413 and "不超过 1 MB" in cases.json()["detail"]


def test_the_refusal_comes_before_the_view(client, db, monkeypatch):
    monkeypatch.setattr(licence_views, "_verify_upload", never)
    response = oversized(client, "/verify/", 10 * MB + FORM_SLACK + 1, "multipart/form-data")
    assert response.status_code == 413


def test_within_the_limit_goes_on(client, db):
    response = client.post("/verify/", {"document": io.BytesIO(b"not json")}, format="multipart")
    assert response.status_code == 400 and "这不是证照数据文件" in text_of(response)


def test_deeply_nested_json_is_400_naming_the_problem(client, demo):
    answer = client.post("/api/v1/verify", DEEP, content_type="application/json")
    assert answer.status_code == 400 and "嵌套层数过多" in answer.json()["detail"]
    # The same document sent as a file, whatever its type says.
    answer = client.post("/api/v1/verify", DEEP, content_type="application/octet-stream")
    assert answer.status_code == 400 and "嵌套层数过多" in answer.json()["detail"]
    file = io.BytesIO(DEEP)
    file.name = "licence.json"
    page = client.post("/verify/", {"document": file})
    assert page.status_code == 400 and "嵌套层数过多" in text_of(page)
    _record, token = ApiToken.issue(user("yaofang"), "test")
    filed = Client(HTTP_AUTHORIZATION=f"Bearer {token}").post(
        "/api/v1/cases", DEEP, content_type="application/json"
    )
    assert filed.status_code == 400 and "嵌套层数过多" in filed.json()["detail"]


def test_nesting_is_read_without_parsing():
    assert json_depth(b'{"a": [1, {"b": "[[[["}]}') == 3
    assert json_depth(b'"\\"[[["') == 0 and json_depth(b"]]]") == 0
    assert json_depth(DEEP) == 10_000
    ok = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    assert json_depth(ok) == MAX_JSON_DEPTH and json.loads(ok)


def test_a_nul_character_is_400_before_it_reaches_the_database(client, demo):
    """PostgreSQL's text cannot hold U+0000: said in Chinese, nothing stored (schemathesis
    found the token API's 500 for a user name with one)."""
    body = json.dumps({"username": "yaofang\u0000", "password": "x", "name": "n"})
    answer = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert answer.status_code == 400 and "空字符" in answer.json()["detail"]
    answer = client.get("/api/v1/packages?q=%00")
    assert answer.status_code == 400 and "空字符" in answer.json()["detail"]
    assert ApiToken.objects.count() == 0


def test_nul_characters_are_told_from_text_that_looks_like_one():
    assert has_nul(rb'{"a": "x\\u0000"}') is False  # an escaped backslash, then text
    assert has_nul(rb'{"a": "x\\\u0000"}') and has_nul(rb'{"a": "\u00001"}')
    assert has_nul(rb'{"a": "\x00"}') is False and has_nul(b'{"a": "\x00"}')


@pytest.fixture
def as_applicant(demo) -> Client:
    _record, token = ApiToken.issue(user("yaofang"), "test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/tasks", "/api/v1/licences"])
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("offset=1e23", "offset", "应为整数"),
        ("limit=1e23", "limit", "应为整数"),
        ("offset=-5", "offset", "应不小于 0"),
        ("limit=0", "limit", "应不小于 1"),
        ("limit=100000000000000000000000", "limit", "应不大于 200"),
        ("offset=100000000000000000000000", "offset", "应不大于 1000000"),
    ],
)
def test_a_page_out_of_range_is_400_naming_the_parameter(as_applicant, path, query, field, message):
    response = as_applicant.get(f"{path}?{query}")
    assert response.status_code == 400, response.content
    answer = response.json()
    assert answer["fields"] == {field: message}
    assert f"查询参数 {field} {message}" in answer["detail"]


def test_a_page_in_range_is_served(as_applicant):
    for path in ("/api/v1/cases", "/api/v1/tasks", "/api/v1/licences"):
        assert as_applicant.get(f"{path}?limit=200&offset=1000000").status_code in (200, 403)
