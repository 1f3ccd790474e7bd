"""The GB/T 2260 table: every code that ever existed, read once, with its source cited."""

from __future__ import annotations

from importlib import resources

import pytest
from scripts.gb2260_table import read_codes, render

from onething.intake.areas import (
    AreaCode,
    all_area_codes,
    area,
    area_code_known,
    area_name,
    parse_table,
)


def test_codes_of_every_level_and_era_are_known():
    for code in ("110000", "110100", "110103", "142300", "142301", "442100", "510202", "810000"):
        assert area_code_known(code), code
    for code in ("000000", "991234", "1101", "1101030", "11010a"):
        assert not area_code_known(code), code


def test_names_and_years():
    assert area_name("142301") == "孝义市"
    assert area_name("991234") is None
    assert area("110103") == AreaCode("110103", ("崇文区",), None, 2010)
    renamed = area("120110")
    assert renamed is not None and renamed.names == ("东郊区", "东丽区")
    assert renamed.name == "东丽区" and renamed.last_year is None
    assert area("460000") == AreaCode("460000", ("海南省",), 1988, None)


def test_the_table_covers_every_province_and_cites_its_source():
    codes = all_area_codes()
    assert len(codes) > 6000 and codes == sorted(set(codes))
    assert {code[:2] for code in codes} >= {"11", "14", "31", "44", "46", "50", "51", "65"}
    text = resources.files("onething.intake").joinpath("gb2260_codes.txt").read_text("utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("中华人民共和国行政区划代码" in line for line in header)
    assert any("scripts/gb2260_table.py" in line for line in header)


def test_a_broken_table_line_is_named():
    with pytest.raises(ValueError, match="line 2: expected code, names, two years"):
        parse_table("110000\t北京市\t\t\n11000\t北京\t\t\n")
    with pytest.raises(ValueError, match="line 1: a year is not a number"):
        parse_table("110000\t北京市\tlate\t\n")


LOC_DAT = """\
# https://zh.wikipedia.org/w/index.php?title=中华人民共和国行政区划代码_(1区)&action=raw
11 province="北京市"
  0000 county="北京市"
  0103 county="[-2010]崇文区"
12 province="天津市"
  0110 county="[-1991]东郊区,[1992-]东丽区"
  0204 county="[1983-1994]东矿区,[1995-2000]古冶区"
"""


def test_the_script_turns_stdnum_data_into_the_table():
    comments, codes = read_codes(LOC_DAT)
    table = parse_table(render(comments, codes))
    assert list(table) == ["110000", "110103", "120110", "120204"]
    assert table["120110"] == AreaCode("120110", ("东郊区", "东丽区"), None, None)
    assert table["120204"] == AreaCode("120204", ("东矿区", "古冶区"), 1983, 2000)
    assert table["110103"].last_year == 2010
