"""Open311 look-ups: anyone may follow one request by its id (the tracking code, 60 random
bits); several at once need an api_key of ONETHING_OPEN311_API_KEYS, compared in constant
time — without one, 400 in the standard error body, and a wrong one 403."""

import pytest

from onething.evaluation import complaint_services as complaints
from onething.evaluation.complaint_services import ComplaintFiling
from onething.evaluation.open311 import known_api_key

KEY = "k-0123456789abcdef"


@pytest.fixture
def two(demo, settings):
    settings.OPEN311_API_KEYS = ["another-key", KEY]
    filed = [
        complaints.file_complaint(
            ComplaintFiling(
                kind="complaint",
                category="slow",
                text=f"办了三个月还没有结果（{n}）",
                jurisdiction="141102",
                anonymous=True,
                channel="open311",
            )
        )
        for n in range(2)
    ]
    return [complaint.tracking for complaint in filed]


def look_up(client, **params):
    response = client.get("/open311/v2/requests.json", params)
    return response.status_code, response.json()


def test_one_id_needs_no_key(client, two):
    status, found = look_up(client, service_request_id=two[0])
    assert status == 200 and [r["service_request_id"] for r in found] == [two[0]]


def test_several_ids_without_a_key_are_refused_in_the_standard_shape(client, two):
    status, body = look_up(client, service_request_id=",".join(two))
    assert status == 400
    assert body == [{"code": 400, "description": body[0]["description"]}]
    assert body[0]["description"].startswith("service_request_id：")
    assert "api_key" in body[0]["description"] and "一次只能查询一件" in body[0]["description"]
    status, body = look_up(client, service_request_id=f"{two[0]},{two[1]}", api_key="")
    assert status == 400


def test_a_wrong_key_is_refused_and_a_right_one_looks_up_several(client, two):
    status, body = look_up(client, service_request_id=",".join(two), api_key="guess")
    assert status == 403 and body[0]["code"] == 403 and "api_key" in body[0]["description"]
    status, found = look_up(client, service_request_id=",".join(two), api_key=KEY)
    assert status == 200 and {r["service_request_id"] for r in found} == set(two)


def test_keys_are_compared_whole(settings):
    settings.OPEN311_API_KEYS = [KEY]
    assert known_api_key(KEY)
    for wrong in ("", KEY[:-1], KEY + "x", KEY.upper(), " " + KEY):
        assert not known_api_key(wrong), wrong
    settings.OPEN311_API_KEYS = []
    assert not known_api_key("")
