"""While the database is out of reach (issue 14, point 5): 503 with Retry-After — JSON
{"detail": …} under /api/, {"status": "unhealthy"} at /healthz, a page in Chinese
elsewhere — and never a traceback; in-process with every connection refused, and over
HTTP with the tests' own PostgreSQL server stopped mid-test and started again."""

import contextlib
import http.client
import json
import os
import signal
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from tests.factories import as_user
from tests.faults import Site, free_port, wait_for


@pytest.fixture
def take_database_down(demo):
    """Call it to refuse every connection; up again before the test database is dropped."""

    def refuse(self):
        raise OperationalError("connection refused")

    refusing = mock.patch.object(BaseDatabaseWrapper, "ensure_connection", refuse)
    yield refusing.start
    with contextlib.suppress(RuntimeError):  # never taken down
        refusing.stop()


def check_outage(status, content_type, body, retry_after, page: bool):
    assert status == 503 and retry_after == "30"
    if page:
        assert content_type.startswith("text/html")
        assert "系统暂时无法使用" in body and "Traceback" not in body
    else:
        assert content_type == "application/json"


def test_every_kind_of_request_answers_503_while_the_database_is_down(take_database_down):
    visitor = Client(raise_request_exception=False)
    applicant = as_user(Client(raise_request_exception=False), "yaofang")
    take_database_down()
    health = visitor.get("/healthz")
    assert health.status_code == 503 and health.json()["status"] == "unhealthy"
    for client, address in ((visitor, "/api/v1/packages"), (applicant, "/api/v1/cases")):
        api = client.get(address)
        check_outage(api.status_code, api["Content-Type"], "", api["Retry-After"], page=False)
        assert api.json()["detail"].startswith("系统暂时无法连接数据库")
    # A view's query, and the session read by a middleware before any view
    for client, address in ((visitor, "/"), (applicant, "/my/")):
        page = client.get(address)
        text = page.content.decode()
        check_outage(page.status_code, page["Content-Type"], text, page["Retry-After"], True)


def fetch(port: int, path: str):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        body = answer.read().decode(errors="replace")
        return (
            answer.status,
            answer.getheader("Content-Type", ""),
            body,
            answer.getheader("Retry-After"),
        )
    finally:
        connection.close()


def _pg_ctl(server, *args):
    from tests import pgserver

    return pgserver._run(server.run_as, server.directory, server.bindir / "pg_ctl", *args)


@pytest.mark.skipif(
    os.environ.get("ONETHING_TEST_DATABASE") != "postgres",
    reason="runs in the PostgreSQL pass (a server of the tests' own, stopped and started)",
)
def test_postgres_stopped_mid_test_gives_503s_then_the_site_recovers():
    from tests.pgserver import start_postgres

    server = start_postgres()
    place = Site(postgres_url=server.url)
    port = free_port()
    serving = None
    try:
        place.setup(demo=False)
        serving = place.start("serve", "--port", str(port), "--workers", "1", "--sweep-every", "0")
        wait_for(lambda: _status(port, "/healthz") == 200, 60, "/healthz")
        assert fetch(port, "/")[0] == 200

        _pg_ctl(server, "stop", "-D", str(server.datadir), "-m", "fast", "-w")
        status, _, body, retry = fetch(port, "/healthz")
        assert status == 503 and json.loads(body)["status"] == "unhealthy" and retry == "30"
        check_outage(*fetch(port, "/api/v1/packages"), page=False)
        check_outage(*fetch(port, "/"), page=True)

        _pg_ctl(
            server,
            "start",
            "-D",
            str(server.datadir),
            "-l",
            str(server.directory / "server.log"),
            "-w",
        )
        wait_for(lambda: _status(port, "/healthz") == 200, 30, "/healthz once PostgreSQL is back")
        assert fetch(port, "/")[0] == 200
    finally:
        if serving is not None:
            serving.send_signal(signal.SIGTERM)
            serving.wait(timeout=30)
        server.stop()
        place.remove()


def _status(port: int, path: str) -> int:
    with contextlib.suppress(OSError):
        return fetch(port, path)[0]
    return 0
