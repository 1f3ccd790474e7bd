"""GB/T 2260 administrative division codes (行政区划代码) as the catalogue uses them.

A code is 6 digits (province, city, county), 9 (township) or 12 (village), and
starts with a province's two digits. Its level shows in its shape (a province
ends in 0000, a city in 00), and a child's code lies within its parent's.
"""

from __future__ import annotations

from typing import Any, Literal

from onething.catalog.entities import JURISDICTION_LEVELS

# GB/T 2260 province-level codes (first two digits).
PROVINCE_PREFIXES = frozenset(
    [str(n) for n in (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37)]
    + [str(n) for n in (41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65)]
    + ["71", "81", "82"]
)
LEVEL_RANK = {level: rank for rank, level in enumerate(JURISDICTION_LEVELS)}

CodeFault = Literal["not_a_code", "shape", "province"]


def as_code_text(value: Any) -> Any:
    """A code written as a YAML number (140000) is read as its digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def code_fault(value: Any) -> CodeFault | None:
    """What is wrong with a code as written, None if it is a GB/T 2260 code."""
    value = as_code_text(value)
    if not isinstance(value, str):
        return "not_a_code"
    if not (value.isascii() and value.isdigit() and len(value) in (6, 9, 12)):
        return "shape"
    if value[:2] not in PROVINCE_PREFIXES:
        return "province"
    return None


def level_shape_problem(code: str, level: str) -> str | None:
    """Why a valid code cannot be of this level, None if it can."""
    expected = {
        "province": len(code) == 6 and code[2:] == "0000",
        "city": len(code) == 6 and code[4:] == "00" and code[2:4] != "00",
        "county": len(code) == 6 and code[4:] != "00",
        "township": len(code) == 9,
        "village": len(code) == 12,
    }.get(level)
    if expected is False:
        return f"'{code}' is not a {level} code (GB/T 2260)"
    return None


def significant_prefix(code: str, level: str) -> str:
    """The part of a code that every code within it shares."""
    return {"province": code[:2], "city": code[:4], "county": code[:6], "township": code[:9]}.get(
        level, code
    )
