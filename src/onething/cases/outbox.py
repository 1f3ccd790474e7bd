"""The notification outbox delivered: each message claimed, sent and recorded in steps of
its own, so that a kill, a restart or a second sweep never loses one and never sends one
twice, except the one message in hand at a kill, re-sent with the same idempotency key
for the gateway to drop (cases/notifications.py).

1. Claim (one short transaction): the oldest waiting message, ``SKIP LOCKED`` so that
   another instance's sweep takes another; its ``attempts`` counted, ``sending_since``
   set and ``available_at`` pushed a lease ahead (``ONETHING_OUTBOX_LEASE``, 300 s): if
   this process dies while sending, the message waits out the lease and is sent again.
2. Send, with no transaction open: SQLite's write lock is free while the gateway answers,
   so no web request waits on the sweep.
3. Record (one statement): delivered, or the error and the next try after a growing
   delay — only if the claim is still this one (``attempts`` unchanged), so a claim taken
   over after a lease ran out (a stuck gateway, a clock set forward) is not recorded twice.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from onething.cases.models import OutboxMessage
from onething.cases.notifications import Sender, default_sender, idempotency_key

log = logging.getLogger(__name__)

DEFAULT_LEASE_S = 300


def lease() -> timedelta:
    """How long a claimed message waits before another sweep may send it again."""
    try:
        seconds = float(os.environ.get("ONETHING_OUTBOX_LEASE", "") or DEFAULT_LEASE_S)
    except ValueError:
        seconds = DEFAULT_LEASE_S
    return timedelta(seconds=max(0.0, seconds))


def deliver_outbox(
    sender: Sender | None = None,
    budget_s: float = 20.0,
    stop: Callable[[], bool] | None = None,
) -> int:
    """Deliver waiting notifications one by one until none wait, `budget_s` seconds have
    passed (the next round goes on) or `stop()` says so (SIGTERM: the message in hand is
    finished first). Returns how many were delivered."""
    sender = sender or default_sender()
    delivered = 0
    stop_at = time.monotonic() + budget_s
    while not (stop and stop()) and time.monotonic() < stop_at:
        message = claim()
        if message is None:
            break
        delivered += send_claimed(sender, message)
    return delivered


def claim() -> OutboxMessage | None:
    """The next waiting message, claimed and committed; None when none waits."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(delivered_at=None, available_at__lte=now)
            .select_related("recipient")
            .first()
        )
        if message is None:
            return None
        if message.sending_since is not None:
            log.warning(
                "notification %s: an earlier send was interrupted; sending again", message.pk
            )
        message.attempts += 1
        message.sending_since = now
        message.available_at = now + lease()
        message.save(update_fields=["attempts", "sending_since", "available_at"])
    return message


def send_claimed(sender: Sender, message: OutboxMessage) -> int:
    """Send a claimed message and record the result; 1 if it was delivered."""
    try:
        sender.send(message, idempotency_key(message))
    except Exception as exc:  # a sender's failure must not lose the message
        retry_in = timedelta(minutes=min(60, 2**message.attempts))
        _still_claimed(message).update(
            sending_since=None,
            last_error=f"{type(exc).__name__}: {exc}"[:500],
            available_at=timezone.now() + retry_in,
        )
        return 0
    _still_claimed(message).update(delivered_at=timezone.now(), sending_since=None)
    return 1


def _still_claimed(message: OutboxMessage):
    return OutboxMessage.objects.filter(pk=message.pk, attempts=message.attempts, delivered_at=None)
