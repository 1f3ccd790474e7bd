"""即办 at a kiosk: 张三 signed in with his ID card (the kiosk's reader read it) files
食品小经营店备案; his 健康证明 and 不动产权证书 are in the library (A), his ID card read (B):
the platform accepts and decides it at once, and he collects the certificate there
(自助领取). Filed on the web, or with a failing rule, a person still has work to do."""

import pytest

from onething.cases import delivery, services
from onething.cases.filing import Filing
from onething.cases.lifecycle import CaseAction, CaseState, TaskState
from onething.cases.models import Action, Delivery, Evidence
from onething.core.errors import Conflict
from onething.core.events import SUBSCRIBERS, CaseAccepted, subscribe
from onething.licences.models import Licence
from tests.factories import FOOD_SHOP, food_shop_form, user

pytestmark = pytest.mark.django_db


def kiosk_filing(area: str = "30", card_read: bool = True):
    form = {**food_shop_form(area), "company_name": "离石区张三便利店"}
    filing = Filing(
        "small_food_shop", FOOD_SHOP, "141102", form, kiosk="lishi-01", card_read=card_read
    )
    case, _ = services.file_case(user("zhangsan"), filing)
    return case


def test_a_card_signed_filing_is_accepted_decided_and_collected_without_a_person(demo):
    case = kiosk_filing()
    assert case.state == CaseState.READY and case.channel == "kiosk"
    assert case.accepted_by_id is None
    assert Action.objects.filter(case=case, action=CaseAction.AUTO_ACCEPT).exists()
    levels = dict(Evidence.objects.filter(case=case).values_list("material_id", "trust"))
    assert levels == {
        "application_form": "A",
        "applicant_id": "B",  # the kiosk's reader read the card
        "premises_proof": "A",  # his 不动产权证书
        "health_certificates": "A",  # his 健康证明
    }
    assert case.tasks.get().state == TaskState.APPROVED
    licence = Licence.objects.get(case=case)

    with pytest.raises(Conflict):  # not at a kiosk
        delivery.collect_at_kiosk(user("zhangsan"), case.public_id, "")
    done = delivery.collect_at_kiosk(user("zhangsan"), case.public_id, "lishi-01")
    assert done.state == CaseState.COMPLETED
    assert "lishi-01" in Delivery.objects.get(case=case).signed_note
    assert licence.holder_id == user("zhangsan").pk


def test_without_the_card_or_with_a_failing_rule_a_person_decides(demo):
    by_code = kiosk_filing(card_read=False)
    assert by_code.state == CaseState.SUBMITTED  # the window checks his ID card
    too_big = kiosk_filing("80")
    assert too_big.state == CaseState.IN_PROGRESS  # accepted; the rule sends it to a reviewer
    assert too_big.tasks.get().state == TaskState.WORKABLE
    with pytest.raises(Conflict):  # nothing to collect yet
        delivery.collect_at_kiosk(user("zhangsan"), too_big.public_id, "lishi-01")


def test_a_last_handler_runs_after_the_others_whatever_the_order():
    calls = []

    def first(_event):
        calls.append("last")

    def second(_event):
        calls.append("other")

    before = list(SUBSCRIBERS[CaseAccepted])
    try:
        subscribe(CaseAccepted, first, last=True)
        subscribe(CaseAccepted, second)
        assert SUBSCRIBERS[CaseAccepted].index(first) > SUBSCRIBERS[CaseAccepted].index(second)
    finally:
        SUBSCRIBERS[CaseAccepted][:] = before
