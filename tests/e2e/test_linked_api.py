"""联合审批 through the REST API: the window schedules a meeting on two grid projects'
items, each invited department's reviewer posts its decision, and the items are approved
together; a department not invited, a bad meeting and an unseen meeting are refused."""

import uuid

import pytest

from onething.linked.models import JointMeeting, MeetingSeat
from onething.projects import services as bundles
from tests.factories import grid_bundle_filing, user

pytestmark = pytest.mark.django_db


def land_task_ids() -> list[int]:
    bundle, _ = bundles.file_bundle(user("gridco"), grid_bundle_filing(2))
    bundles.accept_bundle(user("clerk_jiaoqu"), bundle.public_id)
    return [
        p.case.tasks.get(item_id="land_preapproval_site_selection").pk
        for p in bundles.projects_of(bundle)
    ]


def body(task_ids, departments=("natural_resources", "housing")) -> dict:
    return {
        "subject": "郊区配电网改造项目用地联合审批",
        "starts_at": "2026-12-10T09:30:00+08:00",
        "venue": "郊区政务服务中心三楼会议室",
        "departments": list(departments),
        "task_ids": task_ids,
    }


def test_schedule_decide_and_advance(api):
    ids = land_task_ids()
    status, meeting = api.call("clerk_jiaoqu", "post", "/meetings", body(ids))
    assert status == 201 and meeting["state"] == "scheduled" and len(meeting["items"]) == 2
    assert [d["department_name"] for d in meeting["departments"]] == [
        "自然资源局",
        "住房和城乡建设局",
    ]
    path = f"/meetings/{meeting['id']}"
    status, refused = api.call("r_approval_jiaoqu", "post", f"{path}/decisions", {"approve": True})
    assert status == 403 and "未受邀参加" in refused["detail"]
    status, refused = api.call("r_housing_jiaoqu", "post", f"{path}/decisions", {"approve": False})
    assert status == 400 and refused["fields"]["reason"] == "必填"
    assert not MeetingSeat.objects.filter(approve__isnull=False).exists()
    status, half = api.call("r_housing_jiaoqu", "post", f"{path}/decisions", {"approve": True})
    assert status == 200 and half["state"] == "scheduled"
    assert api.call("r_housing_jiaoqu", "post", f"{path}/decisions", {"approve": True})[0] == 409
    status, done = api.call(
        "r_natural_resources_jiaoqu",
        "post",
        f"{path}/decisions",
        {"approve": True, "reason": "同意"},
    )
    assert status == 200 and done["state"] == "decided"
    assert {item["state"] for item in done["items"]} == {"approved"}
    status, read = api.call("gridco", "get", path)
    assert status == 200 and read["state"] == "decided"
    assert api.call("yaofang", "get", path)[0] == 404
    assert api.call("clerk_jiaoqu", "get", f"/meetings/{uuid.uuid4()}")[0] == 404


def test_bad_meetings_are_refused(api):
    ids = land_task_ids()
    status, refused = api.call("clerk_jiaoqu", "post", "/meetings", body(ids, ["housing"]))
    assert status == 400 and "未受邀参会" in refused["detail"]
    assert api.call("gridco", "post", "/meetings", body(ids))[0] == 403
    assert api.call("clerk_lishi", "post", "/meetings", body(ids))[0] == 404
    assert not JointMeeting.objects.exists()


def test_a_joint_inspection_through_the_api(api):
    import base64

    from onething.linked.models import InspectionPhoto
    from tests.factories import charging_station_at_acceptance

    case = charging_station_at_acceptance()
    task = case.tasks.get(item_id="completion_joint_acceptance")
    plan = {
        "site": "阳泉市郊区荫营镇充电站",
        "day": "2026-12-10",
        "departments": ["housing", "power_supply"],
        "task_ids": [task.pk],
    }
    assert api.call("gridco", "post", "/inspections", plan)[0] == 403
    status, found = api.call("clerk_jiaoqu", "post", "/inspections", plan)
    assert status == 201 and found["state"] == "scheduled"
    path = f"/inspections/{found['id']}/findings"
    photo = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64).decode()
    bad = base64.b64encode(b"MZ\x90\x00").decode()
    refused = {"passed": True, "photos": [photo, bad]}
    status, body = api.call("r_housing_jiaoqu", "post", path, refused)
    assert status == 400 and "第 2 张照片" in body["detail"]
    assert not InspectionPhoto.objects.exists()
    assert api.call("r_approval_jiaoqu", "post", path, {"passed": True})[0] == 403
    failing = {"passed": False, "findings": "接地电阻超标", "rectify_days": 5}
    assert api.call("r_power_supply_jiaoqu", "post", path, failing)[0] == 200
    status, done = api.call("r_housing_jiaoqu", "post", path, {"passed": True, "photos": [photo]})
    assert status == 200 and done["state"] == "concluded"
    assert done["items"][0]["outcome"] == "rectify" and done["items"][0]["rectify_by"]
    assert done["items"][0]["state"] == "supplement"
    assert api.call("gridco", "get", f"/inspections/{found['id']}")[0] == 200
    assert api.call("yaofang", "get", f"/inspections/{found['id']}")[0] == 404
