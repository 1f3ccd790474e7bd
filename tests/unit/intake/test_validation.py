"""Server-side validation of the one form: clear Chinese messages naming the field."""

from datetime import date

import pytest

from onething.catalog.guide import GuideField
from onething.intake.validation import validate_form


def field(kind, required=True, choices=()):
    return GuideField("f", "字段", kind, required, (), choices)


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("id_card", "142331198503151232", "校验码不正确"),
        ("id_card", "14233119850315123", "应为 18 位"),
        ("id_card", "141102209912310018", "出生日期"),
        ("uscc", "91141102MA0K5R2C1A", "校验码不正确"),
        ("uscc", "9114", "应为 18 位"),
        ("phone", "1234", "手机号码"),
        ("email", "no-at-sign", "电子邮箱格式不正确"),
        ("integer", "3.5", "请填写整数"),
        ("number", "abc", "请填写数字"),
        ("date", "2026/11/23", "年-月-日"),
        ("choice", "丁", "请从选项中选择"),
        ("address", "吕梁", "详细地址"),
    ],
)
def test_bad_values_are_named(kind, value, message):
    result = validate_form([field(kind, choices=("甲", "乙"))], {"f": value}, date(2026, 11, 23))
    assert (
        not result.ok and result.errors["f"].startswith("字段：") and message in result.errors["f"]
    )


@pytest.mark.parametrize(
    ("kind", "value", "clean"),
    [
        ("id_card", "142331198503151231", "142331198503151231"),
        ("uscc", "91141102ma0k5r2c1k", "91141102MA0K5R2C1K"),
        ("phone", "139 3581 2345", "13935812345"),
        ("phone", "0358-8253111", "0358-8253111"),
        ("boolean", "是", "true"),
        ("date", "2026-11-23", "2026-11-23"),
    ],
)
def test_good_values_are_normalised(kind, value, clean):
    result = validate_form([field(kind)], {"f": value}, date(2026, 11, 23))
    assert result.ok and result.clean["f"] == clean


def test_every_error_at_once_and_optional_fields_may_be_empty():
    fields = [
        GuideField("a", "甲", "text", True, ()),
        GuideField("b", "乙", "phone", True, ()),
        GuideField("c", "丙", "email", False, ()),
    ]
    result = validate_form(fields, {"b": "1"})
    assert result.errors == {"a": "甲：必填", "b": "乙：请填写 11 位手机号码或带区号的固定电话"}


def test_ranges_lengths_and_a_birth_date_ahead_of_today():
    from datetime import date

    from onething.catalog.guide import GuideField
    from onething.intake.validation import validate_form

    fields = [
        GuideField("pharmacists", "执业药师人数", "integer", True, ("x",), min=1, max=100),
        GuideField("area", "经营面积（平方米）", "number", True, ("x",), min=1),
        GuideField("sign", "招牌文字内容", "text", True, ("x",), max_length=10),
        GuideField("person", "法定代表人身份证号", "id_card", True, ("x",)),
    ]
    data = {
        "pharmacists": "0",
        "area": "0.5",
        "sign": "一二三四五六七八九十十一",
        "person": "110101203001010014",  # born 2030-01-01: a valid number, but not yet
    }
    errors = validate_form(fields, data, date(2026, 11, 23)).errors
    assert errors == {
        "pharmacists": "执业药师人数：不能小于 1",
        "area": "经营面积（平方米）：不能小于 1",
        "sign": "招牌文字内容：不能超过 10 个字（现有 12 个）",
        "person": "法定代表人身份证号：出生日期不能晚于今天",
    }
    assert (
        validate_form(fields, {**data, "pharmacists": "101"}, date(2026, 11, 23)).errors[
            "pharmacists"
        ]
        == "执业药师人数：不能大于 100"
    )
