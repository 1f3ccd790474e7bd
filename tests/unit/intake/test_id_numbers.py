"""居民身份证号码 (GB 11643): every real number can file, whatever became of its area code."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from onething.catalog.guide import GuideField
from onething.intake.areas import all_area_codes
from onething.intake.validation import check_value

TODAY = date(2026, 12, 4)
ID_FIELD = GuideField("person", "身份证号码", "id_card", True, ())
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643 table 1


def with_check_digit(first17: str) -> str:
    """The 18-digit number: ISO 7064 MOD 11-2, written out as GB 11643 gives it."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def id_number(area: str, born: str, order: str = "123") -> str:
    return with_check_digit(area + born + order)


def problem(text: str) -> str | None:
    return check_value(ID_FIELD, text, TODAY)[0]


@pytest.mark.parametrize(
    ("area", "born", "where"),
    [
        ("110103", "19350618", "北京 崇文区, abolished in 2010, 1930s"),
        ("510202", "19480203", "重庆 市中区 under 四川 (5102xx until 1997), 1940s"),
        ("442101", "19560907", "海口市 under 广东 before 海南 became a province in 1988"),
        ("442100", "19620115", "海南行政区, a code of the 地区 level"),
        ("310102", "19690725", "上海 南市区, abolished in 2000, 1960s"),
        ("152101", "19741130", "内蒙古 海拉尔市 of 呼伦贝尔盟, a 盟 until 2001"),
        ("142301", "19800101", "孝义市: the code dates from 1992, the holder from 1980"),
        ("342400", "19930512", "安徽 六安地区, a 1990s 地区 code (until 1999)"),
        ("142302", "19971009", "吕梁地区 离石市, 1996–2003"),
        ("110104", "20050301", "北京 宣武区, abolished in 2010, 2000s"),
        ("500103", "20150620", "重庆 渝中区, a municipality since 1997, 2010s"),
        ("650102", "20190101", "新疆 乌鲁木齐 天山区"),
        ("110100", "19880808", "北京 市辖区: registered at the 市辖区 level, xx01xx"),
        ("460000", "19900101", "海南省, a province-level code"),
    ],
)
def test_real_numbers_of_every_decade_and_place_are_accepted(area, born, where):
    number = id_number(area, born)
    assert problem(number) is None, where


def test_the_number_stdnum_refused_is_accepted():
    # stdnum demanded that 142301 (孝义市, 1992–2003) existed at the 1980 birth date
    assert check_value(ID_FIELD, "142301198001011230", TODAY) == (None, "142301198001011230")


def test_lower_case_x_and_spaces_are_normalised():
    number = next(
        n
        for n in (id_number("110101", "19900101", f"{k:03}") for k in range(99))
        if n.endswith("X")
    )
    spaced = f"{number[:6]} {number[6:14]} {number[14:].lower()}"
    assert check_value(ID_FIELD, spaced, TODAY) == (None, number)
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert check_value(ID_FIELD, full_width, TODAY) == (None, number)


def test_a_wrong_check_digit_is_named_first():
    number = id_number("142301", "19800230")  # an impossible date, too
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert problem(wrong) == "校验码不正确，请核对最后一位"


@pytest.mark.parametrize(
    ("born", "message"),
    [
        ("19800230", "出生日期 19800230 不是有效日期"),
        ("19801301", "出生日期 19801301 不是有效日期"),
        ("00000000", "出生日期 00000000 不是有效日期"),
        ("20261205", "出生日期不能晚于今天"),
        ("20300101", "出生日期不能晚于今天"),
        ("18891231", "出生日期 18891231 不是有效日期（早于 1890 年）"),
    ],
)
def test_birth_dates_that_cannot_be(born, message):
    assert problem(id_number("142301", born)) == message


def test_born_today_is_accepted():
    assert problem(id_number("142301", TODAY.strftime("%Y%m%d"))) is None


@pytest.mark.parametrize("area", ["000000", "991234", "110199", "142399"])
def test_codes_that_never_existed_are_refused(area):
    assert problem(id_number(area, "19800101")) == f"前六位地区码 {area} 不是有效的行政区划代码"


def test_the_birth_date_is_named_before_the_area_code():
    assert problem(id_number("991234", "19800230")) == "出生日期 19800230 不是有效日期"


def test_the_field_label_prefixes_the_message():
    from onething.intake.validation import validate_form

    result = validate_form([ID_FIELD], {"person": id_number("991234", "19800101")}, TODAY)
    assert result.errors == {"person": "身份证号码：前六位地区码 991234 不是有效的行政区划代码"}


# --- properties --------------------------------------------------------------------------

codes = st.sampled_from(all_area_codes())
past_dates = st.dates(min_value=date(1890, 1, 1), max_value=TODAY)
orders = st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03}")


@given(codes, past_dates, orders)
def test_any_code_with_any_past_date_is_accepted(area, born, order):
    number = id_number(area, born.strftime("%Y%m%d"), order)
    assert check_value(ID_FIELD, number, TODAY) == (None, number)


@given(codes, past_dates, orders, st.integers(min_value=0, max_value=17), st.integers(1, 10))
def test_changing_any_one_character_is_refused(area, born, order, position, shift):
    number = id_number(area, born.strftime("%Y%m%d"), order)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    changed_to = alphabet[(alphabet.index(number[position]) + shift) % len(alphabet)]
    if changed_to == number[position]:  # shift 10 of ten digits: the same digit
        changed_to = alphabet[(alphabet.index(number[position]) + 1) % len(alphabet)]
    changed = number[:position] + changed_to + number[position + 1 :]
    assert problem(changed) == "校验码不正确，请核对最后一位"


@given(st.dates(min_value=TODAY + timedelta(days=1), max_value=date(2999, 12, 31)))
def test_any_future_birth_date_is_refused(born):
    assert problem(id_number("110101", born.strftime("%Y%m%d"))) == "出生日期不能晚于今天"


def test_residence_permits_of_hong_kong_macau_and_taiwan_residents_are_accepted():
    # 港澳台居民居住证 numbers begin 810000, 820000 or 830000 (国办发〔2018〕81号)
    for code in ("810000", "820000", "830000"):
        assert problem(id_number(code, "19900101")) is None, code
