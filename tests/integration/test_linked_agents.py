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
    assert not Authorisation.objects.filter(principal=user("gridco"), agent=user("daiban")).exists()
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


# --------------------------------------------------------------------------- by project

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def agents_bundle(count: int = 2):
    """The agent files a grid bundle for gridco under an authorisation for every project."""
    from onething.projects import services as bundles
    from tests.factories import grid_bundle_filing

    given = authorised(packages=["grid_rebuild"])
    bundle, _ = bundles.file_bundle(
        user("daiban"), grid_bundle_filing(count), applicant=user("gridco")
    )
    return given, bundles.projects_of(bundle)


def test_an_authorisation_naming_projects_covers_those_only(demo):
    from onething.cases import materials

    first_given, (first, second) = agents_bundle()
    agent, company = user("daiban"), user("gridco")
    authorisations.revoke(company, first_given.pk)
    known = {"grid_rebuild", "charging_station"}
    until = timezone.localdate() + timedelta(days=60)
    with pytest.raises(InvalidInput, match="不是本单位的项目"):
        authorisations.grant(
            company, authorisations.Grant("daiban", "x", until, projects=["no"]), set()
        )
    named = authorisations.Grant(
        "daiban", "郊区代办〔2026〕011号", until, projects=[str(first.public_id)]
    )
    authorisations.grant(company, named, known)

    first_case, second_case = first.case, second.case
    assert may_act_on_case(agent, first_case) and not may_act_on_case(agent, second_case)
    with pytest.raises(Forbidden, match=f"超出授权范围：项目“{second.name}”不在授权书中"):
        services.withdraw(agent, second_case.public_id)
    evidence = second_case.evidence.filter(origin="applicant").first()
    with pytest.raises(Forbidden, match="不在授权书中"):
        materials.upload_evidence(agent, second_case.public_id, evidence.pk, "a.pdf", PDF)
    with pytest.raises(Forbidden, match="不属于其中任何项目"):  # a new filing: no project yet
        services.file_case(agent, filing("grid_rebuild", GRID_ANSWERS), applicant=company)
    services.withdraw(agent, first_case.public_id)
    done = Action.objects.filter(case=first_case, action="withdraw").get()
    assert done.actor == agent and done.actor_role == "agent"
    first_case.refresh_from_db()
    assert first_case.applicant == company


def test_the_agent_carries_a_project_the_company_filed(demo):
    """A project of the company's own filing, named in the authorisation: the agent sees
    its case and acts on it for the company; after the period, refused with the reason."""
    from onething.cases.models import OutboxMessage
    from onething.core.access import cases_visible_to
    from onething.projects import services as bundles
    from tests.factories import grid_bundle_filing

    company, agent = user("gridco"), user("daiban")
    bundle, _ = bundles.file_bundle(company, grid_bundle_filing(2))
    first, second = bundles.projects_of(bundle)
    outside = authorised(packages=["charging_station"], projects=[str(second.public_id)])
    given = authorised(packages=[], projects=[str(first.public_id)])
    assert set(cases_visible_to(agent)) == {first.case}  # the second: not its package
    assert not may_view_case(agent, second.case)
    outside.delete()
    assert may_view_case(agent, first.case) and not may_view_case(agent, second.case)
    before = OutboxMessage.objects.filter(recipient=company).count()
    services.withdraw(agent, first.case.public_id)
    assert OutboxMessage.objects.filter(recipient=company).count() >= before
    assert Action.objects.get(case=first.case, action="withdraw").actor == agent

    given.valid_from = timezone.localdate() - timedelta(days=30)
    given.valid_until = timezone.localdate() - timedelta(days=1)
    given.save()
    assert not cases_visible_to(agent).exists()
    with pytest.raises(Forbidden):
        services.withdraw(agent, second.case.public_id)


def test_the_reason_is_said_after_revocation_and_after_the_period(demo):
    given = authorised()
    agent, company = user("daiban"), user("gridco")
    case, _ = services.file_case(
        agent, filing("charging_station", CHARGING_ANSWERS), submit=False, applicant=company
    )
    authorisations.revoke(company, given.pk)
    with pytest.raises(Forbidden, match=r"无权提交此办件：授权已于 .* 撤销"):
        services.submit(agent, case.public_id)
    Authorisation.objects.filter(pk=given.pk).update(
        revoked_at=None,
        valid_from=timezone.localdate() - timedelta(days=30),
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    with pytest.raises(Forbidden, match="授权已过期"):
        services.submit(agent, case.public_id)
    with pytest.raises(Forbidden, match="授权已过期"):
        services.file_case(agent, filing("charging_station", CHARGING_ANSWERS), applicant=company)
    assert may_view_case(agent, case)  # what one filed stays in view


def test_the_company_gets_every_notice_of_the_agents_case(demo, client):
    from onething.cases.models import OutboxMessage

    authorised()
    agent, company = user("daiban"), user("gridco")
    case, _ = services.file_case(
        agent, filing("charging_station", CHARGING_ANSWERS), applicant=company
    )
    services.accept(user("clerk_jiaoqu"), case.public_id)
    sent = OutboxMessage.objects.filter(case=case)
    assert sent.exists()
    for kind in {m.kind for m in sent}:
        assert sent.filter(kind=kind, recipient=company).exists(), kind
    page = as_user(client, "gridco").get(f"/cases/{case.public_id}")
    assert page.status_code == 200 and "代办人" in text_of(page)


def test_the_demo_agent_of_jiaoqu_holds_gridcos_authorisation(demo):
    given = Authorisation.objects.get(agent=user("daiban_jiaoqu"))
    assert given.principal == user("gridco") and given.projects == []
    assert set(given.packages) == {"grid_rebuild", "charging_station", "road_project"}
    assert given.covers("road_project") and not given.covers("open_pharmacy")
    assert authorisations.ensure_demo_authorisation() == given  # once
    assert user("daiban_jiaoqu").jurisdiction == "140311"


def test_the_agent_chooses_how_to_collect_only_under_the_authorisation(demo):
    from onething.cases.delivery import DeliveryChoice, choose_delivery

    given = authorised()
    agent, company = user("daiban"), user("gridco")
    case, _ = services.file_case(
        agent, filing("charging_station", CHARGING_ANSWERS), applicant=company
    )
    assert choose_delivery(agent, case.public_id, DeliveryChoice("window")).method == "window"
    authorisations.revoke(company, given.pk)
    with pytest.raises(Forbidden, match=r"领取方式：授权已于 .* 撤销"):
        choose_delivery(agent, case.public_id, DeliveryChoice("window"))
