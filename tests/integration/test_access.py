"""Who may see what, as one matrix: every role (and a staff account with no jurisdiction,
which sees nothing) × every model the platform scopes — cases, items, audit records,
licences, ratings, rectifications, complaints and personal-data views."""

import pytest

from onething.accounts.models import User
from onething.cases import services
from onething.cases.models import Action, Case, Task
from onething.core import access
from onething.core.roles import Role
from onething.evaluation import complaint_services, services as evaluation
from onething.evaluation.complaint_services import ComplaintFiling
from onething.evaluation.models import Complaint, Rating, Rectification
from onething.licences.models import Licence
from onething.privacy.models import PersonalDataView
from onething.privacy.services import show_person
from onething.projects import services as bundles
from onething.projects.models import Bundle
from tests.factories import decide_all, grid_bundle_filing, hand_over, pharmacy_filing, user

pytestmark = pytest.mark.django_db
LISHI, XIAOYI = "141102", "141181"  # two counties of 吕梁市 (141100)

VISIBLE = {
    "cases": access.cases_visible_to,
    "tasks": access.tasks_visible_to,
    "actions": access.actions_visible_to,
    "licences": access.licences_visible_to,
    "ratings": access.ratings_visible_to,
    "rectifications": access.rectifications_visible_to,
    "complaints": access.complaints_visible_to,
    "data views": access.data_views_visible_to,
    "bundles": access.bundles_visible_to,
}


@pytest.fixture
def world(demo):
    """A finished, badly rated case at 离石区, a submitted one at 孝义市, a complaint in
    each county (the 离石区 one dispatched to its window), a full view of a person."""
    lishi, _ = services.file_case(user("yaofang"), pharmacy_filing(place=LISHI))
    services.accept(user("clerk_lishi"), lishi.public_id)
    lishi.refresh_from_db()
    decide_all(lishi)
    hand_over(lishi)
    evaluation.rate(user("yaofang"), lishi.public_id, "overall", 1, ["态度不好"], "等了很久")
    xiaoyi, _ = services.file_case(user("yaofang"), pharmacy_filing(place=XIAOYI))
    for place in (LISHI, XIAOYI):
        complaint_services.file_complaint(
            ComplaintFiling(
                kind="complaint",
                category="slow",
                text="办理太慢了，一直没有答复",
                jurisdiction=place,
            )
        )
    complaint = Complaint.objects.get(jurisdiction=LISHI)
    complaint_services.dispatch(user("supervisor_lishi"), complaint.pk, user("clerk_lishi"))
    show_person(user("clerk_lishi"), user("yaofang"), "核对身份", full=True)
    bundles.file_bundle(user("gridco"), grid_bundle_filing(2))  # 阳泉市郊区
    for role in (Role.CLERK, Role.REVIEWER, Role.SUPERVISOR):
        User.objects.create(username=f"blank_{role}", role=role, jurisdiction="", department="amr")
    return {"lishi": lishi, "xiaoyi": xiaoyi}


def seen(username: str) -> dict[str, set]:
    person = user(username)
    return {
        name: set(visible(person).values_list("pk", flat=True)) for name, visible in VISIBLE.items()
    }


def everything() -> dict[str, set]:
    models = {
        "cases": Case,
        "tasks": Task,
        "actions": Action,
        "licences": Licence,
        "ratings": Rating,
        "rectifications": Rectification,
        "complaints": Complaint,
        "data views": PersonalDataView,
        "bundles": Bundle,
    }
    return {name: set(model.objects.values_list("pk", flat=True)) for name, model in models.items()}


def cases_at(*places) -> set:
    return set(Case.objects.filter(place__in=places).values_list("pk", flat=True))


def test_an_account_of_a_staff_role_without_a_jurisdiction_sees_nothing(world):
    for username in ("blank_clerk", "blank_reviewer", "blank_supervisor", "editor"):
        assert all(not found for found in seen(username).values()), username


def test_the_administrator_sees_everything_but_the_record_of_personal_data_views(world):
    everything_else = {**everything(), "data views": set()}
    assert seen("admin") == everything_else  # 三权分立: that record is the auditor's


def test_the_audit_administrator_reads_every_personal_data_view_and_nothing_else(world):
    found = seen("audit_admin")
    assert found["data views"] == everything()["data views"] != set()
    assert all(not ids for name, ids in found.items() if name != "data views")
    assert all(not ids for ids in seen("security_admin").values())


def test_applicants_and_agents_see_their_own(world):
    own = seen("yaofang")
    assert own["cases"] == cases_at(LISHI, XIAOYI)
    assert own["licences"] == set(
        Licence.objects.filter(holder=user("yaofang")).values_list("pk", flat=True)
    )
    assert own["ratings"] == set(Rating.objects.values_list("pk", flat=True))
    assert not own["rectifications"] and not own["complaints"] and not own["data views"]
    other = seen("zhangsan")  # his own certificates only (健康证明, 不动产权证书)
    assert not other["cases"] and not other["ratings"]
    assert other["licences"] == set(
        Licence.objects.filter(holder=user("zhangsan")).values_list("pk", flat=True)
    )
    assert not other["licences"] & own["licences"]
    agent = seen("daiban")  # authorised by yaofang, filed nothing
    assert not agent["cases"] and agent["licences"] == own["licences"]


def test_a_bundle_is_seen_by_its_company_and_the_staff_of_its_place_only(world):
    bundle = set(Bundle.objects.values_list("pk", flat=True))
    assert not seen("r_approval_jiaoqu")["bundles"]  # nothing routed to the department yet
    bundles.accept_bundle(user("clerk_jiaoqu"), Bundle.objects.get().public_id)
    for username in ("gridco", "clerk_jiaoqu", "r_approval_jiaoqu", "admin"):
        assert seen(username)["bundles"] == bundle, username
    for username in ("yaofang", "clerk_lishi", "clerk", "r_approval_lishi", "supervisor"):
        assert not seen(username)["bundles"], username


def test_county_staff_see_their_county_and_city_staff_their_counties(world):
    lishi, both = cases_at(LISHI), cases_at(LISHI, XIAOYI)
    county, city = seen("supervisor_lishi"), seen("supervisor")
    assert county["cases"] == lishi and city["cases"] == both
    assert county["complaints"] == set(
        Complaint.objects.filter(jurisdiction=LISHI).values_list("pk", flat=True)
    )
    assert city["complaints"] == set(Complaint.objects.values_list("pk", flat=True))
    assert county["rectifications"] == city["rectifications"] == everything()["rectifications"]
    assert county["data views"] == everything()["data views"]
    window = seen("clerk_lishi")
    assert window["cases"] == lishi and window["rectifications"] == county["rectifications"]
    assert window["complaints"] == county["complaints"]  # dispatched to it
    assert window["actions"] == set(
        Action.objects.filter(case__place=LISHI).values_list("pk", flat=True)
    )
    assert not window["data views"]  # only supervisors read the record of views


def test_a_reviewer_sees_the_items_routed_to_their_department_and_level(world):
    county, city = seen("r_amr_lishi"), seen("r_mpa")
    assert county["tasks"] == set(
        Task.objects.filter(department="amr", jurisdiction=LISHI).values_list("pk", flat=True)
    )
    assert city["tasks"] == set(
        Task.objects.filter(department="mpa", jurisdiction="141100").values_list("pk", flat=True)
    )
    assert county["cases"] == cases_at(LISHI)  # the 孝义市 case was never accepted
    assert not county["complaints"] and not county["data views"]


def test_single_object_checks_agree_with_the_querysets(world):
    for username in (
        "yaofang",
        "zhangsan",
        "clerk_lishi",
        "clerk",
        "supervisor_lishi",
        "r_amr_lishi",
        "admin",
        "blank_supervisor",
    ):
        person = user(username)
        visible = set(access.cases_visible_to(person).values_list("pk", flat=True))
        for case in Case.objects.select_related("applicant", "agent"):
            assert access.may_view_case(person, case) == (case.pk in visible), (
                username,
                case.place,
            )
        licences = set(access.licences_visible_to(person).values_list("pk", flat=True))
        for licence in Licence.objects.select_related("holder"):
            assert access.may_see_licence(person, licence) == (licence.pk in licences), username


def test_the_pages_ask_the_same_rule(world, client):
    client.force_login(user("blank_supervisor"))
    assert "办理太慢" not in client.get("/complaints/").content.decode()
    assert "等了很久" not in client.get("/rectifications/").content.decode()
    assert client.get("/dashboard/").status_code == 403
    client.force_login(user("supervisor_lishi"))
    assert "办理太慢" in client.get("/complaints/").content.decode()
    assert "等了很久" in client.get("/rectifications/").content.decode()
