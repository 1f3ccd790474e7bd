"""Delivering notifications from the outbox. The sender is pluggable: the default
writes a line to the log (with personal data masked); a deployment names another with
ONETHING_NOTIFICATION_SENDER=module:Class (an SMS gateway, a WeChat template message).

Delivery is at least once, and exactly once as far as the platform can know: each
message is claimed in its own committed step, sent with no transaction open, and its
result recorded in another (`cases.services.deliver_outbox`). Only when the process is
killed between a gateway accepting a message and the platform recording it is that one
message sent again, with the same idempotency key. A real gateway must therefore drop a
message whose key it has already accepted (most SMS and WeChat gateways take such a key:
``out_id``, ``client_msg_id``, ``Idempotency-Key``).
"""

from __future__ import annotations

import importlib
import logging
import os
from typing import Protocol

from onething.privacy.masking import mask_name, mask_text

log = logging.getLogger("onething.notifications")


class Sender(Protocol):
    def send(self, message, idempotency_key: str) -> None:
        """Hand `message` (a cases.models.OutboxMessage) to the gateway; raise on failure
        (it is retried later with a growing delay). `idempotency_key` is the same on
        every attempt of one message and differs between messages: pass it to the
        gateway, which must de-duplicate by it."""
        ...


def idempotency_key(message) -> str:
    """The key every attempt of one outbox message carries: its id."""
    return f"onething-outbox-{message.pk}"


class LogSender:
    def send(self, message, idempotency_key: str) -> None:
        log.info(
            "notify %s (%s) [%s]: %s — %s",
            mask_name(message.recipient.full_name),
            message.kind,
            idempotency_key,
            mask_text(message.subject),
            mask_text(message.body),
        )


def default_sender() -> Sender:
    configured = os.environ.get("ONETHING_NOTIFICATION_SENDER", "").strip()
    if not configured:
        return LogSender()
    module_name, _, class_name = configured.partition(":")
    return getattr(importlib.import_module(module_name), class_name)()
