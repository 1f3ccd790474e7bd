"""An Open311 GeoReport v2 client's sequence, over real HTTP: GET services, POST a
request, GET its status — then the supervisor closes it and the status says so."""

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from onething.evaluation import complaint_services as complaints
from onething.evaluation.models import Complaint
from tests.factories import user


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
def open311(site):
    """The Open311 GeoReport v2 endpoint of the live demo site."""
    return site + "/open311/v2"


def test_a_client_lists_services_files_and_follows_a_request(open311):
    status, services = get(open311 + "/services.json")
    assert status == 200
    codes = {s["service_code"] for s in services}
    assert "complaint.bribery" in codes and "consult.other" in codes
    bribery = next(s for s in services if s["service_code"] == "complaint.bribery")
    assert bribery["service_name"] == "投诉：吃拿卡要" and bribery["type"] == "realtime"

    status, created = post(
        open311 + "/requests.json",
        {
            "service_code": "complaint.bribery",
            "description": "窗口工作人员暗示要好处费才给加急",
            "jurisdiction_id": "141102",
        },
    )
    assert status == 201
    request_id = created[0]["service_request_id"]
    assert len(request_id) == 12 and request_id.isalnum()

    status, found = get(open311 + f"/requests/{request_id}.json")
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
        open311 + "/requests.json?" + urllib.parse.urlencode({"service_request_id": request_id})
    )
    assert found[0]["status"] == "closed" and "已调查处理并通报" in found[0]["status_notes"]


def refused(open311, path, fields=None):
    """The status and the standard Open311 error body of a refused request."""
    if fields is None:
        status, body = get_or_error(open311 + path)
    else:
        status, body = post(open311 + path, fields)
    assert isinstance(body, list) and body, body
    assert all(set(error) == {"code", "description"} for error in body), body
    assert all(error["code"] == status for error in body)
    return status, [error["description"] for error in body]


def get_or_error(url):
    try:
        return get(url)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_bad_requests_get_open311_errors_and_file_nothing(open311):
    status, errors = refused(
        open311, "/requests.json", {"service_code": "nope", "description": "x"}
    )
    assert status == 400 and errors[0].startswith("service_code：没有“nope”这项服务")
    status, errors = refused(open311, "/requests.json", {"description": "没有写服务类型的诉求"})
    assert status == 400 and errors == ["service_code：必填，可用的服务见 services.json"]
    status, errors = refused(open311, "/requests.json", {"service_code": "consult.bribery"})
    assert status == 400 and "没有“consult.bribery”这项服务" in errors[0]  # not a listed service
    status, errors = refused(open311, "/requests.json", {"service_code": "complaint.slow"})
    assert status == 400 and errors == ["description：请写明具体情况（至少 5 个字）"]
    status, errors = refused(
        open311,
        "/requests.json",
        {"service_code": "complaint.slow", "description": "短", "phone": "123"},
    )
    assert status == 400 and len(errors) == 2 and errors[1].startswith("phone：联系电话不正确")
    status, errors = refused(open311, "/requests/12345-20260101-000001-ABCD.json")
    assert status == 404 and "没有“12345-20260101-000001-ABCD”这件诉求" in errors[0]
    status, errors = refused(open311, "/requests/K7QD0M1XA2BC.json")
    assert status == 404
    assert not Complaint.objects.exists()


def test_an_unknown_jurisdiction_is_refused_and_nothing_is_filed(open311):
    for jurisdiction in ("999999", "110000", "14110", "141102; DROP TABLE"):
        status, errors = refused(
            open311,
            "/requests.json",
            {
                "service_code": "complaint.slow",
                "description": "办了三个月还没有结果",
                "jurisdiction_id": jurisdiction,
            },
        )
        assert status == 400 and errors[0].startswith(f"jurisdiction_id：{jurisdiction[:20]} 不是")
        query = urllib.parse.urlencode({"jurisdiction_id": jurisdiction})
        status, errors = refused(open311, "/services.json?" + query)
        assert status == 400 and "不是本平台的行政区划" in errors[0]
        status, errors = refused(open311, "/requests.json?service_request_id=X&" + query)
        assert status == 400 and "不是本平台的行政区划" in errors[0]
    assert not Complaint.objects.exists()


def test_a_known_jurisdiction_files_there_and_none_files_at_the_default(open311, settings):
    settings.OPEN311_API_KEYS = ["test-key"]  # several ids at once need one
    status, services = get(open311 + "/services.json?jurisdiction_id=140311")
    assert status == 200 and services
    fields = {"service_code": "complaint.slow", "description": "办了三个月还没有结果"}
    status, created = post(open311 + "/requests.json", {**fields, "jurisdiction_id": "140311"})
    assert status == 201
    in_yangquan = created[0]["service_request_id"]
    assert Complaint.objects.get(tracking=in_yangquan).jurisdiction == "140311"
    status, created = post(open311 + "/requests.json", fields)
    assert status == 201
    by_default = created[0]["service_request_id"]
    assert Complaint.objects.get(tracking=by_default).jurisdiction == "141100"
    both = f"{in_yangquan.lower()},{by_default[:4]}-{by_default[4:8]}-{by_default[8:]}"
    status, found = get(
        open311
        + "/requests.json?"
        + urllib.parse.urlencode({"service_request_id": both, "api_key": "test-key"})
    )
    assert {r["service_request_id"] for r in found} == {in_yangquan, by_default}
    status, found = get(
        open311
        + "/requests.json?"
        + urllib.parse.urlencode(
            {"service_request_id": both, "jurisdiction_id": "140300", "api_key": "test-key"}
        )
    )
    assert [r["service_request_id"] for r in found] == [in_yangquan]


def test_other_methods_and_unreadable_bodies_get_the_standard_error(open311):
    request = urllib.request.Request(open311 + "/services.json", data=b"x=1", method="POST")
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        assert error.code == 405 and json.loads(error.read())[0]["code"] == 405
    else:
        raise AssertionError("POST services.json must be refused")
    request = urllib.request.Request(
        open311 + "/requests.json",
        data=b"service_code=complaint.slow",
        headers={"Content-Type": "multipart/form-data"},  # no boundary: unreadable
    )
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        body = json.loads(error.read())
        assert error.code == 400 and body == [{"code": 400, "description": body[0]["description"]}]
        assert "请求内容无法读取" in body[0]["description"]
    else:
        raise AssertionError("an unreadable body must be refused")
    assert not Complaint.objects.exists()
