"""Server-side validation of the one form (pure): every error at once, in Chinese,
naming the field, e.g. "法定代表人身份证号码：校验码不正确，请核对最后一位".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc

from onething.catalog.guide import GuideField
from onething.intake.areas import area_code_known

MAX_TEXT = 500
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
EARLIEST_BIRTH_YEAR = 1890  # an earlier birth date in an ID number is a typo
_ID_WEIGHTS = tuple(2 ** (17 - position) % 11 for position in range(17))  # 7, 9, 10, 5, …


@dataclass(slots=True)
class FormResult:
    clean: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_form(
    fields: Sequence[GuideField], data: Mapping[str, Any], today: date | None = None
) -> FormResult:
    """Check every field of the merged form; unknown keys are dropped."""
    result = FormResult()
    for form_field in fields:
        raw = data.get(form_field.id)
        text = "" if raw is None else str(raw).strip()
        if not text:
            if form_field.required:
                result.errors[form_field.id] = f"{form_field.label}：必填"
            continue
        problem, value = check_value(form_field, text, today or date.today())
        if problem:
            result.errors[form_field.id] = f"{form_field.label}：{problem}"
        else:
            result.clean[form_field.id] = value
    return result


def check_value(form_field: GuideField, text: str, today: date) -> tuple[str | None, str]:
    """(problem, normalised value) for one field's text."""
    kind = form_field.type
    longest = getattr(form_field, "max_length", None) or MAX_TEXT
    if len(text) > longest:
        return f"不能超过 {longest} 个字（现有 {len(text)} 个）", text
    if kind == "id_card":
        return _id_card(text, today)
    if kind == "uscc":
        return _uscc(text)
    if kind == "phone":
        return check_phone(text)
    if kind == "email":
        return (None, text) if _EMAIL.fullmatch(text) else ("电子邮箱格式不正确", text)
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", text):
            return "请填写整数", text
        if int(text) < 0:
            return "不能为负数", text
        return _in_range(form_field, Decimal(text)), text
    if kind == "number":
        try:
            number = Decimal(text)
        except InvalidOperation:
            return "请填写数字", text
        if not number.is_finite() or number < 0:
            return "请填写非负数字", text
        return _in_range(form_field, number), text
    if kind == "date":
        try:
            date.fromisoformat(text)
        except ValueError:
            return "日期格式应为 年-月-日，例如 2026-11-23", text
        return None, text
    if kind == "boolean":
        lowered = text.lower()
        if lowered in ("true", "是", "yes", "1", "on"):
            return None, "true"
        if lowered in ("false", "否", "no", "0", "off"):
            return None, "false"
        return "请选择“是”或“否”", text
    if kind == "choice":
        return (None, text) if text in form_field.choices else ("请从选项中选择", text)
    if kind == "address" and len(text) < 5:
        return "请填写详细地址", text
    return None, text


def _in_range(form_field: GuideField, number: Decimal) -> str | None:
    low, high = getattr(form_field, "min", None), getattr(form_field, "max", None)
    if low is not None and number < Decimal(str(low)):
        return f"不能小于 {_plain(low)}"
    if high is not None and number > Decimal(str(high)):
        return f"不能大于 {_plain(high)}"
    return None


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def check_phone(text: str) -> tuple[str | None, str]:
    """(problem, compact number): an 11-digit mobile or a landline with its area code."""
    compact = text.replace(" ", "")
    if _MOBILE.fullmatch(compact) or _LANDLINE.fullmatch(compact):
        return None, compact
    return "请填写 11 位手机号码或带区号的固定电话", text


def plain_id_number(text: str) -> str:
    """An ID number as people type or readers give it, made comparable: full-width
    characters as ASCII, no spaces, x as X."""
    return "".join(unicodedata.normalize("NFKC", text or "").upper().split())


def _id_card(text: str, today: date) -> tuple[str | None, str]:
    """(problem, number) for a 居民身份证号码 (GB 11643): the most useful problem first.

    A wrong check digit means a mistyped digit somewhere, so it is named before what the
    digits say; then the birth date (digits 7–14); then the area code (the first six),
    which may be any GB/T 2260 code that ever existed (see ``areas``).
    """
    number = plain_id_number(text)
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        return "应为 18 位，最后一位可以是数字或 X", text
    if number[-1] != id_check_digit(number[:17]):
        return "校验码不正确，请核对最后一位", text
    digits = number[6:14]
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return f"出生日期 {digits} 不是有效日期", text
    if born > today:
        return "出生日期不能晚于今天", text
    if born.year < EARLIEST_BIRTH_YEAR:
        return f"出生日期 {digits} 不是有效日期（早于 {EARLIEST_BIRTH_YEAR} 年）", text
    if not area_code_known(number[:6]):
        return f"前六位地区码 {number[:6]} 不是有效的行政区划代码", text
    return None, number


def id_check_digit(first17: str) -> str:
    """GB 11643's check digit (ISO 7064 MOD 11-2) of the first 17 digits: 0–9 or X."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def _uscc(text: str) -> tuple[str | None, str]:
    code = text.upper().replace(" ", "")
    if len(code) != 18:
        return "应为 18 位", text
    try:
        uscc.validate(code)
    except stdnum_errors.InvalidChecksum:
        return "校验码不正确，请核对最后一位", text
    except stdnum_errors.ValidationError:
        return "格式不正确", text
    return None, code
