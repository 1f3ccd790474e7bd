"""全代办: the 帮办代办 agent files a charging station for the power company under its
written authorisation (the package in scope, the period), every action recorded with the
agent as actor on the company's case; a package outside the scope is refused; the company
revokes the authorisation from its page, and the agent's next filing and action for it
are refused while what was done stays in view."""

from datetime import timedelta

import pytest
from django.utils import timezone

from onething.accounts.models import Authorisation
from onething.cases import services
from onething.cases.models import Action, Case
from onething.catalog.guide import build_guide, resolve_answers
from onething.catalog.services import current_catalog
from onething.core.access import may_act_on_case, may_view_case
from onething.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onething.intake.samples import sample_form
from onething.linked import authorisations
from tests.factories import CHARGING_ANSWERS, GRID_ANSWERS, as_user, text_of, user

pytestmark = pytest.mark.django_db


def filing(package_id: str, answers: dict) -> services.Filing:
    catalog = current_catalog().catalog
    package = catalog.packages[package_id]
    form = sample_form(build_guide(catalog, package, resolve_answers(package, answers)).fields)
    return services.Filing(package_id, answers, "140311", form)


def authorised(**changes) -> Authorisation:
    values = {
        "principal": user("gridco"),
        "agent": user("daiban"),
        "packages": ["charging_station"],
        "valid_until": timezone.localdate() + timedelta(days=30),
        "document": "郊区代办〔2026〕007号",
    }
    return Authorisation.objects.create(**{**values, **changes})


def test_the_agent_acts_in_scope_until_the_company_revokes(demo):
    given = authorised()
    agent, company = user("daiban"), user("gridco")
    case, _ = services.file_case(
        agent, filing("charging_station", CHARGING_ANSWERS), applicant=company
    )
    assert case.applicant == company and case.agent == agent
    actions = Action.objects.filter(case=case)
    assert actions.exists() and {a.actor_role for a in actions} == {"agent"}
    assert may_act_on_case(agent, case)
    with pytest.raises(Forbidden, match="有效代办授权"):  # outside the scope
        services.file_case(agent, filing("grid_rebuild", GRID_ANSWERS), applicant=company)

    authorisations.revoke(company, given.pk)
    case.refresh_from_db()
    assert not may_act_on_case(agent, case) and may_view_case(agent, case)
    with pytest.raises(Forbidden, match="无权撤回"):
        services.withdraw(agent, case.public_id)
    with pytest.raises(Forbidden, match="有效代办授权"):
        services.file_case(agent, filing("charging_station", CHARGING_ANSWERS), applicant=company)
    assert Case.objects.count() == 1


def test_out_of_period_and_who_may_revoke(demo):
    expired = authorised(valid_until=timezone.localdate() - timedelta(days=1))
    with pytest.raises(Forbidden, match="有效代办授权"):
        services.file_case(
            user("daiban"), filing("charging_station", CHARGING_ANSWERS), applicant=user("gridco")
        )
    with pytest.raises(Forbidden):
        authorisations.revoke(user("daiban"), expired.pk)
    with pytest.raises(NotFound):
        authorisations.revoke(user("yaofang"), expired.pk)
    authorisations.revoke(user("gridco"), expired.pk)
    with pytest.raises(Conflict):
        authorisations.revoke(user("gridco"), expired.pk)


def test_the_company_revokes_from_its_page(demo, client):
    given = authorised()
    page = as_user(client, "gridco").get("/linked/authorisations")
    assert page.status_code == 200 and "郊区代办〔2026〕007号" in text_of(page)
    assert "电动汽车充电站建设" in text_of(page) and "撤销授权" in text_of(page)
    response = client.post(f"/linked/authorisations/{given.pk}/revoke")
    assert response.status_code == 302
    given.refresh_from_db()
    assert given.revoked_at is not None
    assert "已于" in text_of(client.get("/linked/authorisations"))
    other = as_user(client, "yaofang").post(f"/linked/authorisations/{given.pk}/revoke")
    assert other.status_code == 302  # refused with a message: not theirs
    held = as_user(client, "daiban").get("/linked/authorisations")
    assert "郊区代办〔2026〕007号" in text_of(held) and "撤销授权" not in text_of(held)


def test_the_company_gives_an_authorisation_in_writing(demo, client):
    known = {"charging_station", "grid_rebuild"}
    until = timezone.localdate() + timedelta(days=90)
    good = authorisations.Grant("daiban", "郊区代办〔2026〕008号", until, ["charging_station"])
    for bad, message in [
        (authorisations.Grant("yaofang", "编号", until), "帮办代办人员"),
        (authorisations.Grant("daiban", " ", until), "授权委托书编号"),
        (authorisations.Grant("daiban", "编号", until + timedelta(days=400)), "截止日期"),
        (authorisations.Grant("daiban", "编号", until, ["nowhere"]), "没有这些一件事"),
    ]:
        with pytest.raises(InvalidInput, match=message):
            authorisations.grant(user("gridco"), bad, known)
    with pytest.raises(Forbidden):
        authorisations.grant(user("daiban"), good, known)
    assert not Authorisation.objects.filter(principal=user("gridco")).exists()
    given = authorisations.grant(user("gridco"), good, known)
    assert given.covers("charging_station") and not given.covers("grid_rebuild")

    page = as_user(client, "gridco").post(
        "/linked/authorisations",
        {"agent": "daiban", "document": "郊区代办〔2026〕009号", "valid_until": str(until)},
    )
    assert page.status_code == 302
    assert Authorisation.objects.get(document="郊区代办〔2026〕009号").packages == []
    refused = client.post("/linked/authorisations", {"agent": "nobody", "document": "x"})
    assert refused.status_code == 400 and "代办授权有误" in text_of(refused)
