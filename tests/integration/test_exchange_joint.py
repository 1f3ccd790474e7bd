"""多地联办 on the receiving side, against a partner played by the test: 户口迁移 is filed
and accepted once at 离石区; its 迁出 part goes to 榆林 in the acceptance's transaction and
is held here; 榆林's status and certificate come back; on its 办结 迁出 is approved here
with the verified certificate and 迁入 is released; one handover tells 榆林. A partner
stopped at acceptance leaves the message waiting; a refusal there ends 迁入 here."""

from __future__ import annotations

import pytest
from django.utils import timezone

from onething.cases import services
from onething.cases.models import Action, Case
from onething.core.errors import InvalidInput
from onething.exchange import identity, inbox, rules
from onething.exchange.models import OutboundMessage, Partner, RemoteCase
from onething.exchange.partners import add_partner
from tests.factories import check_materials, exchange_partner, user, work_items
from tests.factories_exchange import household_move_accepted, household_move_filed

OUT, IN = "household_move_out", "household_move_in"


@pytest.fixture
def partner(demo) -> dict:
    return exchange_partner()


def trust_certificates(node: dict) -> None:
    """榆林's issuing keys, as its identity document lists them (the test signs 榆林's
    certificates with ours: an issued 我要开药店 certificate stands for its 户口迁出证明)."""
    add_partner(node["document"] | {"licence_keys": identity.licence_public_keys()})


def envelope(node: dict, kind: str, ref: str, seq: int, body: dict, secret=None) -> str:
    ours = next(k for k in identity.public_keys() if k["use"] == "enc")
    now = rules.iso(timezone.now())
    sealed = rules.encrypt(secret, dict(ours["jwk"], kid=ours["kid"])) if secret else ""
    fields = {
        "id": rules.new_message_id(), "sender": "yulin", "recipient": "lvliang", "kind": kind,
        "created": now, "case": ref, "seq": seq, "body": body, "secret": sealed, "sent": now,
    }  # fmt: skip
    return rules.sign(rules.Envelope(**fields), node["sig"])


def tasks(case: Case) -> dict:
    return {t.item_id: t for t in case.tasks.all()}


def test_acceptance_forwards_the_partners_part_and_holds_it(partner, client):
    case = household_move_accepted()
    remote = RemoteCase.objects.get(local_case_id=case.pk)
    assert (remote.mode, remote.items, remote.direction) == ("多地联办", [OUT], "forwarded")
    message = OutboundMessage.objects.get(kind="application")
    assert message.body["package"] == "household_move" and message.body["place"] == "610802"
    assert message.body["joint_number"] == case.number and message.body["mode"] == "多地联办"
    secret = rules.decrypt(message.secret, {partner["enc"]["kid"]: partner["enc"]})
    assert secret["person"]["id_number"] == "142331198503151231"
    assert set(secret["form"]) == {"applicant_name", "applicant_id_number", "applicant_phone"}
    assert [m["material_id"] for m in secret["materials"]] == ["applicant_id"]
    by_item = tasks(case)
    assert by_item[OUT].state == "waiting" and "榆林市政务服务平台" in by_item[OUT].held_for
    assert by_item[IN].state == "waiting" and not by_item[IN].held_for
    client.force_login(user("clerk_lishi"))
    page = client.get(f"/cases/{case.public_id}").content.decode()
    assert "户口迁出登记（迁出地办理）" in page and "等待对方接收" in page


def test_the_partners_result_closes_its_item_and_releases_ours(partner, issued, client):
    trust_certificates(partner)
    case = household_move_accepted()
    ref = str(RemoteCase.objects.get(local_case_id=case.pk).ref)
    status = {"number": "YL20261206001", "state": "in_progress", "state_label": "已受理，办理中",
              "due_date": "2026-12-10", "note": "已受理"}  # fmt: skip
    assert inbox.receive(envelope(partner, "status", ref, 1, status))[0] == 200
    client.force_login(user("zhangsan"))
    mine = client.get("/my/").content.decode()
    assert "YL20261206001" in mine and "2026-12-10" in mine
    certificate = issued.licences.first()
    assert inbox.receive(envelope(partner, "certificate", ref, 2, {"number": certificate.number},
                                  {"document": certificate.document}))[0] == 200  # fmt: skip
    done = status | {"state": "ready", "state_label": "办结，待送达", "outcome": "approved"}
    assert inbox.receive(envelope(partner, "status", ref, 3, done))[0] == 200
    by_item = tasks(case)
    assert by_item[OUT].state == "approved" and not by_item[OUT].held_for
    record = Action.objects.get(task_id=by_item[OUT].pk, action="partner_approve")
    assert record.data["certificate"]["number"] == certificate.number
    assert record.data["partner_number"] == "YL20261206001"
    assert by_item[IN].state == "workable" and by_item[IN].due_date is not None
    page = client.get(f"/cases/{case.public_id}").content.decode()
    assert "经对方签发机关公钥验证有效" in page
    work_items(case, {IN})
    case.refresh_from_db()
    assert case.state == "ready"
    check_materials(case)
    services.hand_over(user("clerk_lishi"), case.public_id)
    handover = OutboundMessage.objects.get(kind="handover")
    assert handover.case_ref == ref and handover.seq == 2  # after the application
    assert RemoteCase.objects.get(ref=ref).handed_over_at is not None


def test_a_forged_certificate_leaves_the_item_held(partner, issued):
    trust_certificates(partner)
    case = household_move_accepted()
    ref = str(RemoteCase.objects.get(local_case_id=case.pk).ref)
    forged = dict(issued.licences.first().document, holder="李四")
    assert (
        inbox.receive(envelope(partner, "certificate", ref, 1, {}, {"document": forged}))[0] == 200
    )
    done = {"number": "YL1", "state": "ready", "state_label": "办结，待送达", "outcome": "approved"}
    assert inbox.receive(envelope(partner, "status", ref, 2, done))[0] == 200
    assert tasks(case)[OUT].state == "waiting"
    assert "核验未通过" in RemoteCase.objects.get(ref=ref).events.last().text


def test_a_refusal_there_ends_the_dependent_item_here(partner, client):
    case = household_move_accepted()
    ref = str(RemoteCase.objects.get(local_case_id=case.pk).ref)
    refused = {"number": "YL2", "state": "ready", "state_label": "办结，待送达",
               "outcome": "rejected", "note": "户口迁出登记：不予许可"}  # fmt: skip
    assert inbox.receive(envelope(partner, "status", ref, 1, refused))[0] == 200
    by_item = tasks(case)
    assert by_item[OUT].state == "rejected" and "不予许可" in by_item[OUT].decision_note
    assert by_item[IN].state == "cancelled"
    case.refresh_from_db()
    assert case.state == "ready"
    client.force_login(user("clerk_lishi"))
    assert "对方不予办理" in client.get(f"/cases/{case.public_id}").content.decode()


def test_a_stopped_partner_keeps_the_message_waiting(partner, client):
    Partner.objects.update(active=False)
    case = household_move_accepted()
    message = OutboundMessage.objects.get(kind="application")
    assert message.delivered_at is None and message.cancelled_at is None
    client.force_login(user("clerk_lishi"))
    page = client.get(f"/cases/{case.public_id}").content.decode()
    assert "等待对方接收" in page and "已停用" in page


def test_no_partner_for_the_place_refuses_the_acceptance(demo):
    identity.configure("lvliang", "吕梁市政务服务平台", ["141100"], "http://127.0.0.1:8")
    case = household_move_filed()
    with pytest.raises(InvalidInput, match="没有服务办理地 610802 的合作节点"):
        services.accept(user("clerk_lishi"), case.public_id)
    case.refresh_from_db()
    assert case.state == "submitted" and not OutboundMessage.objects.exists()
