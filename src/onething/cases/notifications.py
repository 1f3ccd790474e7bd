"""Delivering notifications from the outbox. The sender is pluggable: the default
writes a line to the log (with personal data masked); a deployment names another with
ONETHING_NOTIFICATION_SENDER=module:Class (an SMS gateway, a WeChat template message)."""

from __future__ import annotations

import importlib
import logging
import os
from typing import Protocol

from onething.privacy.masking import mask_name, mask_text

log = logging.getLogger("onething.notifications")


class Sender(Protocol):
    def send(self, message) -> None: ...


class LogSender:
    def send(self, message) -> None:
        log.info(
            "notify %s (%s): %s — %s",
            mask_name(message.recipient.full_name),
            message.kind,
            mask_text(message.subject),
            mask_text(message.body),
        )


def default_sender() -> Sender:
    configured = os.environ.get("ONETHING_NOTIFICATION_SENDER", "").strip()
    if not configured:
        return LogSender()
    module_name, _, class_name = configured.partition(":")
    return getattr(importlib.import_module(module_name), class_name)()
