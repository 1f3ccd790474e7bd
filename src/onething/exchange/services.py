"""跨省通办's use cases for the pages, the API and the command line: keys rotated and
announced, what the exchange page shows, the public figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from onething.exchange import identity, rules
from onething.exchange.models import (
    InboundMessage,
    OutboundMessage,
    Partner,
    Refusal,
    RemoteCase,
)
from onething.exchange.offers import current_offers
from onething.exchange.outbox import enqueue


def rotate_and_announce(overlap: timedelta = identity.ROTATION_OVERLAP) -> list[str]:
    """New keys; every active partner is sent them in a `keys` message signed with the
    key it already knows. Until it signs for them, we keep signing with the old key, so
    exchange never stops."""
    with transaction.atomic():
        made = identity.rotate_keys(overlap)
        announce_keys()
    return made


def announce_keys() -> int:
    keys = identity.public_keys()
    newest = identity.valid_keys("sig")[0].kid
    partners = list(Partner.objects.filter(active=True))
    for partner in partners:
        enqueue(partner, "keys", {"keys": keys, "signing_kid": newest})
    return len(partners)


@dataclass(frozen=True, slots=True)
class MessageRow:
    message: OutboundMessage
    state: str  # 待发送 / 发送失败 / 已送达 / 已取消
    delay_s: int | None  # created → delivered (or → now while waiting)


def _state_of(message: OutboundMessage) -> str:
    if message.cancelled_at is not None:
        return "已取消"
    if message.delivered_at is not None:
        return "已送达"
    return "发送失败，等待重试" if message.last_error else "待发送"


def outbound_rows(state: str = "", limit: int = 100) -> list[MessageRow]:
    """Outgoing messages, newest first: `state` pending | failed | delivered | cancelled."""
    messages = OutboundMessage.objects.select_related("partner").order_by("-created_at", "-id")
    filters = {
        "pending": Q(delivered_at=None, cancelled_at=None),
        "failed": Q(delivered_at=None, cancelled_at=None) & ~Q(last_error=""),
        "delivered": Q(delivered_at__isnull=False),
        "cancelled": Q(cancelled_at__isnull=False),
    }
    if state in filters:
        messages = messages.filter(filters[state])
    now = timezone.now()
    return [
        MessageRow(m, _state_of(m), int(((m.delivered_at or now) - m.created_at).total_seconds()))
        for m in messages.defer("secret", "ack")[:limit]
    ]


def overview() -> dict:
    """The exchange page's figures and lists."""
    outbox = OutboundMessage.objects.aggregate(
        pending=Count("id", filter=Q(delivered_at=None, cancelled_at=None)),
        failed=Count("id", filter=Q(delivered_at=None, cancelled_at=None) & ~Q(last_error="")),
        delivered=Count("id", filter=Q(delivered_at__isnull=False)),
        cancelled=Count("id", filter=Q(cancelled_at__isnull=False)),
    )
    inbox = InboundMessage.objects.aggregate(
        applied=Count("id", filter=Q(state=InboundMessage.APPLIED)),
        waiting=Count("id", filter=Q(state=InboundMessage.WAITING)),
        failed=Count("id", filter=Q(state=InboundMessage.FAILED)),
    )
    return {
        "outbox": outbox,
        "inbox": inbox,
        "refusals": Refusal.objects.count(),
        "partners": Partner.objects.filter(active=True).count(),
    }


def public_figures() -> dict:
    """跨省通办 in numbers for everyone: partners, their regions, items offered both ways."""
    node = identity.identity()
    partners = list(Partner.objects.filter(active=True))
    regions = sorted({r for p in partners for r in p.regions})
    return {
        "node": node.name,
        "partners": len(partners),
        "partner_regions": len(regions),
        "items_offered_here": len(current_offers()),
        "items_from_partners": sum(len(p.offered) for p in partners),
        "cases_forwarded": RemoteCase.objects.filter(direction=RemoteCase.FORWARDED).count(),
        "cases_handled": RemoteCase.objects.filter(direction=RemoteCase.HANDLED).count(),
    }


def refusal_label(code: str) -> str:
    return rules.REFUSALS.get(code, code)
