"""事项编制 over the REST API: the same services as the pages, refusals as JSON."""

import pytest

pytestmark = pytest.mark.django_db

ITEM = "/editing/items/drug_retail_licence"


def test_save_refuse_conflict_publish_through_the_api(api):
    status, item = api.call("editor", "get", ITEM)
    assert status == 200 and item["data"]["promised_days"] == 15
    bad = {**item["data"], "promised_days": 30}
    status, refused = api.call("editor", "put", ITEM, {"data": bad, "revision": item["revision"]})
    assert status == 400
    assert refused["problems"][0]["path"] == "items[drug_retail_licence].promised_days"
    assert "超过了法定时限" in refused["detail"]
    good = {**item["data"], "promised_days": 10}
    status, saved = api.call("editor", "put", ITEM, {"data": good, "revision": item["revision"]})
    assert status == 200 and saved["revision"] == item["revision"] + 1
    status, stale = api.call("editor", "put", ITEM, {"data": good, "revision": item["revision"]})
    assert status == 409 and stale["changed_by"] == "editor"
    status, told = api.call("publisher", "get", "/editing/differences")
    assert [d["text"] for d in told] == [
        "事项 药品经营许可证核发（零售）：承诺时限 15 → 10 个工作日"
    ]
    status, shown = api.call("editor", "get", "/editing/preview/open_pharmacy?sells_food=true")
    assert status == 200
    assert shown["draft"]["stats"]["days_serial"] == shown["published"]["stats"]["days_serial"] - 5
    assert api.call("publisher", "post", "/editing/publish", {})[0] == 409  # not submitted
    assert api.call("editor", "post", "/editing/submit")[0] == 200
    status, published = api.call("publisher", "post", "/editing/publish", {"note": "压缩时限"})
    assert status == 200 and published["version"] == 2
    status, back = api.call("publisher", "post", "/editing/rollback", {"version": 1})
    assert status == 200 and back["version"] == 3


def test_deleting_a_used_item_names_its_users(api):
    status, item = api.call("editor", "get", ITEM)
    status, refused = api.call("editor", "delete", f"{ITEM}?revision={item['revision']}")
    assert status == 409 and "我要开药店" in refused["detail"]


def test_other_roles_get_nothing(api):
    for username in ("clerk", "supervisor", "admin"):
        assert api.call(username, "get", "/editing/draft")[0] == 404


def test_a_department_editor_is_refused_another_departments_item(api):
    status, item = api.call("editor_amr", "get", ITEM)
    body = {"data": item["data"], "revision": item["revision"]}
    status, refused = api.call("editor_amr", "put", ITEM, body)
    assert status == 403 and "本部门" in refused["detail"]


def test_bad_requests_get_chinese_json(api):
    status, item = api.call("editor", "get", ITEM)
    assert api.call("editor", "put", ITEM, {"data": item["data"], "revision": 99})[0] == 409
    status, wrong = api.call("editor", "put", "/editing/rockets/x", {"data": {}, "revision": 0})
    assert status == 404 and "没有这一类目录内容" in wrong["detail"]
    status, missing = api.call("editor", "get", "/editing/items/no_such_item")
    assert status == 404 and "no_such_item" in missing["detail"]
    status, shape = api.call("editor", "put", ITEM, {"data": "text"})
    assert status == 400 and "detail" in shape
    status, reason = api.call("publisher", "post", "/editing/return", {"reason": ""})
    assert status in (400, 409) and reason["detail"]
