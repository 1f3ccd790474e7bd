"""我要开药店 through the REST API with bearer tokens (SQLite and PostgreSQL passes)."""

import pytest
from django.test import Client

from onething.privacy.models import PersonalDataView
from tests.factories import pharmacy_filing_json, user

pytestmark = pytest.mark.django_db


def work_all(api, case_id, supplement_once=True):
    """Reviewers work every workable task; the first one goes through a supplement."""
    asked = not supplement_once
    while True:
        status, case = api.call("clerk_lishi", "get", f"/cases/{case_id}")
        workable = [t for t in case["tasks"] if t["state"] == "workable"]
        if not workable:
            return case
        for task in workable:
            reviewer = ("r_" + task["department"]) + (
                "_lishi" if task["jurisdiction"] == "141102" else ""
            )
            status, claimed = api.call(
                reviewer, "post", f"/tasks/{task['id']}/claim", {"version": task["version"]}
            )
            assert status == 200 and claimed["state"] == "in_review"
            if not asked:
                status, _ = api.call(
                    reviewer,
                    "post",
                    f"/tasks/{task['id']}/request-supplement",
                    {"lines": ["请补充经营场所产权证明"]},
                )
                assert status == 200
                status, supplied = api.call(
                    "yaofang",
                    "post",
                    f"/tasks/{task['id']}/provide-supplement",
                    {"answer": "已补充房产证复印件"},
                )
                assert status == 200 and supplied["state"] == "in_review"
                asked = True
            status, approved = api.call(
                reviewer, "post", f"/tasks/{task['id']}/approve", {"note": "同意"}
            )
            assert status == 200 and approved["state"] == "approved", approved


def test_the_pharmacy_journey_through_the_api(api):
    status, case = api.call(
        "yaofang", "post", "/cases", pharmacy_filing_json(), **{"Idempotency-Key": "abc-1"}
    )
    assert status == 201 and case["state"] == "submitted"
    status, again = api.call(
        "yaofang", "post", "/cases", pharmacy_filing_json(), **{"Idempotency-Key": "abc-1"}
    )
    assert status == 200 and again["id"] == case["id"]

    status, queue = api.call("clerk_lishi", "get", "/cases?state=submitted&order=window_due")
    assert [c["id"] for c in queue] == [case["id"]]
    status, accepted = api.call(
        "clerk_lishi", "post", f"/cases/{case['id']}/accept", {"version": case["version"]}
    )
    assert status == 200 and accepted["state"] == "in_progress" and len(accepted["tasks"]) == 7
    jurisdictions = {t["item_id"]: t["jurisdiction"] for t in accepted["tasks"]}
    assert (
        jurisdictions["drug_retail_licence"] == "141100"
        and jurisdictions["food_business_licence"] == "141102"
    )

    status, city_work = api.call("r_mpa", "get", "/tasks")
    assert {t["item_id"] for t in city_work} == {
        "drug_retail_licence",
        "medical_device_class3_licence",
    }

    finished = work_all(api, case["id"])
    assert finished["state"] == "ready"
    assert any(a["action"] == "provide_supplement" for a in finished["timeline"])
    status, _checked = api.call(
        "clerk_lishi", "post", f"/cases/{case['id']}/materials/check-all", {}
    )
    assert status == 200
    status, done = api.call("clerk_lishi", "post", f"/cases/{case['id']}/hand-over", {})
    assert status == 200 and done["state"] == "completed"
    status, mine = api.call("yaofang", "get", f"/cases/{case['id']}")
    assert mine["state_label"] == "已办结"


def test_refusals_say_why_with_the_right_status(api):
    status, case = api.call("yaofang", "post", "/cases", pharmacy_filing_json())
    case_id = case["id"]
    status, body = api.call(
        "clerk_lishi", "post", f"/cases/{case_id}/accept", {"version": case["version"] + 5}
    )
    assert status == 409 and "已被更新" in body["detail"]
    status, body = api.call("yaofang", "post", f"/cases/{case_id}/accept", {})
    assert status == 403
    status, body = api.call("zhangsan", "get", f"/cases/{case_id}")
    assert status == 404
    api.call("clerk_lishi", "post", f"/cases/{case_id}/accept", {})
    status, body = api.call("clerk_lishi", "post", f"/cases/{case_id}/accept", {})
    assert status == 409  # never applied twice
    status, body = api.call("clerk_lishi", "post", f"/cases/{case_id}/refuse", {"reason": "x"})
    assert status == 409


def test_bad_form_is_refused_with_every_field_named(api):
    body = pharmacy_filing_json()
    body["form"]["legal_rep_id_number"] = "142331198503151232"
    body["form"]["applicant_phone"] = "123"
    status, answer = api.call("yaofang", "post", "/cases", body)
    assert status == 400
    assert set(answer["fields"]) == {"legal_rep_id_number", "applicant_phone"}
    assert "校验码不正确" in answer["fields"]["legal_rep_id_number"]


def test_personal_data_is_masked_for_staff_and_full_views_are_recorded(api):
    status, case = api.call("yaofang", "post", "/cases", pharmacy_filing_json())
    status, seen = api.call("clerk_lishi", "get", f"/cases/{case['id']}")
    assert seen["form"]["legal_rep_id_number"] == "142331********1231"
    assert seen["applicant"] == "吕梁康民大药房有限公司"  # an enterprise's name is public
    status, full = api.call("clerk_lishi", "get", f"/cases/{case['id']}/form?purpose=核验身份")
    assert full["legal_rep_id_number"] == "142331198503151231"
    assert PersonalDataView.objects.filter(viewer__username="clerk_lishi").count() == 1
    status, own = api.call("yaofang", "get", f"/cases/{case['id']}")
    assert own["form"]["legal_rep_id_number"] == "142331198503151231"


def test_an_agent_files_for_the_principal_who_authorised_them(api):
    body = {**pharmacy_filing_json(), "applicant": "yaofang"}
    status, case = api.call("daiban", "post", "/cases", body)
    assert status == 201 and case["channel"] == "agent"
    body["applicant"] = "zhangsan"
    status, refused = api.call("daiban", "post", "/cases", body)
    assert status == 403 and "代办授权" in refused["detail"]


def test_session_requests_need_the_csrf_token(api):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user("yaofang"))
    response = client.post("/api/v1/cases", pharmacy_filing_json(), content_type="application/json")
    assert response.status_code in (401, 403)


def test_wrong_password_and_no_token(api):
    response = Client().post(
        "/api/v1/auth/token",
        {"username": "yaofang", "password": "nope"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert Client().get("/api/v1/cases").status_code == 401


def test_a_draft_is_saved_changed_and_then_submitted(api):
    body = pharmacy_filing_json()
    full_form = body["form"]
    status, draft = api.call(
        "yaofang", "post", "/cases", {**body, "form": {"company_name": "草稿"}, "submit": False}
    )
    assert status == 201 and draft["state"] == "draft"
    # Submitting an incomplete draft names what is missing and changes nothing.
    status, refused = api.call("yaofang", "post", f"/cases/{draft['id']}/submit", {})
    assert status == 400
    status, changed = api.call(
        "yaofang", "put", f"/cases/{draft['id']}", {**body, "version": draft["version"]}
    )
    assert status == 200, changed
    assert changed["state"] == "draft" and changed["version"] == draft["version"] + 1
    # A stale version is refused; another package cannot be put in its place.
    status, stale = api.call(
        "yaofang", "put", f"/cases/{draft['id']}", {**body, "version": draft["version"]}
    )
    assert status == 409 and "已被更新" in stale["detail"]
    status, other = api.call(
        "yaofang", "put", f"/cases/{draft['id']}", {**body, "package_id": "open_restaurant"}
    )
    assert status == 400
    status, submitted = api.call("yaofang", "post", f"/cases/{draft['id']}/submit", {})
    assert status == 200 and submitted["state"] == "submitted"
    assert submitted["form"]["company_name"] == full_form["company_name"]
    # Nobody else may change it, and a filed case is no longer a draft.
    status, _ = api.call("zhangsan", "put", f"/cases/{draft['id']}", body)
    assert status in (403, 404)
    status, late = api.call("yaofang", "put", f"/cases/{draft['id']}", body)
    assert status == 409
