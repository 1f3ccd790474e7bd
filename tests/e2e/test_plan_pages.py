"""定制办 pages through Django's test client: the compose form posted back with one more
row loses nothing, a cycle is shown with its message and nothing saved, a saved plan's
page shows its critical path, totals and the timeline with its table; start and template."""

import pytest

from onething.projects import plan_services as plans
from onething.projects.models import CustomPlan
from tests.factories import as_user, elements, two_project_plan, user

pytestmark = pytest.mark.django_db


def compose_post(**changes) -> dict[str, str]:
    data = {
        "title": "荫营充电站与道路一事一策",
        "owner": "gridco",
        "start": "2026-03-02",
        "place": "140311",
        "projects": "2",
        "steps": "3",
        "reviews": "1",
        "p0-name": "郊区荫营充电站",
        "p0-code": "2026-140311-44-09-000001",
        "p0-address": "阳泉市郊区荫营镇公交停车场",
        "p0-investment": "800",
        "p0-package_id": "charging_station",
        "p1-name": "郊区荫营路改建",
        "p1-code": "2026-140311-48-01-000002",
        "p1-address": "阳泉市郊区荫营镇荫营路全线",
        "p1-investment": "5000",
        "p1-package_id": "road_project",
        "s0-project": "p1",
        "s0-item_id": "charging_power_connection",
        "s0-review": "j1",
        "s1-project": "p2",
        "s1-item_id": "gov_feasibility_approval",
        "s1-review": "j1",
        "s2-project": "p1",
        "s2-item_id": "road_occupation_permit",
        "s2-after": "s1, s2",
        "r0-name": "联合专家评审",
        "r0-days": "7",
        "r0-projects": ["p1", "p2"],
        "intent": "save",
    }
    answers = {
        "p0-q-needs_new_land": "false",
        "p0-q-station_buildings": "不新建（仅安装充电设备）",
        "p0-q-energy_threshold": "false",
        "p0-q-occupies_road": "true",
        "p1-q-road_work": "改建",
        "p1-q-road_grade": "次干路",
        "p1-q-occupies_road": "false",
        "p1-q-affects_trees": "false",
        "p1-q-near_power_lines": "false",
    }
    return {**data, **answers, **changes}


def test_compose_a_plan_on_the_page(client, demo):
    as_user(client, "r_approval_jiaoqu")
    assert client.get("/projects/plans/new").status_code == 200
    more = client.post("/projects/plans/new", compose_post(intent="more_step"))
    assert more.status_code == 200 and len(elements(more, "fieldset", id="step-4")) == 1
    assert "郊区荫营充电站" in more.content.decode()

    cyclic = client.post("/projects/plans/new", compose_post(**{"s1-after": "s3"}))
    assert cyclic.status_code == 400 and "依赖关系成环" in cyclic.content.decode()
    assert not CustomPlan.objects.exists()

    saved = client.post("/projects/plans/new", compose_post())
    plan = CustomPlan.objects.get()
    assert saved.status_code == 302 and saved["Location"].endswith(str(plan.public_id))
    page = client.get(saved["Location"]).content.decode()
    assert "关键路径" in page and "<svg" in page and "style=" not in page
    assert len(elements(page, "rect")) >= 4 and "联合专家评审" in page

    client.post(f"/projects/plans/{plan.public_id}/start")
    plan.refresh_from_db()
    assert plan.state == CustomPlan.RUNNING
    cases = [link.project.case for link in plan.plan_projects.all()]
    assert {case.state for case in cases} == {"draft"}  # the owner completes the forms
    owner_page = as_user(client, "gridco").get(f"/projects/plans/{plan.public_id}")
    link = elements(owner_page, "a", href=f"/cases/{cases[0].public_id}")
    assert link and client.get(f"/cases/{cases[0].public_id}").status_code == 200
    as_user(client, "r_approval_jiaoqu")
    client.post(f"/projects/plans/{plan.public_id}/template")
    assert CustomPlan.objects.filter(is_template=True, template_of=plan).count() == 1


def test_who_sees_the_pages(client, demo):
    plan = plans.compose_plan(user("r_approval_jiaoqu"), two_project_plan())
    assert as_user(client, "gridco").get(f"/projects/plans/{plan.public_id}").status_code == 200
    assert client.get("/projects/plans/new").status_code in (403, 404)
    assert as_user(client, "yaofang").get(f"/projects/plans/{plan.public_id}").status_code == 404
    listed = as_user(client, "clerk_jiaoqu").get("/projects/plans/").content.decode()
    assert plan.title in listed
