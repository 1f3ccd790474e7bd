"""定制办 through the REST API: the 审批局 composes a charging station and a road with one
joint review, reads it back with its critical path and totals, starts it (one case per
project) and saves it as a template; a cycle is 400 with its message, an applicant 403,
someone else's plan 404, a second start 409."""

import uuid

import pytest

from onething.cases.models import Case
from tests.factories import two_project_plan

pytestmark = pytest.mark.django_db


def body(steps=None) -> dict:
    data = two_project_plan()
    return {
        "title": data.title,
        "owner": data.owner,
        "place": data.place,
        "start": data.start.isoformat(),
        "projects": [
            {
                "key": p.key,
                "name": p.name,
                "code": p.code,
                "address": p.address,
                "investment": p.investment,
                "package_id": p.package_id,
                "answers": dict(p.answers),
                "form": dict(p.form),
            }
            for p in data.projects
        ],
        "steps": steps
        or [
            {
                "key": s.key,
                "project": s.project,
                "item_id": s.item_id,
                "after": list(s.after),
                "lead": s.lead,
                "review": s.review,
            }
            for s in data.steps
        ],
        "reviews": [
            {
                "key": r.key,
                "name": r.name,
                "days": r.days,
                "projects": list(r.projects),
                "after": list(r.after),
            }
            for r in data.reviews
        ],
    }


def test_compose_read_start_and_template(api):
    status, plan = api.call("r_approval_jiaoqu", "post", "/plans", body())
    assert status == 201 and plan["state"] == "draft"
    assert plan["critical_path"] == ["s_filing", "joint", "r_feasibility", "r_planning", "s_occupy"]
    assert plan["total_days"] == 27 and plan["standard_days"] == 27
    rows = {row["key"]: row for row in plan["rows"]}
    assert rows["joint"]["kind"] == "review" and rows["joint"]["projects"] == ["station", "road"]
    assert rows["s_occupy"]["after"] == ["s_power", "r_planning"] and rows["r_build"]["slack"] == 2

    status, seen = api.call("gridco", "get", f"/plans/{plan['id']}")
    assert status == 200 and seen["id"] == plan["id"]
    assert api.call("yaofang", "get", f"/plans/{plan['id']}")[0] == 404
    assert api.call("gridco", "get", f"/plans/{uuid.uuid4()}")[0] == 404
    assert api.call("gridco", "post", f"/plans/{plan['id']}/start")[0] == 403

    status, started = api.call("r_approval_jiaoqu", "post", f"/plans/{plan['id']}/start")
    assert status == 200 and started["state"] == "running" and Case.objects.count() == 2
    assert {p["case_state"] for p in started["projects"]} == {"submitted"}
    assert api.call("r_approval_jiaoqu", "post", f"/plans/{plan['id']}/start")[0] == 409

    status, template = api.call("r_approval_jiaoqu", "post", f"/plans/{plan['id']}/template")
    assert status == 201 and template["is_template"] and template["total_days"] == 27
    assert {p["case_id"] for p in template["projects"]} == {None}


def test_a_cycle_is_400_with_its_message_and_an_applicant_403(api):
    cyclic = [
        {"key": "a", "project": "station", "item_id": "project_filing", "after": ["b"]},
        {"key": "b", "project": "road", "item_id": "gov_feasibility_approval", "after": ["a"]},
    ]
    status, refused = api.call("r_approval_jiaoqu", "post", "/plans", body(cyclic))
    assert status == 400 and "依赖关系成环：a → b → a" in refused["detail"]
    assert "依赖关系成环" in refused["fields"]["plan"]
    assert api.call("gridco", "post", "/plans", body())[0] == 403


def test_joint_review_recorded_and_a_plan_from_a_template(api):
    from onething.cases import window
    from tests.factories import user, work_items

    _, plan = api.call("r_approval_jiaoqu", "post", "/plans", body())
    api.call("r_approval_jiaoqu", "post", f"/plans/{plan['id']}/start")
    cases = list(Case.objects.order_by("pk"))
    for case in cases:
        window.accept(user("clerk_jiaoqu"), case.public_id)
    _, seen = api.call("gridco", "get", f"/plans/{plan['id']}")
    rows = {row["key"]: row for row in seen["rows"]}
    assert "联合专家评审" in rows["r_feasibility"]["waiting_for"]

    outcome = {"outcome": "专家组同意"}
    review = f"/plans/{plan['id']}/reviews/joint"
    status, refused = api.call("r_approval_jiaoqu", "post", review, outcome)
    assert status == 409 and "尚未办结" in refused["detail"]  # it examines the filing
    work_items(cases[0], {"project_filing"})
    assert api.call("gridco", "post", review, outcome)[0] == 403
    assert api.call("r_approval_jiaoqu", "post", review, {"outcome": " "})[0] == 400
    assert (
        api.call("r_approval_jiaoqu", "post", f"/plans/{plan['id']}/reviews/x", outcome)[0] == 404
    )
    status, recorded = api.call("r_approval_jiaoqu", "post", review, outcome)
    rows = {row["key"]: row for row in recorded["rows"]}
    assert status == 200 and rows["joint"]["outcome"] == "专家组同意"
    assert rows["r_feasibility"]["waiting_for"] == ""
    assert api.call("r_approval_jiaoqu", "post", review, outcome)[0] == 409

    _, template = api.call("r_approval_jiaoqu", "post", f"/plans/{plan['id']}/template")
    new = {
        "title": "平坦充电站与道路",
        "owner": "gridco",
        "start": "2026-04-01",
        "projects": [
            {
                "key": "station",
                "name": "郊区平坦充电站",
                "code": "2026-140311-44-09-000019",
                "address": "阳泉市郊区平坦镇公交首末站",
                "investment": "600",
            },
            {
                "key": "road",
                "name": "郊区平坦路改建",
                "code": "2026-140311-48-01-000020",
                "address": "阳泉市郊区平坦镇平坦路全线",
                "investment": "3000",
            },
        ],
    }
    status, copy = api.call("r_approval_jiaoqu", "post", f"/plans/{template['id']}/compose", new)
    assert status == 201 and copy["state"] == "draft" and copy["total_days"] == 27
    assert api.call("r_approval_jiaoqu", "post", f"/plans/{plan['id']}/compose", new)[0] == 409
    status, listed = api.call("r_approval_jiaoqu", "get", "/plans")
    assert status == 200 and {p["id"] for p in listed} >= {plan["id"], template["id"], copy["id"]}
    assert api.call("yaofang", "get", "/plans")[1] == []
