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


# --------------------------------------------------------------------------- 全代办, 复验


def test_authorisations_through_the_api(api):
    from onething.projects import services as bundles

    bundle, _ = bundles.file_bundle(user("gridco"), grid_bundle_filing(2))
    first, second = bundles.projects_of(bundle)
    grant = {
        "agent": "daiban_jiaoqu",
        "document": "郊区代办〔2026〕020号",
        "valid_until": "2027-06-30",
        "packages": ["grid_rebuild"],
        "projects": [str(first.public_id)],
    }
    assert api.call("daiban_jiaoqu", "post", "/authorisations", grant)[0] == 403
    status, refused = api.call("gridco", "post", "/authorisations", {**grant, "agent": "yaofang"})
    assert status == 400 and "帮办代办人员" in refused["detail"]
    status, given = api.call("gridco", "post", "/authorisations", grant)
    assert status == 201 and given["in_force"] and given["projects"] == [str(first.public_id)]
    assert given["project_names"] == [f"{first.name}（{first.code}）"]
    status, held = api.call("daiban_jiaoqu", "get", "/authorisations")
    assert status == 200 and "郊区代办〔2026〕020号" in {a["document"] for a in held}
    status, case = api.call("daiban_jiaoqu", "get", f"/cases/{first.case.public_id}")
    assert status == 200  # the project it names: the agent carries its case
    assert api.call("daiban_jiaoqu", "get", f"/cases/{second.case.public_id}")[0] == 404
    path = f"/authorisations/{given['id']}/revoke"
    assert api.call("daiban_jiaoqu", "post", path)[0] == 403
    status, revoked = api.call("gridco", "post", path)
    assert status == 200 and revoked["revoked_at"] and not revoked["in_force"]
    assert api.call("gridco", "post", path)[0] == 409
    assert api.call("yaofang", "post", path)[0] == 404


def test_reinspection_and_photos_through_the_api(api):
    import base64

    from onething.cases import services as case_services
    from tests.factories import charging_station_at_acceptance

    case = charging_station_at_acceptance()
    task = case.tasks.get(item_id="completion_joint_acceptance")
    plan = {
        "site": "充电站",
        "day": "2026-12-10",
        "departments": ["housing"],
        "task_ids": [task.pk],
    }
    found = api.call("clerk_jiaoqu", "post", "/inspections", plan)[1]
    base = f"/inspections/{found['id']}"
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    photo = base64.b64encode(png).decode()
    assert api.call("r_housing_jiaoqu", "post", f"{base}/reinspections", {"passed": True})[0] == 409
    failing = {"passed": False, "findings": "接地电阻超标", "rectify_days": 5, "photos": [photo]}
    assert api.call("r_housing_jiaoqu", "post", f"{base}/findings", failing)[0] == 200
    status, refused = api.call(
        "r_housing_jiaoqu", "post", f"{base}/reinspections", {"passed": True}
    )
    assert status == 409 and "尚未报告整改完成" in refused["detail"]
    case_services.provide_supplement(user("gridco"), task.pk, "已整改")
    status, done = api.call("r_housing_jiaoqu", "post", f"{base}/reinspections", {"passed": True})
    assert status == 200 and done["items"][0]["outcome"] == "passed"
    assert done["items"][0]["state"] == "approved"
    assert done["departments"][0]["reinspections"][0]["passed"] is True
    status, photos = api.call("gridco", "get", f"{base}/photos")
    assert status == 200 and len(photos) == 1 and photos[0]["kind"] == "png"
    assert api.call("yaofang", "get", f"{base}/photos")[0] == 404


def test_the_photo_itself_and_openapi_documents_the_new_operations(demo, client):
    from tests.factories import as_user

    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path, method in [
        ("/api/v1/authorisations", "get"),
        ("/api/v1/authorisations", "post"),
        ("/api/v1/authorisations/{authorisation_id}/revoke", "post"),
        ("/api/v1/inspections/{inspection_id}/reinspections", "post"),
        ("/api/v1/inspections/{inspection_id}/photos", "get"),
        ("/api/v1/inspections/{inspection_id}/photos/{photo_id}", "get"),
    ]:
        assert method in paths[path], (path, method)
        assert paths[path][method]["summary"]
    grant = paths["/api/v1/authorisations"]["post"]["requestBody"]["content"]
    assert "application/json" in grant
    assert as_user(client, "gridco").get("/api/v1/authorisations").status_code == 200
