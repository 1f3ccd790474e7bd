"""Masking personal data for screens and logs (pure)."""

from __future__ import annotations

import re

# A number stands alone: not inside a run of letters and digits (a UUID, a token), but
# it may follow a URL's percent escape (q=%20142331…, a=1%2C13800138000).
_AFTER_ESCAPE = r"(?<=%[0-9A-Fa-f]{2})"
# 身份证号码: 18 characters (17 digits and a digit or X), or the old 15 digits.
_ID_CARD = re.compile(
    rf"(?:(?<![0-9A-Za-z])|{_AFTER_ESCAPE})(?:\d{{17}}[\dXx]|\d{{15}})(?![0-9A-Za-z])"
)
# 手机号码, also written with the country code (86…, 0086…, +86…).
_MOBILE = re.compile(
    rf"(?:(?<![0-9A-Za-z])|{_AFTER_ESCAPE})((?:00)?86)?(1[3-9]\d{{9}})(?![0-9A-Za-z])"
)


def mask_id_number(value: str | None) -> str:
    """110105********002X: region and the last four kept, the birth date hidden."""
    if not value:
        return ""
    text = value.strip()
    if len(text) <= 8:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_phone(value: str | None) -> str:
    """138****5678 for a mobile number; landlines keep the last four."""
    if not value:
        return ""
    text = value.strip()
    if len(text) == 11 and text.isdigit():
        return text[:3] + "****" + text[-4:]
    if len(text) <= 4:
        return "*" * len(text)
    return "*" * (len(text) - 4) + text[-4:]


def mask_name(value: str | None) -> str:
    """张*, 欧阳** : the family name kept."""
    if not value:
        return ""
    text = value.strip()
    if len(text) <= 1:
        return text
    keep = 2 if len(text) >= 4 else 1
    return text[:keep] + "*" * (len(text) - keep)


def mask_text(text: str) -> str:
    """Any ID card or mobile numbers inside free text (log lines, URLs), masked as on
    screens: 142331********1231, 142331*****1231 (15 digits), 139****2345."""
    text = _ID_CARD.sub(lambda m: mask_id_number(m.group(0)), text)
    return _MOBILE.sub(lambda m: (m.group(1) or "") + mask_phone(m.group(2)), text)


def mask_bank_account(value: str | None) -> str:
    """**** **** **** 1234: a bank account or card number, the last four kept."""
    if not value:
        return ""
    digits = "".join(value.split())
    if len(digits) <= 4:
        return "*" * len(digits)
    return "**** " * ((len(digits) - 4 + 3) // 4) + digits[-4:]


def is_bank_account(field_id: str, label: str = "") -> bool:
    """A form field holding a bank account or card number (the data dictionary has no
    type for it: 银行账号, by its id or its label)."""
    return "bank_account" in field_id or "bank_card" in field_id or "银行账号" in label


def mask_form_value(field_id: str, field_type: str, value: str, label: str = "") -> str:
    """A one-form value as a page shows it to someone who may not see it in full: ID
    numbers, phone numbers and bank accounts masked, anything else as it is."""
    if field_type == "id_card":
        return mask_id_number(value)
    if field_type == "phone":
        return mask_phone(value)
    if is_bank_account(field_id, label):
        return mask_bank_account(value)
    return value
