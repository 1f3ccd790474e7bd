"""跨省通办 in the admin: read-only records of partners, their keys, the cases both nodes
share, the outbox, the inbox and the refusals (the pages keep them; the person and the
sealed contents stay out of view)."""

from __future__ import annotations

from django.contrib import admin

from onething.exchange.models import (
    InboundMessage,
    NodeIdentity,
    NodeKey,
    OutboundMessage,
    Partner,
    PartnerKey,
    Refusal,
    RemoteCase,
    RemoteEvent,
)
from onething.privacy.admin import ReadOnlyAdmin


@admin.register(NodeIdentity)
class NodeIdentityAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "base_url")
    fields = ("code", "name", "regions", "base_url")


@admin.register(NodeKey)
class NodeKeyAdmin(ReadOnlyAdmin):  # the private half never shown
    list_display = ("kid", "use", "created_at", "valid_until")
    fields = ("kid", "use", "public_jwk", "created_at", "valid_until")


@admin.register(Partner)
class PartnerAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "base_url", "active", "updated_at")
    fields = ("code", "name", "regions", "base_url", "active", "knows_our_kid", "added_at")


@admin.register(PartnerKey)
class PartnerKeyAdmin(ReadOnlyAdmin):
    list_display = ("partner", "kid", "use", "valid_from", "valid_until")
    fields = ("partner", "kid", "use", "public_jwk", "valid_from", "valid_until")


@admin.register(RemoteCase)
class RemoteCaseAdmin(ReadOnlyAdmin):
    list_display = ("package_name", "partner", "direction", "partner_number", "partner_state")
    fields = (
        "ref", "partner", "direction", "mode", "package_name", "items", "window", "received_at",
        "forward_due", "forwarded_at", "partner_number", "partner_state", "partner_due",
        "certificate_status", "handed_over_at", "sent_seq", "applied_seq",
    )  # fmt: skip


@admin.register(RemoteEvent)
class RemoteEventAdmin(ReadOnlyAdmin):
    list_display = ("remote_case", "at", "text")
    fields = ("remote_case", "at", "text")


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    list_display = ("message_id", "partner", "kind", "seq", "created_at", "delivered_at")
    fields = (
        "message_id", "partner", "kind", "case_ref", "seq", "body", "created_at",
        "attempts", "available_at", "delivered_at", "cancelled_at", "last_error",
    )  # fmt: skip


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ("message_id", "partner", "kind", "seq", "state", "received_at")
    fields = (
        "message_id", "partner", "kind", "case_ref", "seq", "body", "state",
        "created_at", "received_at", "applied_at", "error",
    )  # fmt: skip


@admin.register(Refusal)
class RefusalAdmin(ReadOnlyAdmin):
    list_display = ("at", "code", "detail", "claimed_sender", "remote_addr")
    fields = ("at", "code", "detail", "claimed_sender", "message_id", "remote_addr")
