"""打包办 through the REST API: file five grid projects as one (the same Idempotency-Key
files one bundle), read it back with its figures, the window accepts it at once; a bundle
mixing project types, one project alone and another company's bundle are refused."""

import io
import uuid

import pytest

from onething.cases.models import Case, Evidence
from tests.factories import elements, grid_bundle_filing, text_of, user

pytestmark = pytest.mark.django_db


def body(count: int = 5) -> dict:
    filing = grid_bundle_filing(count)
    return {
        "package_id": filing.package_id,
        "place": filing.place,
        "answers": dict(filing.answers),
        "form": dict(filing.shared_form),
        "projects": [
            {"name": r.name, "code": r.code, "address": r.address, "investment": r.investment}
            for r in filing.projects
        ],
    }


def test_file_read_and_accept_a_bundle(api):
    status, filed = api.call("gridco", "post", "/bundles", body(), **{"Idempotency-Key": "b-1"})
    assert status == 201 and len(filed["projects"]) == 5
    assert {p["case_state"] for p in filed["projects"]} == {"submitted"}
    again_status, again = api.call(
        "gridco", "post", "/bundles", body(), **{"Idempotency-Key": "b-1"}
    )
    assert again_status == 200 and again["id"] == filed["id"] and Case.objects.count() == 5
    figures = filed["figures"]
    assert figures["fees_separate"] == 110_000 and figures["fees_bundle"] == 62_000
    assert round(figures["cycle_saved_share"], 2) == 0.8

    assert api.call("gridco", "post", f"/bundles/{filed['id']}/accept")[0] == 403
    status, accepted = api.call("clerk_jiaoqu", "post", f"/bundles/{filed['id']}/accept")
    assert status == 200 and {p["case_state"] for p in accepted["projects"]} == {"in_progress"}
    status, listed = api.call("clerk_jiaoqu", "get", "/bundles")
    assert status == 200 and [b["id"] for b in listed] == [filed["id"]]
    assert api.call("yaofang", "get", f"/bundles/{filed['id']}")[0] == 404
    assert api.call("clerk_lishi", "post", f"/bundles/{filed['id']}/accept")[0] == 404
    assert api.call("gridco", "get", f"/bundles/{uuid.uuid4()}")[0] == 404


def test_bad_bundles_are_400_naming_the_project(api):
    mixed = body(2)
    mixed["projects"][1]["project_type"] = "road"
    status, refused = api.call("gridco", "post", "/bundles", mixed)
    assert status == 400 and "同一类型" in refused["fields"]["projects[1].project_type"]
    status, refused = api.call("gridco", "post", "/bundles", body(1))
    assert status == 400 and "2 至 50" in refused["detail"]
    pharmacy = {**body(2), "package_id": "open_pharmacy"}
    status, refused = api.call("yaofang", "post", "/bundles", pharmacy)
    assert status == 400 and "不能打包办理" in refused["detail"]
    assert not Case.objects.exists()


def test_the_dashboard_shows_what_bundles_saved(api, client):
    api.call("gridco", "post", "/bundles", body())
    client.force_login(user("admin"))
    page = client.get("/dashboard/")
    section = text_of(page)
    assert page.status_code == 200 and "打包办：一包受理、一次评审" in section
    assert "110000→62000" in section and "节省专家评审费 48000 元" in section
    client.force_login(user("supervisor"))  # 吕梁市: the bundle is at 阳泉市郊区
    assert "打包办：一包受理" not in text_of(client.get("/dashboard/"))


def test_a_shared_material_is_uploaded_once_for_every_project(api, client):
    _status, filed = api.call("gridco", "post", "/bundles", body(3))
    bundle = f"/projects/bundles/{filed['id']}"
    client.force_login(user("gridco"))
    page = client.get(bundle)
    shared = elements(page, "li", id=True)
    material_id = next(
        li.attrs["id"].removeprefix("shared-")
        for li in shared
        if li.attrs["id"].startswith("shared-")
    )
    scan = io.BytesIO(b"%PDF-1.4 the company's licence to build")
    scan.name = "营业执照.pdf"
    answer = client.post(f"{bundle}/materials/{material_id}", {"file": scan}, follow=True)
    assert "3 个项目共用这份材料" in text_of(answer) and "已上传 3/3" in text_of(answer)
    uploaded = Evidence.objects.filter(material_id=material_id, trust="C")
    assert uploaded.count() == 3 and len({e.sha256 for e in uploaded}) == 1
    exe = io.BytesIO(b"MZ\x90\x00 a program")
    exe.name = "x.pdf"
    refused = client.post(f"{bundle}/materials/{material_id}", {"file": exe}, follow=True)
    assert "文件内容与格式不符" in text_of(refused)
    assert Evidence.objects.filter(material_id=material_id, trust="C").count() == 3
    client.force_login(user("yaofang"))  # not hers
    assert client.post(f"{bundle}/materials/{material_id}", {"file": scan}).status_code == 404


def test_projects_are_listed_to_their_company_and_the_staff_of_their_cases(api):
    _status, filed = api.call("gridco", "post", "/bundles", body(2))
    status, mine = api.call("gridco", "get", "/projects")
    assert status == 200 and {p["code"] for p in mine} == {r["code"] for r in body(2)["projects"]}
    assert {p["bundle_id"] for p in mine} == {filed["id"]}
    assert len(api.call("clerk_jiaoqu", "get", "/projects")[1]) == 2
    assert api.call("yaofang", "get", "/projects")[1] == []
    assert api.call("clerk_lishi", "get", "/projects")[1] == []
