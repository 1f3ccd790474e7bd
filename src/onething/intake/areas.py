"""Administrative division codes (行政区划代码, GB/T 2260) that exist or ever existed.

An ID number's first six digits are the code of the place where its holder was first
registered, and they never change: a number issued in 崇文区 (110103) keeps that code
after the district was merged away in 2010, and the 15-digit numbers converted to 18
digits in 1999 kept codes given in the 1980s. So every code of every revision counts,
at every level: 省 (110000), 地区 or 市 (142300), 市辖区 (110100) and 县 (142301).

The codes are read once from ``gb2260_codes.txt`` beside this module, a table that
``scripts/gb2260_table.py`` generates from python-stdnum's copy of the Wikipedia pages
中华人民共和国行政区划代码 (see the table's header for the source and the command).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

TABLE_FILE = "gb2260_codes.txt"
NAME_SEPARATOR = "→"


@dataclass(frozen=True, slots=True)
class AreaCode:
    """One six-digit code and the names it has carried, oldest first."""

    code: str
    names: tuple[str, ...]
    first_year: int | None  # None: in the earliest revision listed (1980)
    last_year: int | None  # None: still in use

    @property
    def name(self) -> str:
        """The latest name, e.g. 东丽区 for 120110 (东郊区 until 1991)."""
        return self.names[-1]


def _year(text: str) -> int | None:
    return int(text) if text else None


def parse_table(text: str) -> dict[str, AreaCode]:
    """Every code of a table in the ``gb2260_codes.txt`` format, by code.

    Raises ValueError naming the line that is not ``code<TAB>names<TAB>first<TAB>last``.
    """
    codes: dict[str, AreaCode] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 4 or not (len(parts[0]) == 6 and parts[0].isdigit()) or not parts[1]:
            raise ValueError(f"{TABLE_FILE} line {number}: expected code, names, two years")
        code, names, first, last = parts
        try:
            codes[code] = AreaCode(
                code, tuple(names.split(NAME_SEPARATOR)), _year(first), _year(last)
            )
        except ValueError:
            raise ValueError(f"{TABLE_FILE} line {number}: a year is not a number") from None
    return codes


@functools.cache
def _codes() -> dict[str, AreaCode]:
    text = resources.files(__package__ or "onething.intake").joinpath(TABLE_FILE)
    return parse_table(text.read_text(encoding="utf-8"))


def area(code: str) -> AreaCode | None:
    """The code's entry, or None for a code that never existed."""
    return _codes().get(code)


# 港澳台居民居住证: numbers on the permits for residents of 香港, 澳门 and 台湾 begin
# 810000, 820000 and 830000 (《港澳台居民居住证申领发放办法》, 国办发〔2018〕81号, Art. 9);
# 830000 is not a GB/T 2260 code of the table, yet such a permit holder files like anyone.
RESIDENCE_PERMIT_CODES = frozenset({"810000", "820000", "830000"})


def area_code_known(code: str) -> bool:
    """Whether ``code`` begins a valid number: a GB/T 2260 code that exists or ever
    existed, or a 港澳台居民居住证's."""
    return code in _codes() or code in RESIDENCE_PERMIT_CODES


def area_name(code: str) -> str | None:
    """The code's latest name (孝义市 for 142301), or None for a code that never existed."""
    entry = _codes().get(code)
    return None if entry is None else entry.name


def all_area_codes() -> list[str]:
    """Every code of the table, ascending."""
    return sorted(_codes())
