"""秒批: an item whose catalogue rules all hold is approved by the platform at acceptance
and its certificate issued in the same transaction; otherwise it waits for a reviewer,
who sees which rule failed; the trace is in the case's audit trail either way."""

import pytest

from onething.cases.instant_decisions import traces_of
from onething.cases.lifecycle import CaseState, TaskAction, TaskState
from onething.cases.models import Action
from onething.licences import services as licences
from onething.licences.certificate import LicenceStatus
from onething.licences.models import Licence
from tests.factories import accepted_pharmacy, food_shop_case, work_items

pytestmark = pytest.mark.django_db


def test_a_qualifying_filing_is_approved_and_its_certificate_issued(demo):
    case = food_shop_case("30")
    task = case.tasks.get()
    assert task.state == TaskState.APPROVED
    assert task.assignee_id is None
    assert case.state == CaseState.READY
    licence = Licence.objects.get(case=case)
    assert licences.verify_number(licence.number).status == LicenceStatus.valid
    row = Action.objects.get(case=case, action=TaskAction.AUTO_APPROVE)
    assert row.actor_id is None and row.actor_role == "system"
    trace = row.data["instant"]
    assert trace["held"] is True
    assert [r["rule"] for r in trace["rules"]] == ["materials", "form", "operating_area"]
    assert traces_of(case)[task.pk]["held"] is True


def test_a_failing_rule_leaves_it_to_the_reviewer_with_the_reason(demo):
    case = food_shop_case("80")
    task = case.tasks.get()
    assert task.state == TaskState.WORKABLE
    assert case.state == CaseState.IN_PROGRESS
    assert not Licence.objects.filter(case=case).exists()
    row = Action.objects.get(case=case, action=TaskAction.REFER)
    assert "经营面积（平方米）不超过50" in row.note and "80" in row.note
    failed = [r for r in traces_of(case)[task.pk]["rules"] if not r["held"]]
    assert [r["rule"] for r in failed] == ["operating_area"]


def test_unchecked_originals_are_not_enough(demo):
    case = food_shop_case("30", checked=False)
    task = case.tasks.get()
    assert task.state == TaskState.WORKABLE
    failed = [r for r in traces_of(case)[task.pk]["rules"] if not r["held"]]
    assert [r["rule"] for r in failed] == ["materials"]
    assert "健康证明" in failed[0]["why"]


def test_an_item_without_instant_rules_is_untouched(demo):
    case = accepted_pharmacy()
    assert traces_of(case) == {}
    assert not Action.objects.filter(
        case=case, action__in=[TaskAction.AUTO_APPROVE, TaskAction.REFER]
    ).exists()
    assert all(t.state != TaskState.APPROVED for t in case.tasks.all())


def test_an_instant_item_released_by_an_approval_is_decided_once_it_commits(
    demo, django_capture_on_commit_callbacks
):
    case = food_shop_case("30", has_business_licence="false")
    registration = case.tasks.get(item_id="individual_business_registration")
    filing = case.tasks.get(item_id="small_food_shop_filing")
    assert filing.state == TaskState.WAITING and traces_of(case) == {}
    with django_capture_on_commit_callbacks(execute=True):
        work_items(case, {"individual_business_registration"})
    filing.refresh_from_db()
    assert filing.state == TaskState.APPROVED
    assert set(traces_of(case)) == {filing.pk}
    assert registration.pk not in traces_of(case)
    assert Licence.objects.filter(case=case).count() == 2  # 营业执照 and the 备案凭证
