"""Every public endpoint is throttled on the shared cache (core/throttle.py): the request
one over the limit gets 429 with Retry-After and a Chinese message naming what was
limited, as its client reads it (a page, the API's JSON, Open311's error body); another
address is not affected; a logged-in account is counted wherever it comes from."""

import json
import re
from dataclasses import dataclass

import pytest
from django.test import Client

from onething.core import throttle
from onething.core.throttle import Limit, describe_rate
from onething.guides import views as guide_views
from tests.factories import text_of, user

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ONE, OTHER = "203.0.113.7", "198.51.100.9"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    limit: Limit
    shape: str  # page | api | open311
    data: object = None
    content_type: str | None = None

    def send(self, client: Client, address: str, number: int = 0):
        path = self.path.format(n=number)
        data = self.data(number) if callable(self.data) else self.data
        kwargs = {"REMOTE_ADDR": address}
        if self.content_type:
            kwargs["content_type"] = self.content_type
        return getattr(client, self.method)(path, data, **kwargs)


ENDPOINTS = {
    "open311 filing": Endpoint(
        "post", "/open311/v2/requests.json", throttle.COMPLAINT_FILING, "open311", {}
    ),
    "open311 look-up": Endpoint(
        "get",
        "/open311/v2/requests.json",
        throttle.COMPLAINT_LOOKUP,
        "open311",
        lambda n: {"service_request_id": f"K7QD0M1XA{n:03d}"},
    ),
    "open311 one request": Endpoint(
        "get", "/open311/v2/requests/K7QD0M1X{n:04d}.json", throttle.COMPLAINT_LOOKUP, "open311"
    ),
    "complaint form": Endpoint("post", "/complaints/new", throttle.COMPLAINT_FILING, "page", {}),
    "complaint tracking": Endpoint(
        "get",
        "/complaints/track",
        throttle.COMPLAINT_LOOKUP,
        "page",
        lambda n: {"code": f"K7QD0M1X{n:04d}"},
    ),
    "verify by number": Endpoint(
        "get", "/verify/", throttle.LICENCE_LOOKUP, "page", lambda n: {"n": f"1.2.156.{n}"}
    ),
    "verify upload": Endpoint("post", "/verify/", throttle.LICENCE_UPLOAD, "page", {}),
    "verify API by number": Endpoint(
        "get", "/api/v1/verify/1.2.156.{n}", throttle.LICENCE_LOOKUP, "api"
    ),
    "verify API upload": Endpoint(
        "post",
        "/api/v1/verify",
        throttle.LICENCE_UPLOAD,
        "api",
        b"not a certificate",
        "application/octet-stream",
    ),
    "guide PDF": Endpoint(
        "get", "/guides/open_shop.pdf", throttle.GUIDE_PDF, "page", lambda n: {"size": "小型"}
    ),
    "API token": Endpoint(
        "post",
        "/api/v1/auth/token",
        throttle.API_TOKEN,
        "api",
        lambda n: {"username": f"nobody{n}", "password": "wrong"},
        "application/json",
    ),
    "progress look-up": Endpoint(
        "post",
        "/progress/",
        throttle.PROGRESS_LOOKUP,
        "page",
        lambda n: {"number": f"141102-20261201-{n:06d}", "proof": "张三"},
    ),
}


def allowed(limit: Limit) -> int:
    return int(limit.rate.split("/")[0])


def refusal_text(response, shape: str) -> str:
    """The refusal's message, checking it has the shape its client reads."""
    if shape == "api":
        return response.json()["detail"]
    if shape == "open311":
        body = response.json()
        assert body == [{"code": 429, "description": body[0]["description"]}], body
        return body[0]["description"]
    assert response["Content-Type"].startswith("text/html")
    return text_of(response)


@pytest.fixture
def quick_pdf(monkeypatch):
    """The guide PDF without WeasyPrint: these tests count requests, not pages."""
    monkeypatch.setattr(guide_views, "render_guide_pdf", lambda guide, url: b"%PDF-1.7 test")


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_one_address_is_refused_after_its_limit_and_another_is_not(
    name, client, small_in_db, quick_pdf
):
    endpoint = ENDPOINTS[name]
    for number in range(allowed(endpoint.limit)):
        response = endpoint.send(client, ONE, number)
        assert response.status_code != 429, (name, number)
    refused = endpoint.send(client, ONE, 999)
    assert refused.status_code == 429, name
    assert 0 < int(refused["Retry-After"]) <= 3600
    message = refusal_text(refused, endpoint.shape)
    assert endpoint.limit.what in message and describe_rate(endpoint.limit.rate) in message
    assert "后再试" in message and "Traceback" not in message
    assert endpoint.send(client, OTHER, 1000).status_code != 429


def test_the_page_and_open311_share_one_filing_budget(client, db):
    for _ in range(allowed(throttle.COMPLAINT_FILING)):
        assert client.post("/complaints/new", {}, REMOTE_ADDR=ONE).status_code == 400
    refused = client.post("/open311/v2/requests.json", {}, REMOTE_ADDR=ONE)
    assert refused.status_code == 429 and refused.json()[0]["code"] == 429


def test_an_account_is_counted_from_every_address(client, demo):
    client.force_login(user("zhangsan"))
    for number in range(allowed(throttle.COMPLAINT_FILING)):
        address = f"192.0.2.{number + 1}"  # a new address each time
        assert client.post("/complaints/new", {}, REMOTE_ADDR=address).status_code == 400
    refused = client.post("/complaints/new", {}, REMOTE_ADDR="192.0.2.200")
    assert refused.status_code == 429 and "同一网络地址或账户" in text_of(refused)


def test_rates_are_described_in_chinese():
    assert describe_rate("30/10m") == "每 10 分钟最多 30 次"
    assert describe_rate("5/h") == "每小时最多 5 次"
    assert describe_rate("20/1h") == "每小时最多 20 次"
    with pytest.raises(ValueError):
        describe_rate("often")


def test_every_limit_is_one_a_person_never_meets():
    """A person files, follows and prints a handful of times: each limit allows at least
    five requests a window, and none more than a hundred (a script is held)."""
    for limit in vars(throttle).values():
        if isinstance(limit, Limit):
            assert 5 <= allowed(limit) <= 100, limit
            assert CHINESE.search(limit.what), limit
    assert json.dumps(throttle.THROTTLED_RESPONSES)  # goes into the OpenAPI schema as it is
