"""The kiosk's pure rules (no Django): one-time sign-in codes and ID-card numbers.

A sign-in code (在自助终端登录) is shown on the citizen's phone as a QR code and read by
the kiosk's camera; it lasts `CODE_SECONDS` and signs in once.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from onething.intake.validation import plain_id_number

CODE_SECONDS = 120  # a code shown on the phone lasts two minutes
CODE_DIGITS = 8
KIOSK_SESSION_SECONDS = 15 * 60  # a kiosk session ends after 15 minutes whatever happens
IDLE_SECONDS = 60  # without a touch, then a countdown
COUNTDOWN_SECONDS = 10

EXPIRED = "该登录码已过期，请在手机上重新生成"
USED = "该登录码已使用过，请在手机上重新生成"
UNKNOWN = "登录码无效，请核对后重新输入或扫描"

_ID_NUMBER = re.compile(r"^\d{17}[\dX]$")


def new_code() -> str:
    """A fresh one-time code: digits only, so the kiosk's keypad can type it."""
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def expiry_of(issued_at: datetime) -> datetime:
    return issued_at + timedelta(seconds=CODE_SECONDS)


def normalised_code(text: str) -> str:
    """What was typed or scanned, without spaces and separators."""
    return re.sub(r"[\s\-]", "", text or "")


def code_refusal(expires_at: datetime, used_at: datetime | None, now: datetime) -> str | None:
    """Why this code may not sign anyone in (None: it may, once)."""
    if used_at is not None:
        return USED
    if now >= expires_at:
        return EXPIRED
    return None


def normalised_id_number(text: str) -> str | None:
    """An ID number as a card reader yields it (18 characters, X upper case), or None."""
    number = plain_id_number(text)
    return number if _ID_NUMBER.match(number) else None


# --- the card reader's signed readings ------------------------------------------------
#
# The terminal's browser only relays what the card reader read; the reader signs each
# reading with its own Ed25519 key, whose public half is registered with the kiosk. A
# reading names the kiosk, the card's name and number, when it was read and a one-time
# nonce: a reading typed by hand, replayed, from another kiosk or too old is refused.

READING_SECONDS = 60  # a reading signs in within a minute of the card being read
READING_SKEW_SECONDS = 10  # the reader's clock may run this far ahead


class ReadingRefused(ValueError):
    """A card reading that may not sign anyone in (the message says why)."""


@dataclass(frozen=True, slots=True)
class CardReading:
    kiosk: str
    id_number: str
    name: str
    read_at: datetime
    nonce: str


def reading_text(kiosk: str, id_number: str, name: str, read_at: datetime, nonce: str) -> str:
    """The reading as the reader signs it: compact JSON, keys sorted, base64url."""
    body = {"kiosk": kiosk, "id_number": id_number, "name": name, "nonce": nonce}
    body["read_at"] = read_at.isoformat()
    raw = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def parse_reading(text: str) -> CardReading:
    try:
        raw = base64.urlsafe_b64decode((text or "") + "=" * (-len(text or "") % 4))
        body = json.loads(raw.decode())
        read_at = datetime.fromisoformat(body["read_at"])
        reading = CardReading(
            str(body["kiosk"]), str(body["id_number"]), str(body["name"]), read_at,
            str(body["nonce"]),
        )  # fmt: skip
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError):
        raise ReadingRefused(READING_UNREADABLE) from None
    if read_at.tzinfo is None or not 16 <= len(reading.nonce) <= 64:
        raise ReadingRefused(READING_UNREADABLE)
    return reading


def reading_refusal(reading: CardReading, kiosk: str, now: datetime) -> str | None:
    """Why this (genuinely signed) reading may not sign in here now; None: it may."""
    if reading.kiosk != kiosk:
        return READING_ELSEWHERE
    age = (now - reading.read_at).total_seconds()
    if age > READING_SECONDS or age < -READING_SKEW_SECONDS:
        return READING_STALE
    return None


READING_UNREADABLE = "读卡数据无法识别，请重新放置身份证"
READING_UNSIGNED = "读卡数据没有本终端读卡器的有效签名，已拒绝"
READING_ELSEWHERE = "读卡数据来自另一台终端，已拒绝"
READING_STALE = "读卡数据已超时，请重新放置身份证"
READING_USED = "读卡数据已使用过，请重新放置身份证"
NO_READER = "这台终端尚未登记读卡器，请使用手机登录码或到窗口办理"
