"""The exchange outbox: an envelope written in the transaction of the change that caused
it, delivered by `onething sweep` with retries and exponential back-off, done when the
partner's signed receipt (ack) verifies.

As cases/outbox.py does for notifications: claim one message (``SKIP LOCKED``, a lease so
that a sender killed mid-send is replaced), send with no transaction open, record the
outcome only if the claim is still ours. The receiver drops a second copy by message id,
so a message re-sent after a kill is applied once.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from onething.core.errors import Conflict, NotFound
from onething.exchange import rules
from onething.exchange.identity import identity, signing_key
from onething.exchange.models import OutboundMessage, Partner, RemoteCase
from onething.exchange.partners import encryption_key, verification_key

LEASE_S = 120.0  # a claimed message is sent again after this (ONETHING_EXCHANGE_LEASE_S)
TIMEOUT_S = 30.0
INBOX_PATH = "/exchange/inbox"


def enqueue(
    partner: Partner,
    kind: str,
    body: dict[str, Any],
    secret: dict[str, Any] | None = None,
    remote_case: RemoteCase | None = None,
) -> OutboundMessage:
    """Queue an envelope in the caller's transaction; a case's messages are numbered
    (`seq`) so that the partner applies them in order."""
    seq, ref = 0, ""
    if remote_case is not None:
        locked = RemoteCase.objects.select_for_update().get(pk=remote_case.pk)
        seq, ref = locked.sent_seq + 1, str(locked.ref)
        RemoteCase.objects.filter(pk=locked.pk).update(sent_seq=seq)
        remote_case.sent_seq = seq
    sealed = rules.encrypt(secret, encryption_key(partner)) if secret is not None else ""
    return OutboundMessage.objects.create(
        partner=partner,
        kind=kind,
        case_ref=ref,
        seq=seq,
        body=body,
        secret=sealed,
        available_at=timezone.now(),
    )


def envelope_for(message: OutboundMessage) -> str:
    """The message signed now (each try signs anew, so its `sent` time is fresh)."""
    envelope = rules.Envelope(
        id=str(message.message_id),
        sender=identity().code,
        recipient=message.partner.code,
        kind=message.kind,
        created=rules.iso(message.created_at),
        case=message.case_ref,
        seq=message.seq,
        body=message.body,
        secret=message.secret,
        sent=rules.iso(timezone.now()),
    )
    return rules.sign(envelope, signing_key(message.partner.knows_our_kid))


Transport = Callable[[str, str], tuple[int, dict[str, Any]]]


def http_post(url: str, token: str) -> tuple[int, dict[str, Any]]:
    """POST an envelope; (status, JSON answer). Network failures raise OSError."""
    request = urllib.request.Request(
        url, data=token.encode(), method="POST", headers={"Content-Type": "application/jose"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        try:
            answer = json.loads(error.read() or b"{}")
        except ValueError:
            answer = {}
        return error.code, answer if isinstance(answer, dict) else {}


def deliver(
    budget_s: float = 20.0, stop: Callable[[], bool] | None = None, send: Transport | None = None
) -> int:
    """Deliver due messages until none is due, the budget is spent or `stop()`; how many
    were delivered (the sweep's step)."""
    delivered, stop_at = 0, time.monotonic() + budget_s
    post, tried = send or transport(), set()
    while not (stop and stop()) and time.monotonic() < stop_at:
        message = claim(skip=tried)
        if message is None:
            break
        tried.add(message.pk)  # a failed one waits for its back-off, in a later round
        delivered += send_claimed(message, post)
    return delivered


def transport() -> Transport:
    return http_post


def claim(skip: set[int] | None = None) -> OutboundMessage | None:
    """The oldest due message, claimed (SKIP LOCKED) and committed with a lease."""
    now = timezone.now()
    with transaction.atomic():
        waiting = OutboundMessage.objects.select_for_update(skip_locked=True, of=("self",))
        waiting = waiting.filter(
            delivered_at=None, cancelled_at=None, available_at__lte=now, partner__active=True
        )
        message = waiting.exclude(pk__in=skip or ()).select_related("partner").first()
        if message is None:
            return None
        message.attempts += 1
        message.sending_since = now
        message.available_at = now + timedelta(seconds=_setting("LEASE_S", LEASE_S))
        message.save(update_fields=["attempts", "sending_since", "available_at"])
    return message


def _receipt_problem(message: OutboundMessage, status: int, answer: dict) -> str | None:
    """Why the answer is not a good receipt of this message (None when it is)."""
    token = answer.get("ack") if isinstance(answer, dict) else None
    if not isinstance(token, str):
        detail = answer.get("detail") if isinstance(answer, dict) else ""
        return f"HTTP {status}：{detail or '没有签收回执'}"[:500]
    try:
        header, payload = rules.peek(token)
        sent = rules.parse_time(payload.get("sent"))
        rules.verify(token, verification_key(message.partner, header["kid"], sent))
    except rules.EnvelopeError as error:
        return f"签收回执无效：{error.message}"
    if payload.get("body", {}).get("ack_of") != str(message.message_id):
        return "签收回执不是本消息的"
    return None


def send_claimed(message: OutboundMessage, post: Transport) -> int:
    """Send a claimed message and record the outcome; 1 when the partner signed for it."""
    url = message.partner.base_url + INBOX_PATH
    try:
        status, answer = post(url, envelope_for(message))
        problem = _receipt_problem(message, status, answer)
    except Exception as error:  # the network, the partner, a key: retried later
        problem = f"{type(error).__name__}: {error}"[:500]
        answer = {}
    still = OutboundMessage.objects.filter(
        pk=message.pk, attempts=message.attempts, delivered_at=None
    )
    if problem is not None:
        delay = rules.retry_delay(message.attempts, base_s=_setting("RETRY_BASE_S", 10.0))
        still.update(sending_since=None, last_error=problem, available_at=timezone.now() + delay)
        return 0
    still.update(delivered_at=timezone.now(), sending_since=None, ack=answer["ack"], secret="")
    _after_receipt(message)
    return 1


def _setting(name: str, default: float) -> float:
    """ONETHING_EXCHANGE_<name> in seconds (tests shorten the lease and the back-off)."""
    try:
        return max(0.0, float(os.environ.get(f"ONETHING_EXCHANGE_{name}") or default))
    except ValueError:
        return default


def _after_receipt(message: OutboundMessage) -> None:
    if message.kind == "keys":  # the partner holds our new key now: sign with it
        Partner.objects.filter(pk=message.partner_id).update(
            knows_our_kid=message.body.get("signing_kid", "")
        )
    if message.kind == "application":
        RemoteCase.objects.filter(ref=message.case_ref, forwarded_at=None).update(
            forwarded_at=timezone.now()
        )


# --------------------------------------------------------------------------- supervision


def _stuck(pk: int) -> OutboundMessage:
    message = OutboundMessage.objects.filter(pk=pk).first()
    if message is None:
        raise NotFound("没有这条待发消息")
    if message.delivered_at is not None:
        raise Conflict("该消息已送达，无需处理")
    return message


def retry_now(pk: int) -> OutboundMessage:
    """A supervisor sends a waiting or cancelled message at the next sweep."""
    with transaction.atomic():
        message = _stuck(pk)
        message.cancelled_at = None
        message.available_at = timezone.now()
        message.save(update_fields=["cancelled_at", "available_at"])
    return message


def cancel(pk: int) -> OutboundMessage:
    """A supervisor stops a message that cannot be delivered (kept, marked cancelled)."""
    with transaction.atomic():
        message = _stuck(pk)
        if message.cancelled_at is None:
            message.cancelled_at = timezone.now()
            message.save(update_fields=["cancelled_at"])
    return message
