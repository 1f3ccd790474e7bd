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
