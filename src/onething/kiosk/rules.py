"""The kiosk's pure rules (no Django): one-time sign-in codes and ID-card numbers.

A sign-in code (在自助终端登录) is shown on the citizen's phone as a QR code and read by
the kiosk's camera; it lasts `CODE_SECONDS` and signs in once.
"""

from __future__ import annotations

import re
import secrets
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
