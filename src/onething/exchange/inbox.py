"""The exchange inbox: an envelope checked (sender, key, signature, recipient, freshness,
replay), stored and applied exactly once — by its message id — and in order per sender
and case: a message that arrives before its predecessors waits for them. Every refusal is
recorded; every envelope kept is answered with a signed receipt (ack)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from onething.exchange import rules
from onething.exchange.identity import decryption_keys, identity, signing_key
from onething.exchange.models import InboundMessage, Partner, Refusal, RemoteCase
from onething.exchange.partners import apply_keys_message, verification_key

log = logging.getLogger(__name__)

Handler = Callable[[Partner, InboundMessage, dict[str, Any]], None]
HANDLERS: dict[str, Handler] = {}

STATUS_OF = {
    "malformed": 400,
    "wrong_recipient": 400,
    "bad_signature": 400,
    "stale": 400,
    "undecryptable": 400,
    "unknown_sender": 403,
    "unknown_key": 403,
    "expired_key": 403,
    "replay": 409,
}


def handles(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that applies messages of `kind` (journey.py's)."""

    def register(handler: Handler) -> Handler:
        HANDLERS[kind] = handler
        return handler

    return register


def max_age() -> timedelta:
    try:
        return timedelta(seconds=float(os.environ.get("ONETHING_EXCHANGE_MAX_AGE_S") or 300))
    except ValueError:
        return rules.MAX_AGE


def _refuse(
    error: rules.EnvelopeError, payload: dict, remote_addr: str, ack: str = ""
) -> tuple[int, dict[str, Any]]:
    sender, message_id = payload.get("from"), payload.get("id")
    Refusal.objects.create(
        code=error.code,
        detail=error.message[:300],
        claimed_sender=sender[:100] if isinstance(sender, str) else "",
        message_id=message_id[:100] if isinstance(message_id, str) else "",
        remote_addr=remote_addr[:45],
    )
    log.warning("exchange: refused an envelope (%s)", error.code)
    answer: dict[str, Any] = {"detail": error.message, "code": error.code}
    if ack:
        answer["ack"] = ack
    return STATUS_OF[error.code], answer


def _checked(token: str, payload: dict, header: dict) -> tuple[Partner, rules.Envelope, dict]:
    sender = payload.get("from")
    partner = Partner.objects.filter(code=sender, active=True).first() if sender else None
    if partner is None or not isinstance(sender, str):
        raise rules.EnvelopeError("unknown_sender", str(sender)[:40])
    sent = rules.parse_time(payload.get("sent"))
    problem = rules.freshness_problem(payload["sent"], timezone.now(), max_age())
    if problem:  # refused whoever signed it: a replay of an old envelope, or a bad clock
        raise rules.EnvelopeError("stale", problem)
    rules.verify(token, verification_key(partner, header["kid"], sent))
    envelope = rules.envelope_of(payload)
    if envelope.recipient != identity().code:
        raise rules.EnvelopeError("wrong_recipient", envelope.recipient[:40])
    secret = rules.decrypt(envelope.secret, decryption_keys()) if envelope.secret else {}
    return partner, envelope, secret


def receive(token: str, remote_addr: str = "") -> tuple[int, dict[str, Any]]:
    """(HTTP status, answer) for an envelope posted to /exchange/inbox."""
    payload: dict = {}
    try:
        header, payload = rules.peek(token)
        partner, envelope, _secret = _checked(token, payload, header)
    except rules.EnvelopeError as error:
        return _refuse(error, payload, remote_addr)
    content = rules.content_digest(envelope)
    try:
        with transaction.atomic():
            stored = InboundMessage.objects.create(
                message_id=envelope.id,
                partner=partner,
                kind=envelope.kind,
                case_ref=envelope.case,
                seq=envelope.seq,
                body=envelope.body,
                secret=envelope.secret,
                content_digest=content,
                created_at=rules.parse_time(envelope.created),
            )
            apply_ready(partner, envelope.case if envelope.seq else None, stored)
    except IntegrityError:
        return _replayed(envelope, partner, content, token, remote_addr)
    stored.refresh_from_db()
    return 200, {"ack": acknowledge(partner, envelope, token, stored.state)}


def _replayed(envelope, partner, content: str, token: str, remote_addr: str):
    """The same message id again: refused and recorded; if it is the very message we kept
    (a sender that lost our first receipt), the receipt is given again."""
    kept = InboundMessage.objects.filter(message_id=envelope.id, partner=partner).first()
    same = kept is not None and kept.content_digest == content
    ack = acknowledge(partner, envelope, token, "duplicate") if same else ""
    detail = "已收到并处理过，不再重复处理" if same else "内容与已收到的不同"
    return _refuse(rules.EnvelopeError("replay", detail), envelope.payload(), remote_addr, ack)


def acknowledge(partner: Partner, envelope: rules.Envelope, token: str, state: str) -> str:
    now = rules.iso(timezone.now())
    receipt = rules.Envelope(
        id=rules.new_message_id(),
        sender=identity().code,
        recipient=partner.code,
        kind="ack",
        created=now,
        case=envelope.case,
        body={"ack_of": envelope.id, "digest": rules.digest(token), "state": state},
        sent=now,
    )
    return rules.sign(receipt, signing_key(partner.knows_our_kid))


def apply_ready(partner: Partner, case_ref: str | None, arrived: InboundMessage | None) -> int:
    """Apply what may be applied now: an unordered message at once; a case's waiting
    messages that follow the last applied one, in order. How many were applied."""
    if case_ref is None:
        return int(arrived is not None and _apply(partner, arrived))
    remote = RemoteCase.objects.select_for_update().filter(ref=case_ref, partner=partner).first()
    applied = remote.applied_seq if remote is not None else 0
    waiting = InboundMessage.objects.filter(
        partner=partner, case_ref=case_ref, state=InboundMessage.WAITING
    )
    by_seq = {m.seq: m for m in waiting}
    count = 0
    for seq in rules.in_order(applied, list(by_seq)):
        if not _apply(partner, by_seq[seq]):
            break
        RemoteCase.objects.filter(ref=case_ref, partner=partner).update(applied_seq=seq)
        count += 1
    return count


def _apply(partner: Partner, message: InboundMessage) -> bool:
    """Apply one message in a savepoint; a failure is kept on the message (the later
    messages of its case wait until a supervisor retries it)."""
    try:
        with transaction.atomic():
            secret = rules.decrypt(message.secret, decryption_keys()) if message.secret else {}
            if message.kind == "keys":
                apply_keys_message(partner, message.body)
            elif message.kind in HANDLERS:
                HANDLERS[message.kind](partner, message, secret)
            else:
                raise ValueError(f"本节点不处理 {message.kind} 类消息")
    except Exception as error:  # kept, shown on the exchange page, retried by a supervisor
        log.exception("exchange: message %s could not be applied", message.message_id)
        message.state, message.error = InboundMessage.FAILED, _reason(error)[:500]
        message.save(update_fields=["state", "error"])
        return False
    message.state, message.applied_at, message.secret = InboundMessage.APPLIED, timezone.now(), ""
    message.error = ""
    message.save(update_fields=["state", "applied_at", "secret", "error"])
    return True


def _reason(error: Exception) -> str:
    return getattr(error, "message", "") or f"{type(error).__name__}: {error}"


def retry_failed(pk: int) -> InboundMessage:
    """A supervisor applies a failed message again (and those of its case behind it)."""
    from onething.core.errors import Conflict, NotFound

    with transaction.atomic():
        message = InboundMessage.objects.select_for_update().filter(pk=pk).first()
        if message is None:
            raise NotFound("没有这条收到的消息")
        if message.state != InboundMessage.FAILED:
            raise Conflict("只有处理失败的消息可以重试")
        message.state = InboundMessage.WAITING
        message.save(update_fields=["state"])
        apply_ready(message.partner, message.case_ref if message.seq else None, message)
    message.refresh_from_db()
    return message
