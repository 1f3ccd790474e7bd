"""The rules of 帮办代办 and 上门办, with no framework: the one-time consent code (6
digits, 10 minutes, used once, 5 wrong tries lock it), a visit's states and the reasons
a visit may be asked for. The services load, ask these, save and record."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from onething.intake.validation import plain_id_number

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=10)
MAX_WRONG_TRIES = 5
MAX_CODES = 5  # codes sent for one assisted filing


def new_code() -> str:
    """A fresh 6-digit code, leading zeros kept."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def normalised_code(text: str) -> str:
    """The code as typed, without spaces (full-width digits too); "" when not 6 digits."""
    code = unicodedata.normalize("NFKC", text or "").replace(" ", "").strip()
    return code if len(code) == CODE_DIGITS and code.isascii() and code.isdigit() else ""


class CodeVerdict(StrEnum):
    OK = "ok"
    NONE = "none"  # no code was sent
    MALFORMED = "malformed"
    USED = "used"
    EXPIRED = "expired"
    LOCKED = "locked"
    WRONG = "wrong"


CODE_REFUSALS = {
    CodeVerdict.NONE: "尚未向申请人发送验证码，请先发送",
    CodeVerdict.MALFORMED: "验证码是 6 位数字",
    CodeVerdict.USED: "该验证码已经使用过，请重新发送验证码",
    CodeVerdict.EXPIRED: "验证码已过期（10 分钟内有效），请重新发送验证码",
    CodeVerdict.LOCKED: f"验证码已输错 {MAX_WRONG_TRIES} 次，已锁定，请重新发送验证码",
    CodeVerdict.WRONG: "验证码不正确",
}


@dataclass(frozen=True, slots=True)
class SentCode:
    """What is kept of the last code sent: when it expires, whether it was used, and how
    many wrong tries it had."""

    expires_at: datetime | None
    used: bool
    wrong_tries: int


def check_code(sent: SentCode, typed: str, matches: bool, now: datetime) -> CodeVerdict:
    """The verdict on a typed code (`matches`: its hash equals the stored one). A used,
    expired or locked code is refused whatever was typed; a wrong one counts a try."""
    if sent.expires_at is None:
        return CodeVerdict.NONE
    if sent.used:
        return CodeVerdict.USED
    if sent.wrong_tries >= MAX_WRONG_TRIES:
        return CodeVerdict.LOCKED
    if now >= sent.expires_at:
        return CodeVerdict.EXPIRED
    if not normalised_code(typed):
        return CodeVerdict.MALFORMED
    return CodeVerdict.OK if matches else CodeVerdict.WRONG


def tries_left(wrong_tries: int) -> int:
    return max(0, MAX_WRONG_TRIES - wrong_tries)


# --------------------------------------------------------------------------- 上门办


class VisitState(StrEnum):
    REQUESTED = "requested"
    SCHEDULED = "scheduled"
    DONE = "done"
    CANCELLED = "cancelled"


VISIT_STATE_LABELS = {
    VisitState.REQUESTED: "待安排",
    VisitState.SCHEDULED: "已安排",
    VisitState.DONE: "已上门受理",
    VisitState.CANCELLED: "已取消",
}

# action -> the states it may start from, and where it leads
VISIT_STEPS: dict[str, tuple[frozenset[VisitState], VisitState]] = {
    "schedule": (frozenset({VisitState.REQUESTED, VisitState.SCHEDULED}), VisitState.SCHEDULED),
    "accept": (frozenset({VisitState.SCHEDULED}), VisitState.DONE),
    "cancel": (frozenset({VisitState.REQUESTED, VisitState.SCHEDULED}), VisitState.CANCELLED),
}


class VisitRefused(Exception):
    """The visit's state does not allow the action."""


def visit_step(state: str, action: str) -> VisitState:
    """Where the action leads from this state; VisitRefused when it may not."""
    allowed, after = VISIT_STEPS[action]
    if VisitState(state) not in allowed:
        label = VISIT_STATE_LABELS[VisitState(state)]
        raise VisitRefused(f"上门办申请当前为“{label}”，不能{ACTION_WORDS[action]}")
    return after


ACTION_WORDS = {"schedule": "安排上门", "accept": "现场受理", "cancel": "取消"}

REASONS = {
    "elderly": "年老",
    "disabled": "残疾",
    "key_enterprise": "重点企业",
    "other": "其他",
}

IDENTITY_METHODS = {
    "typed": "核对身份证原件并输入号码",
    "card_reader": "身份证读卡器读取",
}

MAX_PREFERRED_DATES = 3


def reason_problem(reason: str, note: str) -> str:
    """Why the reason is not acceptable ("" when it is): one of REASONS, and 其他 says what."""
    if reason not in REASONS:
        return "请选择申请上门办理的原因"
    if reason == "other" and not note.strip():
        return "原因为“其他”时请写明具体情况"
    return ""


def same_id_number(typed: str, expected: str) -> bool:
    """The ID number checked on site is the applicant's (spaces, case and full-width
    characters aside)."""
    return bool(plain_id_number(expected)) and plain_id_number(typed) == plain_id_number(expected)
