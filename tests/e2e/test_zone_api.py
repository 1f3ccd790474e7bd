"""The 专区办 API: the zone with its figures, a spreadsheet imported (201) or refused
(400, nothing stored), the batch's progress and problems by row and column, confirm and
one acceptance; who may do what."""

import io

import pytest
from django.test import Client

from onething.zones.demo import DEMO_ZONE
from onething.zones.models import ImportBatch, Zone
from onething.zones.sample import sample_csv

pytestmark = pytest.mark.django_db


def post_file(api, username: str, path: str, name: str, data: bytes):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api.login(username)}")
    handle = io.BytesIO(data)
    handle.name = name
    response = client.post(f"/api/v1{path}", {"file": handle})
    return response.status_code, response.json()


def test_import_check_confirm_accept(api):
    zone_id = Zone.objects.get(code=DEMO_ZONE).public_id
    status, zones = api.call("clerk_jiaoqu", "get", "/zones")
    assert status == 200 and [z["name"] for z in zones] == ["郊区荫营农贸市场"]
    assert zones[0]["materials"][0]["material_id"] == "premises_proof"
    status, batch = post_file(
        api, "clerk_jiaoqu", f"/zones/{zone_id}/imports", "a.csv", sample_csv(30, 2)
    )
    assert status == 201 and batch["total"] == 30 and batch["state"] == "checking"
    while batch["state"] == "checking":
        status, batch = api.call("clerk_jiaoqu", "get", f"/zones/batches/{batch['id']}")
    assert batch["valid"] == 28
    assert batch["problems"][0] == {
        "row": 5,
        "column": "法定代表人身份证号",
        "message": "校验码不正确，请核对最后一位",
    }
    status, filed = api.call("clerk_jiaoqu", "post", f"/zones/batches/{batch['id']}/confirm")
    assert status == 200 and len(filed["case_ids"]) == 28 and filed["state"] == "filed"
    status, again = api.call("clerk_jiaoqu", "post", f"/zones/batches/{batch['id']}/confirm")
    assert status == 409
    status, accepted = api.call("clerk_jiaoqu", "post", f"/zones/batches/{batch['id']}/accept")
    assert status == 200 and accepted == {"accepted": 28}
    status, zone = api.call("clerk_jiaoqu", "get", f"/zones/{zone_id}")
    assert zone["figures"]["registered"] == 28


def test_refusals_store_nothing(api):
    zone_id = Zone.objects.get(code=DEMO_ZONE).public_id
    status, answer = post_file(
        api, "clerk_jiaoqu", f"/zones/{zone_id}/imports", "a.pdf", b"%PDF-1.7\n"
    )
    assert status == 400 and "文件类型不支持" in answer["detail"]
    status, _ = post_file(
        api, "r_approval_jiaoqu", f"/zones/{zone_id}/imports", "a.csv", sample_csv(2)
    )
    assert status == 403
    status, _ = post_file(api, "clerk_lishi", f"/zones/{zone_id}/imports", "a.csv", sample_csv(2))
    assert status == 404
    assert ImportBatch.objects.count() == 0


def test_row_by_row_the_clerk_files_what_she_chose_and_the_rest_waits(api):
    zone_id = Zone.objects.get(code=DEMO_ZONE).public_id
    _, batch = post_file(
        api, "clerk_jiaoqu", f"/zones/{zone_id}/imports", "b.csv", sample_csv(6, 1)
    )
    while batch["state"] == "checking":
        _, batch = api.call("clerk_jiaoqu", "get", f"/zones/batches/{batch['id']}")
    bad = {p["row"] for p in batch["problems"]}
    good = [n for n in range(2, 8) if n not in bad]
    path = f"/zones/batches/{batch['id']}/confirm-rows"
    status, refused = api.call("clerk_jiaoqu", "post", path, {"rows": [*good[:1], *bad]})
    assert status == 400 and f"第 {min(bad)} 行" in refused["detail"]
    assert (
        ImportBatch.objects.get(public_id=batch["id"]).rows.filter(case__isnull=False).count() == 0
    )
    status, filed = api.call("clerk_jiaoqu", "post", path, {"rows": good[:2]})
    assert status == 200 and len(filed["case_ids"]) == 2 and filed["state"] == "checked"
    status, again = api.call("clerk_jiaoqu", "post", path, {"rows": good[:1]})
    assert status == 400  # filed already
    status, rest = api.call("clerk_jiaoqu", "post", f"/zones/batches/{batch['id']}/confirm")
    assert status == 200 and len(rest["case_ids"]) == len(good) and rest["state"] == "filed"
