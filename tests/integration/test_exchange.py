"""跨省通办's services against a simulated partner node (its keys made here): forwarding
writes the outbox in the same transaction; delivery retries with back-off and is done
only on a signed receipt; the inbox refuses and records tampered, replayed, stale,
unknown and expired-key envelopes, applies each message once and a case's in order; a
partner's certificate verifies with its issuing keys; keys rotate without a stop."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from onething.core.errors import Conflict, InvalidInput
from onething.exchange import identity, inbox, journey, outbox, rules, services
from onething.exchange.models import InboundMessage, OutboundMessage, Partner, Refusal, RemoteCase
from onething.exchange.partners import add_partner, expire_key
from tests.factories import user

ID_NUMBER = "142331198503151231"
OFFER = {
    "package": "no_criminal_record",
    "name": "开具无犯罪记录证明",
    "place": "610802",
    "modes": ["异地代收代办"],
    "forward_days": 1,
    "questions": [],
    "fields": [
        {"id": "applicant_name", "label": "申请人姓名", "required": True},
        {"id": "applicant_id_number", "label": "身份证号", "required": True},
        {"id": "certificate_purpose", "label": "证明用途", "required": True},
    ],
    "materials": [{"id": "applicant_id", "name": "申请人居民身份证"}],
}


class RemoteNode:
    """The partner 榆林市, played by the test: its keys, its envelopes, its receipts."""

    code = "yulin"

    def __init__(self) -> None:
        self.sig, self.enc = rules.generate_key("sig"), rules.generate_key("enc")

    def document(self, keys=None) -> dict:
        start = rules.iso(timezone.now() - timedelta(days=1))
        return {
            "onething_node": 1,
            "code": self.code,
            "name": "榆林市政务服务平台",
            "regions": ["610800"],
            "url": "http://127.0.0.1:9",
            "keys": keys
            or [
                {
                    "kid": k["kid"],
                    "use": k["use"],
                    "jwk": rules.public_part(k),
                    "valid_from": start,
                    "valid_until": None,
                }
                for k in (self.sig, self.enc)
            ],
            "licence_keys": identity.licence_public_keys(),
            "offered": [OFFER],
        }

    def envelope(self, kind="status", case="", seq=0, body=None, secret=None, **changes) -> str:
        ours = next(k for k in identity.public_keys() if k["use"] == "enc")
        now = rules.iso(timezone.now())
        fields = {
            "id": rules.new_message_id(), "sender": self.code, "recipient": "lvliang",
            "kind": kind, "created": now, "case": case, "seq": seq, "body": body or {},
            "secret": rules.encrypt(secret, dict(ours["jwk"], kid=ours["kid"])) if secret else "",
            "sent": now,
        }  # fmt: skip
        key = changes.pop("key", self.sig)
        return rules.sign(rules.Envelope(**(fields | changes)), key)

    def receipt_for(self, token: str) -> dict:
        _header, payload = rules.peek(token)
        return {"ack": self.envelope("ack", body={"ack_of": payload["id"]})}


@pytest.fixture
def remote(demo) -> RemoteNode:
    identity.configure("lvliang", "吕梁市政务服务平台", ["141100"], "http://127.0.0.1:8")
    node = RemoteNode()
    add_partner(node.document())
    return node


def forwarded(**changes) -> RemoteCase:
    fields = {
        "partner": "yulin", "package_id": "no_criminal_record", "name": "张三",
        "id_number": ID_NUMBER, "phone": "13935812345", "form": {"certificate_purpose": "入职"},
    }  # fmt: skip
    return journey.forward(user("clerk"), journey.Forwarding(**(fields | changes)))


def test_forwarding_writes_the_case_and_its_sealed_envelope_together(remote):
    case = forwarded()
    message = OutboundMessage.objects.get()
    assert (message.kind, message.case_ref, message.seq) == ("application", str(case.ref), 1)
    assert ID_NUMBER not in message.secret and "张三" not in str(message.body)
    sealed = rules.decrypt(message.secret, {remote.enc["kid"]: remote.enc})
    assert sealed["person"]["id_number"] == ID_NUMBER
    assert sealed["form"]["certificate_purpose"] == "入职"
    assert case.forward_due > timezone.localdate()


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"id_number": "142331198503151232"}, "身份证号码"),
        ({"package_id": "open_pharmacy"}, "跨省通办清单中没有"),
        ({"form": {}}, "证明用途"),
        ({"partner": "nowhere"}, "没有启用的合作节点"),
    ],
)
def test_a_bad_forwarding_is_refused_by_name_and_writes_nothing(remote, changes, words):
    with pytest.raises(InvalidInput, match=words):
        forwarded(**changes)
    assert not RemoteCase.objects.exists() and not OutboundMessage.objects.exists()


def test_only_a_window_clerk_forwards(remote):
    with pytest.raises(Exception, match="综合窗口"):
        journey.forward(user("supervisor"), journey.Forwarding("yulin", "no_criminal_record", "张三", ID_NUMBER, "13935812345"))  # fmt: skip


def test_delivery_backs_off_on_failure_and_ends_on_a_signed_receipt(remote):
    case = forwarded()

    def down(url, token):
        raise OSError("connection refused")

    assert outbox.deliver(send=down) == 0
    message = OutboundMessage.objects.get()
    assert message.attempts == 1 and "connection refused" in message.last_error
    assert message.available_at > timezone.now() + timedelta(seconds=8)
    OutboundMessage.objects.update(available_at=timezone.now())
    unsigned = outbox.deliver(send=lambda url, token: (200, {"ack": "forged.ack.x"}))
    assert unsigned == 0
    message.refresh_from_db()
    assert "签收回执无效" in message.last_error and message.delivered_at is None
    OutboundMessage.objects.update(available_at=timezone.now())
    seen = []

    def partner(url, token):
        seen.append(token)
        rules.verify(token, identity.public_keys()[0]["jwk"])
        return 200, remote.receipt_for(token)

    assert outbox.deliver(send=partner) == 1
    message.refresh_from_db()
    assert message.delivered_at and message.secret == "" and message.ack
    case.refresh_from_db()
    assert case.forwarded_at is not None
    assert rules.peek(seen[0])[1]["seq"] == 1
    assert outbox.deliver(send=partner) == 0  # nothing twice


def test_a_cases_messages_apply_once_and_in_order(remote):
    case = forwarded()
    ref = str(case.ref)
    second = remote.envelope(
        case=ref, seq=2, body={"state_label": "已受理，办理中", "number": "610802-1"}
    )
    first = remote.envelope(case=ref, seq=1, body={"state_label": "已收件，待受理"})
    status, answer = inbox.receive(second)
    assert status == 200 and rules.peek(answer["ack"])[1]["body"]["state"] == "waiting"
    case.refresh_from_db()
    assert case.partner_state == ""
    assert inbox.receive(first)[0] == 200
    case.refresh_from_db()
    assert (case.partner_state, case.partner_number, case.applied_seq) == (
        "已受理，办理中",
        "610802-1",
        2,
    )
    assert InboundMessage.objects.filter(state="applied").count() == 2
    status, answer = inbox.receive(first)  # the sender lost our receipt and sends again
    assert status == 409 and "ack" in answer and "重复" in answer["detail"]
    assert Refusal.objects.get().code == "replay"
    assert case.events.count() == 3  # 收件 and two status lines, none twice


def hostile(remote: RemoteNode, case: str) -> dict[str, str]:
    genuine = remote.envelope(case=case, seq=1, body={"state_label": "已受理"})
    head, _body, signature = genuine.split(".")
    other = remote.envelope(case=case, seq=1, body={"state_label": "不予受理"}).split(".")[1]
    stranger = RemoteNode()
    stranger.code = "nowhere"
    return {
        "bad_signature": f"{head}.{other}.{signature}",
        "unknown_sender": stranger.envelope(case=case, seq=1),
        "stale": remote.envelope(
            case=case, seq=1, sent=rules.iso(timezone.now() - timedelta(hours=1))
        ),
        "wrong_recipient": remote.envelope(case=case, seq=1, recipient="taiyuan"),
        "unknown_key": remote.envelope(case=case, seq=1, key=rules.generate_key("sig")),
        "malformed": "garbage",
    }


def test_hostile_envelopes_are_refused_recorded_and_change_nothing(remote):
    case = forwarded()
    for code, token in hostile(remote, str(case.ref)).items():
        status, answer = inbox.receive(token, "10.0.0.9")
        assert status == inbox.STATUS_OF[code], code
        assert answer["code"] == code and answer["detail"] and "ack" not in answer
    assert sorted(Refusal.objects.values_list("code", flat=True)) == sorted(inbox.STATUS_OF.keys() - {"replay", "expired_key", "undecryptable"})  # fmt: skip
    case.refresh_from_db()
    assert case.partner_state == "" and not InboundMessage.objects.exists()
    assert (
        inbox.receive(remote.envelope(case=str(case.ref), seq=1, body={"state_label": "已受理"}))[0]
        == 200
    )


def test_an_expired_partner_key_is_refused(remote):
    expire_key("yulin", remote.sig["kid"], timezone.now() - timedelta(minutes=1))
    status, answer = inbox.receive(remote.envelope())
    assert status == 403 and answer["code"] == "expired_key" and "有效期" in answer["detail"]


def test_the_partners_certificate_verifies_with_its_issuing_keys(remote, drug):
    add_partner(remote.document())  # its issuing keys as of now (the certificate's too)
    case = forwarded()
    document = drug.document
    token = remote.envelope(
        "certificate", str(case.ref), 1, {"number": drug.number}, {"document": document}
    )
    assert inbox.receive(token)[0] == 200
    case.refresh_from_db()
    assert case.certificate_status == "valid" and case.certificate["number"] == drug.number
    forged = dict(document, holder="李四")
    assert journey.certificate_status(Partner.objects.get(), forged) == "forged"


def test_keys_rotate_without_stopping_exchange(remote):
    old = identity.signing_key()["kid"]
    made = services.rotate_and_announce()
    announcement = OutboundMessage.objects.get(kind="keys")
    assert identity.signing_key()["kid"] == old  # the partner does not know the new key yet
    assert outbox.deliver(send=lambda url, token: (200, remote.receipt_for(token))) == 1
    assert rules.peek(announcement_token := outbox.envelope_for(announcement))[0]["kid"] == made[0]
    assert announcement_token and Partner.objects.get().knows_our_kid == made[0]
    assert identity.signing_key(made[0])["kid"] == made[0]
    still = next(k for k in identity.public_keys() if k["kid"] == old)
    assert still["valid_until"]  # the old key verifies until its end date
    renewed = rules.generate_key("sig")
    now = rules.iso(timezone.now())
    keys_body = {"keys": [{"kid": renewed["kid"], "use": "sig", "jwk": rules.public_part(renewed), "valid_from": now, "valid_until": None},
                          {"kid": remote.enc["kid"], "use": "enc", "jwk": rules.public_part(remote.enc), "valid_from": now, "valid_until": None}]}  # fmt: skip
    assert inbox.receive(remote.envelope("keys", body=keys_body))[0] == 200
    assert inbox.receive(remote.envelope("keys", body=keys_body, key=renewed))[0] == 200


def test_a_supervisor_cancels_and_retries_a_stuck_message(remote):
    forwarded()
    message = OutboundMessage.objects.get()
    outbox.cancel(message.pk)
    assert outbox.deliver(send=lambda url, token: (200, remote.receipt_for(token))) == 0
    outbox.retry_now(message.pk)
    assert outbox.deliver(send=lambda url, token: (200, remote.receipt_for(token))) == 1
    with pytest.raises(Conflict, match="已送达"):
        outbox.cancel(message.pk)
    figures = services.overview()
    assert figures["outbox"]["delivered"] == 1 and figures["partners"] == 1


def test_a_joint_case_is_accepted_once_and_handed_over_once(remote, issued):
    """多地联办: the local case (here the issued 我要开药店, ready at 离石区) and the partner's
    part; one handover gives both results once the partner has finished."""
    from onething.cases.models import Case
    from tests.factories import check_materials

    check_materials(issued, "clerk_lishi")
    clerk = user("clerk_lishi")
    with pytest.raises(InvalidInput, match="没有受理编号为 nope"):
        journey.forward(clerk, journey.Forwarding("yulin", "no_criminal_record", "张三", ID_NUMBER, "13935812345", {"certificate_purpose": "入职"}, joint_case="nope"))  # fmt: skip
    case = journey.forward(
        clerk,
        journey.Forwarding(
            "yulin", "no_criminal_record", "张三", ID_NUMBER, "13935812345",
            {"certificate_purpose": "入职"}, joint_case=issued.number,
        ),
    )  # fmt: skip
    assert (case.mode, case.local_case_id) == ("多地联办", issued.pk)
    assert OutboundMessage.objects.get().body["joint_number"] == issued.number
    with pytest.raises(InvalidInput, match="对方尚未办结"):
        journey.hand_over(clerk, case.ref)
    done = remote.envelope(case=str(case.ref), seq=1, body={"state_label": "办结，待送达"})
    assert inbox.receive(done)[0] == 200
    journey.hand_over(clerk, case.ref)
    assert Case.objects.get(pk=issued.pk).state == "completed"
    assert OutboundMessage.objects.filter(kind="handover").count() == 1


def test_a_refusal_here_is_told_to_the_region_that_forwarded_it(remote):
    """不予受理 of a partner's application: the forwarding region hears it (state refused)."""
    from onething.cases import services as cases
    from tests.factories import pharmacy_filing

    case, _ = cases.file_case(user("yaofang"), pharmacy_filing())
    handled = RemoteCase.objects.create(
        partner=Partner.objects.get(code="yulin"),
        direction=RemoteCase.HANDLED,
        package_id=case.package_id,
        package_name=case.package_name,
        local_case_id=case.pk,
    )
    cases.refuse(user("clerk_lishi"), case.public_id, "不属于本机关受理范围")
    message = OutboundMessage.objects.get(case_ref=str(handled.ref), kind="status")
    body = message.body
    assert (body["state"], body["state_label"]) == ("refused", "不予受理")
    assert body["note"] == "不予受理：不属于本机关受理范围" and body["outcome"] == ""
