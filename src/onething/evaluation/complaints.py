"""12345-style complaints and requests (pure): kinds, categories, the closed loop and the
tracking code a complainant follows it by.

受理 (received) → 派单 (dispatched) → 办理 (handling) → 回复 (replied) → 办结 (closed) →
回访 (revisited, satisfied or not: not satisfied reopens it for handling). A wrongly
dispatched one is returned to the supervisor and dispatched again.
"""

from __future__ import annotations

import secrets
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
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I to misread on the phone


class ComplaintRefused(ValueError):
    """A step the loop does not allow now; the message says why, in Chinese."""


def next_state(state: str, action: str) -> State:
    try:
        return TRANSITIONS[(State(state), action)]
    except (KeyError, ValueError):
        label = {s.value: text for s, text in STATE_LABELS.items()}.get(state, state)
        raise ComplaintRefused(f"当前状态（{label}）不能进行这一步") from None


def tracking_code(number: int, today_text: str) -> str:
    """``12345-<day>-<serial>-<four random characters>``, e.g. 12345-20261123-000001-K7QD:
    the random part means one complaint cannot be guessed from another's code."""
    suffix = "".join(secrets.choice(_ALPHABET) for _ in range(4))
    return f"12345-{today_text}-{number:06d}-{suffix}"
