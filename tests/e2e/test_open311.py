"""An Open311 GeoReport v2 client's sequence, over real HTTP: GET services, POST a
request, GET its status — then the supervisor closes it and the status says so."""

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from onething.evaluation import complaint_services as complaints
from onething.evaluation.models import Complaint
from tests.integration.test_case_journey import user


def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, json.loads(response.read())


def post(url, fields):
    data = urllib.parse.urlencode(fields).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data), timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def site(live_server, transactional_db):
    from onething.catalog import DEMO_CATALOG
    from onething.catalog.services import import_catalog
    from onething.web.setup import ensure_demo_accounts

    import_catalog(DEMO_CATALOG.read_bytes(), imported_by="test")
    ensure_demo_accounts()
    return live_server.url + "/open311/v2"


def test_a_client_lists_services_files_and_follows_a_request(site):
    status, services = get(site + "/services.json")
    assert status == 200
    codes = {s["service_code"] for s in services}
    assert "complaint.bribery" in codes and "consult.other" in codes
    bribery = next(s for s in services if s["service_code"] == "complaint.bribery")
    assert bribery["service_name"] == "投诉：吃拿卡要" and bribery["type"] == "realtime"

    status, created = post(
        site + "/requests.json",
        {
            "service_code": "complaint.bribery",
            "description": "窗口工作人员暗示要好处费才给加急",
            "jurisdiction_id": "141102",
        },
    )
    assert status == 201
    request_id = created[0]["service_request_id"]
    assert request_id.startswith("12345-")

    status, found = get(site + f"/requests/{request_id}.json")
    assert status == 200 and found[0]["status"] == "open"
    assert found[0]["service_code"] == "complaint.bribery"
    assert found[0]["status_notes"].startswith("已受理")

    complaint = Complaint.objects.get(tracking=request_id)
    assert complaint.anonymous and complaint.channel == "open311"
    supervisor, clerk = user("supervisor_lishi"), user("clerk_lishi")
    complaints.dispatch(supervisor, complaint.pk, clerk)
    complaints.reply(clerk, complaint.pk, "已调查处理并通报")
    complaints.revisit(supervisor, complaint.pk, True, "满意")
    status, found = get(
        site + "/requests.json?" + urllib.parse.urlencode({"service_request_id": request_id})
    )
    assert found[0]["status"] == "closed" and "已调查处理并通报" in found[0]["status_notes"]


def test_bad_requests_get_open311_errors(site):
    status, errors = post(site + "/requests.json", {"service_code": "nope", "description": "x"})
    assert status == 400 and "unknown service_code" in errors[0]["description"]
    status, errors = post(
        site + "/requests.json", {"service_code": "complaint.slow", "description": "短"}
    )
    assert status == 400 and "至少 5 个字" in errors[0]["description"]
    try:
        urllib.request.urlopen(site + "/requests/12345-20260101-000001-ABCD.json", timeout=10)
    except urllib.error.HTTPError as error:
        assert error.code == 404
    else:
        raise AssertionError("an unknown request must be a 404")
