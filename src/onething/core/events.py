"""Domain events: what happened in one app that another reacts to, through one small,
explicit dispatcher.

An app publishes a plain event (a frozen dataclass holding plain data: ids, codes, the
form's values — never another app's models); the apps that care subscribe a handler in
their `AppConfig.ready()`. `publish` calls every handler at once, in the publisher's
transaction, in the order they subscribed: a certificate is issued in the same
transaction as the approval that produces it, and a handler that fails rolls the
change back with it.

Why not Django signals: a signal is keyed by a sender and carries loose keyword
arguments, its receivers are held by weak references (a handler defined in a function
silently disappears), and nothing says which events exist. Here each event is a type
with named fields, `subscribe` keeps its handlers, and `SUBSCRIBERS` can be read and
tested. Nothing here is asynchronous: background work is the sweep's (onething.sweep).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SUBSCRIBERS: dict[type, list[Callable[[Any], None]]] = defaultdict(list)
LAST: set[tuple[type, Callable[[Any], None]]] = set()  # run after the event's other handlers


def subscribe(event_type: type, handler: Callable[[Any], None], last: bool = False) -> None:
    """Call `handler(event)` for every event of `event_type` published from now on (once,
    however often an app's ready() runs). `last`: after the other handlers, whatever the
    apps' order — 秒批 decides an accepted case's items only once a 定制办 plan has held
    those that wait on another project."""
    if handler not in SUBSCRIBERS[event_type]:
        SUBSCRIBERS[event_type].append(handler)
    if last:
        LAST.add((event_type, handler))
    # A stable sort: otherwise in the order they subscribed.
    SUBSCRIBERS[event_type].sort(key=lambda h: (event_type, h) in LAST)


def publish(event: object) -> None:
    for handler in list(SUBSCRIBERS.get(type(event), ())):
        handler(event)


@dataclass(frozen=True, slots=True)
class Holder:
    """Whom a case's results belong to: the applicant's account as certificates name it."""

    user_id: int
    name: str
    kind: str  # person | enterprise
    uscc: str = ""
    id_number: str = ""


@dataclass(frozen=True, slots=True)
class TaskApproved:
    """A department approved an item of a case (the licences app issues its certificate)."""

    case_id: int
    task_id: int
    item_id: str
    department: str
    jurisdiction: str
    catalog_version_id: int
    holder: Holder
    form: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LicenceIssued:
    """A certificate was issued for an item of a case (the case's materials that an
    earlier item produces now stand on it: 免提交 within the package)."""

    case_id: int
    task_id: int
    licence_id: int
    type_id: str


@dataclass(frozen=True, slots=True)
class CaseSubmitted:
    """An applicant (or their agent, or a clerk for them) submitted a case: its materials
    are recorded. A case that needs no person — every material at trust A or B and every
    item decided by the platform (即办) — is accepted at once (cases/instant_decisions.py)."""

    case_id: int
    channel: str
    kiosk: str = ""  # 自助终端: the kiosk's code when filed in a kiosk session


@dataclass(frozen=True, slots=True)
class CaseAccepted:
    """The window accepted a case (or the law deemed it accepted): its tasks exist now.
    The hall marks services outside regular hours; a plan holds the items that wait on
    another project's item (cases/holds.py)."""

    case_id: int
    window: str  # the accepting window's jurisdiction code
    channel: str
    accepted_at: datetime
    actor_id: int | None  # the clerk; None when deemed accepted


@dataclass(frozen=True, slots=True)
class CaseRefused:
    """The window refused to accept a case (不予受理, with its reason); a partner region
    that forwarded it is told (跨省通办)."""

    case_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class TaskDecided:
    """A department approved or rejected an item of a case (every item, certificate or not)."""

    case_id: int
    task_id: int
    item_id: str
    state: str  # approved | rejected


@dataclass(frozen=True, slots=True)
class CatalogImported:
    """A catalogue version was stored (the search app builds its index for it, once)."""

    version_id: int
    number: int
    digest: str


@dataclass(frozen=True, slots=True)
class MaterialUploaded:
    """An applicant uploaded a file for a material of a case (level C: the original still
    to be checked). A certificate a partner region signed stands for it as one of ours
    would (跨省通办 证照互认: exchange/recognition.py raises it to A)."""

    case_id: int
    evidence_id: int
    evidence_type: str  # the e-licence type that may stand in for the material ("": none)
    material_name: str
    kind: str  # pdf | ofd | jpeg | png (judged by content)
    data: bytes = field(repr=False, default=b"")


@dataclass(frozen=True, slots=True)
class CaseHandedOver:
    """The window handed a case's results over (一次办成: every result at once); a partner
    region that implemented some of its items is told (跨省通办 多地联办)."""

    case_id: int
    method: str  # window | post | electronic
    actor_id: int | None
