"""The envelope's pure rules: signing and verifying (Ed25519 JWS), encrypting to the
recipient (X25519 JWE), what a tampered or malformed envelope gets, freshness, back-off
and the order a case's messages are applied in."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, strategies as st

from onething.exchange import rules

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)


def envelope(**changes) -> rules.Envelope:
    fields = {
        "id": "m-1",
        "sender": "lvliang",
        "recipient": "yulin",
        "kind": "application",
        "created": rules.iso(NOW),
        "case": "5f0c8f5e-3c1a-4f51-9a53-2f6f1d0c1a11",
        "seq": 1,
        "body": {"package": "no_criminal_record"},
        "sent": rules.iso(NOW),
    }
    return rules.Envelope(**(fields | changes))


@pytest.fixture(scope="module")
def signer():
    return rules.generate_key("sig")


def test_a_signed_envelope_verifies_with_the_public_key_and_reads_back(signer):
    token = rules.sign(envelope(), signer)
    header, payload = rules.peek(token)
    assert header == {"alg": "Ed25519", "kid": signer["kid"], "typ": rules.ENVELOPE_TYPE}
    rules.verify(token, rules.public_part(signer))
    assert rules.envelope_of(payload) == envelope()
    assert "d" not in rules.public_part(signer)


def test_a_tampered_envelope_or_another_key_is_refused_as_a_bad_signature(signer):
    token = rules.sign(envelope(), signer)
    head, body, signature = token.split(".")
    forged = rules.sign(envelope(body={"package": "other"}), signer).split(".")[1]
    with pytest.raises(rules.EnvelopeError) as refused:
        rules.verify(f"{head}.{forged}.{signature}", rules.public_part(signer))
    assert refused.value.code == "bad_signature"
    assert "篡改" in refused.value.message
    other = rules.generate_key("sig")
    with pytest.raises(rules.EnvelopeError, match="签名无效"):
        rules.verify(token, rules.public_part(other))


@pytest.mark.parametrize(
    "token, words",
    [
        ("not an envelope", "三段"),
        ("a.b.c", "base64url"),
        ("e30.e30.c", "签名算法"),
    ],
)
def test_malformed_envelopes_are_named(token, words):
    with pytest.raises(rules.EnvelopeError) as refused:
        rules.peek(token)
    assert refused.value.code == "malformed" and words in refused.value.message


def test_payload_fields_are_checked_by_name(signer):
    payload = envelope().payload()
    with pytest.raises(rules.EnvelopeError, match="字段 to"):
        rules.envelope_of(payload | {"to": ""})
    with pytest.raises(rules.EnvelopeError, match="未知的消息类型"):
        rules.envelope_of(payload | {"kind": "drop_tables"})
    with pytest.raises(rules.EnvelopeError, match="seq"):
        rules.envelope_of(payload | {"seq": -1})
    with pytest.raises(rules.EnvelopeError, match="UUID"):
        rules.envelope_of(payload | {"case": "../../etc"})
    with pytest.raises(rules.EnvelopeError, match="ISO 8601"):
        rules.envelope_of(payload | {"sent": "yesterday"})


def test_personal_data_is_encrypted_to_the_recipient_and_only_it_opens_it():
    recipient, stranger = rules.generate_key("enc"), rules.generate_key("enc")
    sealed = rules.encrypt(
        {"person": {"id_number": "142331198503151231"}}, rules.public_part(recipient)
    )
    assert "142331198503151231" not in sealed
    assert rules.decrypt(sealed, {recipient["kid"]: recipient}) == {
        "person": {"id_number": "142331198503151231"}
    }
    with pytest.raises(rules.EnvelopeError) as refused:
        rules.decrypt(sealed, {stranger["kid"]: stranger})
    assert refused.value.code == "undecryptable"


def test_freshness_refuses_old_and_future_signatures():
    assert rules.freshness_problem(rules.iso(NOW - timedelta(minutes=4)), NOW) is None
    assert "超过 300 秒" in rules.freshness_problem(rules.iso(NOW - timedelta(minutes=6)), NOW)
    assert "晚于" in rules.freshness_problem(rules.iso(NOW + timedelta(minutes=2)), NOW)


def test_key_validity_and_content_digest_ignore_the_signing_time():
    assert rules.key_valid_at(NOW, None, NOW + timedelta(days=900))
    assert not rules.key_valid_at(NOW, NOW + timedelta(days=1), NOW + timedelta(days=2))
    assert not rules.key_valid_at(NOW, None, NOW - timedelta(seconds=1))
    later = envelope(sent=rules.iso(NOW + timedelta(hours=3)))
    assert rules.content_digest(later) == rules.content_digest(envelope())
    assert rules.content_digest(envelope(seq=2)) != rules.content_digest(envelope())


def test_back_off_doubles_up_to_an_hour():
    delays = [rules.retry_delay(n).total_seconds() for n in range(1, 12)]
    assert delays[:4] == [10, 20, 40, 80]
    assert max(delays) == 3600 and delays == sorted(delays)


@given(st.integers(0, 20), st.sets(st.integers(1, 40), max_size=15))
def test_only_the_messages_that_follow_without_a_gap_are_applied(applied, waiting):
    ready = rules.in_order(applied, sorted(waiting))
    assert ready == list(range(applied + 1, applied + 1 + len(ready)))
    assert set(ready) <= waiting
    assert applied + len(ready) + 1 not in waiting


def test_an_application_with_megabytes_of_materials_seals_signs_and_opens(signer):
    """joserfc's default limits (128 KB payload, 64 KB ciphertext) raised for materials."""
    import base64
    import os

    recipient = rules.generate_key("enc")
    material = base64.b64encode(os.urandom(3 * 1024 * 1024)).decode()
    sealed = rules.encrypt({"materials": [{"data": material}]}, rules.public_part(recipient))
    token = rules.sign(envelope(secret=sealed), signer)
    assert len(token) > 5 * 1024 * 1024
    rules.verify(token, rules.public_part(signer))
    opened = rules.decrypt(rules.peek(token)[1]["secret"], {recipient["kid"]: recipient})
    assert opened["materials"][0]["data"] == material
