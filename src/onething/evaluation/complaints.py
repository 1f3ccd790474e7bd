"""12345-style complaints and requests (pure): kinds, categories, the closed loop and the
tracking code a complainant follows it by.

A tracking code is 12 characters, all random, from Crockford's base32 alphabet (no I, L,
O or U to confuse): 60 random bits, so one complaint's code says nothing about another's.
Read back over the phone it is forgiving: case, spaces and hyphens do not matter, and O is
read as 0, I and L as 1. Codes of the old form (12345-20261123-000001-K7QD) still work.

受理 (received) → 派单 (dispatched) → 办理 (handling) → 回复 (replied) → 办结 (closed) →
回访 (revisited, satisfied or not: not satisfied reopens it for handling). A wrongly
dispatched one is returned to the supervisor and dispatched again.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from enum import StrEnum

KINDS = {"consult": "咨询", "complaint": "投诉", "help": "求助", "suggestion": "建议"}
CATEGORIES = {
    "inaction": "不作为",
    "slow": "慢作为",
    "buck_passing": "推诿扯皮",
    "bribery": "吃拿卡要",
    "attitude": "服务态度",
    "other": "其他",
}
SUBJECTS = {
    "case": "某个办件",
    "window": "某个窗口",
    "staff": "某位工作人员",
    "general": "一般问题",
}


class State(StrEnum):
    RECEIVED = "received"
    DISPATCHED = "dispatched"
    REPLIED = "replied"
    CLOSED = "closed"


STATE_LABELS = {
    State.RECEIVED: "已受理，待派单",
    State.DISPATCHED: "已派单，办理中",
    State.REPLIED: "已回复，待回访",
    State.CLOSED: "已办结",  # or merged into the one it repeats
}
# (state, action) -> next state; who may act is the storage layer's concern.
TRANSITIONS = {
    (State.RECEIVED, "dispatch"): State.DISPATCHED,
    (State.DISPATCHED, "return"): State.RECEIVED,  # wrongly dispatched: back to the supervisor
    (State.DISPATCHED, "reply"): State.REPLIED,
    (State.REPLIED, "close"): State.CLOSED,  # the return visit found them satisfied
    (State.REPLIED, "reopen"): State.DISPATCHED,  # not satisfied: handled again
    (State.RECEIVED, "merge"): State.CLOSED,  # a duplicate: handled with the one it repeats
    (State.DISPATCHED, "merge"): State.CLOSED,
}


class ComplaintRefused(ValueError):
    """A step the loop does not allow now; the message says why, in Chinese."""


def next_state(state: str, action: str) -> State:
    try:
        return TRANSITIONS[(State(state), action)]
    except (KeyError, ValueError):
        label = {s.value: text for s, text in STATE_LABELS.items()}.get(state, state)
        raise ComplaintRefused(f"当前状态（{label}）不能进行这一步") from None


TRACKING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
TRACKING_LENGTH = 12  # 60 random bits
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212_.·]")
_OLD_TRACKING = re.compile(r"12345(\d{8})(\d{6})([A-Z0-9]{4})")  # 12345-day-serial-XXXX


def tracking_code() -> str:
    """A new tracking code: 12 characters, each drawn at random from the alphabet."""
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def normalise_tracking(typed: str) -> str | None:
    """The stored form of a typed code, or None when it cannot be one. Full-width
    characters (from a Chinese input method), case, spaces and hyphens are ignored; O is
    read as 0, I and L as 1. An old code keeps its letters (its alphabet had L)."""
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", typed)).upper()
    old = _OLD_TRACKING.fullmatch(compact)
    if old:
        return "12345-{}-{}-{}".format(*old.groups())
    code = compact.translate(_READ_AS)
    if len(code) == TRACKING_LENGTH and all(c in TRACKING_ALPHABET for c in code):
        return code
    return None


def tracking_groups(code: str) -> list[str]:
    """A new code in groups of four to read out (K7QD 3M9X A2BC); an old one whole."""
    if len(code) != TRACKING_LENGTH:
        return [code]
    return [code[i : i + 4] for i in range(0, TRACKING_LENGTH, 4)]
