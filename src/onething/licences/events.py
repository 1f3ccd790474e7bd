"""A licence's own record (revoked, expired, looked up by staff), as an audit chain: one
chain for the table, each event sealed after the one before (privacy/audit.py). Every
event is written here."""

from __future__ import annotations

from collections.abc import Sequence

from onething.licences.models import Licence, LicenceEvent
from onething.privacy.audit import ChainSpec, append

EVENT_CHAIN = ChainSpec(LicenceEvent, ("licence_id", "kind", "actor_id", "note", "at"))


def record(licence: Licence, kind: str, actor=None, note: str = "") -> LicenceEvent:
    """Append one event."""
    event = LicenceEvent(licence=licence, kind=kind, actor=actor, note=note)
    append(EVENT_CHAIN, [event])
    return event


def record_all(events: Sequence[LicenceEvent]) -> None:
    """Append these events in one transaction (a look-up over many licences, expiries)."""
    append(EVENT_CHAIN, events)
