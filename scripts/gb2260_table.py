"""Write src/onething/intake/gb2260_codes.txt: every GB/T 2260 code that ever existed.

Usage (from the repository root):

    .venv/bin/python scripts/gb2260_table.py [LOC_DAT] [-o OUT]

LOC_DAT defaults to python-stdnum's ``stdnum/cn/loc.dat``, which python-stdnum compiles
from the Wikipedia pages 中华人民共和国行政区划代码 (1区–8区). Those pages list every
revision of GB/T 2260 (中华人民共和国行政区划代码) that the Ministry of Civil Affairs
(民政部) has published since 1980, with the years each code was in use, e.g.
``0103 county="[-2010]崇文区"`` under ``11 province="北京市"`` is code 110103, in use
until 2010.

The table has one line per code: ``code<TAB>names<TAB>first year<TAB>last year``.
A code that named several places or was renamed lists its names oldest first, joined
by "→" (120110 东郊区→东丽区). A blank first year means the code is in the earliest
revision listed (1980 or before); a blank last year means it is still in use.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import stdnum

REPOSITORY = Path(__file__).resolve().parent.parent
TARGET = REPOSITORY / "src" / "onething" / "intake" / "gb2260_codes.txt"
SOURCE = Path(stdnum.__file__).parent / "cn" / "loc.dat"
NAME_SEPARATOR = "→"

_PROVINCE = re.compile(r'(\d{2}) province="[^"]*"')
_COUNTY = re.compile(r'  (\d{4}) county="([^"]+)"')
_PERIOD = re.compile(r"(?:\[(\d{4})?-(\d{4})?\])?([^\[\],]+)")


@dataclass(frozen=True)
class Code:
    code: str
    names: tuple[str, ...]
    first_year: int | None  # None: in the earliest revision listed
    last_year: int | None  # None: still in use

    def line(self) -> str:
        first = "" if self.first_year is None else str(self.first_year)
        last = "" if self.last_year is None else str(self.last_year)
        return f"{self.code}\t{NAME_SEPARATOR.join(self.names)}\t{first}\t{last}"


def parse_periods(text: str, where: str) -> tuple[tuple[str, ...], int | None, int | None]:
    """Names and the overall first and last year of ``[1983-1994]东矿区,[1995-]古冶区``."""
    names: list[str] = []
    firsts: list[int | None] = []
    lasts: list[int | None] = []
    for part in text.split(","):
        match = _PERIOD.fullmatch(part)
        if match is None:
            raise ValueError(f"{where}: cannot read {part!r}")
        start, end, name = match.groups()
        if name not in names:
            names.append(name)
        firsts.append(int(start) if start else None)
        lasts.append(int(end) if end else None)
    first = None if None in firsts else min(year for year in firsts if year is not None)
    last = None if None in lasts else max(year for year in lasts if year is not None)
    return tuple(names), first, last


def read_codes(text: str) -> tuple[list[str], list[Code]]:
    """(the source's own comment lines, every code) of a loc.dat file."""
    comments: list[str] = []
    codes: dict[str, Code] = {}
    province = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#"):
            comments.append(line.lstrip("# ").strip())
            continue
        if not line.strip():
            continue
        if match := _PROVINCE.fullmatch(line):
            province = match[1]
            continue
        match = _COUNTY.fullmatch(line)
        if match is None or not province:
            raise ValueError(f"line {number}: not a province or county line: {line!r}")
        code = province + match[1]
        if code in codes:
            raise ValueError(f"line {number}: code {code} listed twice")
        names, first, last = parse_periods(match[2], f"line {number}")
        codes[code] = Code(code, names, first, last)
    return comments, sorted(codes.values(), key=lambda entry: entry.code)


def render(comments: list[str], codes: list[Code]) -> str:
    header = [
        "# GB/T 2260 行政区划代码: every code that exists or ever existed since 1980.",
        "#",
        f"# Source: python-stdnum {stdnum.__version__}, stdnum/cn/loc.dat, compiled from",
        *(f"#   {line}" for line in comments if line.startswith("http")),
        "# (中华人民共和国行政区划代码 1区–8区: each GB/T 2260 revision the 民政部 published since",
        "# 1980, with the years each code was in use).",
        "#",
        "# Regenerate with: .venv/bin/python scripts/gb2260_table.py",
        "#",
        "# code<TAB>names (oldest first, joined by →)<TAB>first year<TAB>last year",
        "# A blank first year: in the earliest revision listed; a blank last year: in use.",
    ]
    return "\n".join([*header, *(code.line() for code in codes)]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("loc_dat", nargs="?", type=Path, default=SOURCE)
    parser.add_argument("-o", "--output", type=Path, default=TARGET)
    arguments = parser.parse_args(argv)
    try:
        comments, codes = read_codes(arguments.loc_dat.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        print(f"error: {arguments.loc_dat}: {error}", file=sys.stderr)
        return 1
    arguments.output.write_text(render(comments, codes), encoding="utf-8")
    print(f"wrote {len(codes)} codes to {arguments.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
