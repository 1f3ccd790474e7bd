"""Licence numbers: their shape, the check character, and stand-in issuer codes."""

import string

import pytest
from hypothesis import given, settings, strategies as st
from stdnum.cn import uscc

from onething.licences.identifiers import (
    PREFIX,
    LicenceNumber,
    NumberError,
    issuer_code_for,
    make_number,
    organisation_check,
    parse_number,
)

ALLOWED = string.digits + string.ascii_uppercase
ISSUER = "91110000600037341L"  # python-stdnum's example of a valid code

type_codes = st.text(alphabet=ALLOWED, min_size=1, max_size=20)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
any_uscc = st.builds(
    lambda head, tail: head + tail + uscc.calc_check_digit(head + tail),
    st.text(alphabet=string.digits, min_size=8, max_size=8),
    st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
)
issuers = any_uscc | st.builds(
    issuer_code_for,
    st.text(alphabet=string.digits, min_size=6, max_size=6),
    st.text(min_size=1, max_size=30),
)
serials = st.integers(min_value=0, max_value=9_999_999)
versions = st.integers(min_value=1, max_value=999)


def test_make_number_lays_out_the_parts() -> None:
    number = make_number("YPJYXKZ", ISSUER, 42, 2)
    assert number.startswith("1.2.156.3005.2.YPJYXKZ.91110000600037341L.0000042.002.")
    assert len(number.rsplit(".", 1)[1]) == 1


def test_parse_reads_back_the_parts() -> None:
    number = make_number("YPJYXKZ", ISSUER, 42)
    parsed = parse_number(number)
    assert parsed == LicenceNumber("YPJYXKZ", ISSUER, 42, 1, number[-1])
    assert parsed.text == number
    assert str(parsed) == number


def test_parse_accepts_spaces_and_lower_case() -> None:
    number = make_number("YPJYXKZ", ISSUER, 7)
    assert parse_number(f"  {number.lower()}\n").text == number


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not a number",
        "1.2.156.3005.2.YPJYXKZ.91110000600037341L.42.001.X",  # serial not 7 digits
        "1.2.156.3005.2.YPJYXKZ.91110000600037341L.0000042.1.X",  # version not 3 digits
        "1.2.156.3005.2.YPJYXKZ.91110000600037341L.0000042.000.X",  # version 0
        "1.2.156.3005.1.YPJYXKZ.91110000600037341L.0000042.001.X",  # wrong prefix
        "1.2.156.3005.2.药品.91110000600037341L.0000042.001.X",
        "1.2.156.3005.2.ABCDEFGHIJKLMNOPQRSTU.91110000600037341L.0000042.001.X",  # type > 20
        "1.2.156.3005.2.YPJYXKZ.91110000600037341L.0000042.001",  # no check character
    ],
)
def test_parse_rejects_a_wrong_shape(text: str) -> None:
    with pytest.raises(NumberError, match=r"^证照编号格式不正确"):
        parse_number(text)


def test_parse_names_a_bad_issuer_code() -> None:
    number = make_number("YPJYXKZ", ISSUER, 42).replace("341L", "342L")
    with pytest.raises(NumberError, match="发证机关统一社会信用代码 91110000600037342L 不正确"):
        parse_number(number)


def test_parse_names_a_wrong_check_character() -> None:
    number = make_number("YPJYXKZ", ISSUER, 42)
    wrong = "0" if number[-1] != "0" else "1"
    with pytest.raises(NumberError, match=r"^校验位不符，证照编号可能输错了$"):
        parse_number(number[:-1] + wrong)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ypjyxkz", ISSUER, 1), "type code"),
        (("", ISSUER, 1), "type code"),
        (("YPJYXKZ", "91110000600037342L", 1), "unified social credit code"),
        (("YPJYXKZ", "9111000060003734", 1), "unified social credit code"),
        (("YPJYXKZ", ISSUER, -1), "serial"),
        (("YPJYXKZ", ISSUER, 10_000_000), "serial"),
        (("YPJYXKZ", ISSUER, 1, 0), "version"),
        (("YPJYXKZ", ISSUER, 1, 1000), "version"),
    ],
)
def test_make_number_rejects_bad_parts(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_number(*args)


@settings(max_examples=1000, deadline=None)
@given(type_codes, issuers, serials, versions, st.data())
def test_any_single_mistyped_character_is_caught(
    type_code: str, issuer: str, serial: int, version: int, data: st.DataObject
) -> None:
    number = make_number(type_code, issuer, serial, version)
    assert parse_number(number).text == number
    positions = [i for i in range(len(PREFIX), len(number)) if number[i] != "."]
    position = data.draw(st.sampled_from(positions))
    typo = data.draw(st.sampled_from(ALLOWED.replace(number[position], "")))
    with pytest.raises(NumberError):
        parse_number(number[:position] + typo + number[position + 1 :])


def test_organisation_check_matches_a_real_code() -> None:
    assert organisation_check("60003734") == "1"  # 60003734-1, inside 91110000600037341L


@given(st.text(alphabet=string.digits, min_size=6, max_size=6), st.text(min_size=1))
def test_issuer_code_for_is_a_valid_government_code(jurisdiction: str, department: str) -> None:
    code = issuer_code_for(jurisdiction, department)
    assert uscc.is_valid(code)
    assert code.startswith(f"11{jurisdiction}")
    assert code[16] == organisation_check(code[8:16])
    assert issuer_code_for(jurisdiction, department) == code


def test_issuer_code_for_tells_departments_apart() -> None:
    assert issuer_code_for("141100", "market_regulation") != issuer_code_for("141100", "health")
    assert issuer_code_for("141100", "health") != issuer_code_for("141102", "health")


@pytest.mark.parametrize(
    ("jurisdiction", "department"), [("14110", "x"), ("14110A", "x"), ("141100", "")]
)
def test_issuer_code_for_rejects_bad_input(jurisdiction: str, department: str) -> None:
    with pytest.raises(ValueError):
        issuer_code_for(jurisdiction, department)


def test_every_single_substitution_of_one_number_is_caught() -> None:
    number = make_number("YPJYXKZ", ISSUER, 42)
    for position in range(len(PREFIX), len(number)):
        if number[position] == ".":
            continue
        for typo in ALLOWED.replace(number[position], ""):
            with pytest.raises(NumberError):
                parse_number(number[:position] + typo + number[position + 1 :])
