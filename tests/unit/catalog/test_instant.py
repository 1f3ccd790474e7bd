"""秒批 rules and 网办深度 in the catalogue: reading, `catalog check`'s messages, and the
rule evaluation's trace (properties with hypothesis)."""

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from onething.catalog.instant import (
    COMPARISONS,
    FieldTest,
    InstantRules,
    MaterialLevel,
    default_depth,
    evaluate,
    parse_rules,
)
from onething.catalog.loading import validate_document
from tests.catalogs import changed, problems_of

TYPES = {"area": "number", "staff": "integer", "name": "text", "kind": "choice"}
LABELS = {"area": "面积", "staff": "人数", "name": "名称", "kind": "类型"}
GOOD = [MaterialLevel("身份证", "A"), MaterialLevel("健康证明", "B")]


def with_rules(instant=None, fields=("company_name", "area"), **item):
    def edit(document):
        document["fields"].append({"id": "area", "label": "面积", "type": "number"})
        document["fields"].append({"id": "phone", "label": "电话", "type": "phone"})
        first = document["items"][0]
        first["fields"] = list(fields)
        first.update(item)
        if instant is not None:
            first["instant"] = instant

    return changed(edit)


def test_the_rules_are_read_into_the_item():
    result = validate_document(with_rules({"basis": "条例", "when": {"area": {"<=": 50}}}))
    assert result.ok, result.problems
    rules = result.catalog.items["business_registration"].instant
    assert rules == InstantRules((FieldTest("area", "<=", ("50",)),), "条例")
    assert result.catalog.items["drug_retail_licence"].instant is None


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        ({"when": {"nope": 3}}, "items[business_registration].instant.when.nope: unknown field"),
        (
            {"when": {"area": {"=<": 3}}},
            "items[business_registration].instant.when.area: unknown operator '=<'",
        ),
        (
            {"when": {"company_name": {"<": 3}}},
            "items[business_registration].instant.when.company_name: '<' compares numbers",
        ),
        ({"when": {"area": {"<": "x"}}}, "items[business_registration].instant.when.area: '<'"),
        ({"when": {"area": {"<": 1, ">": 0}}}, "items[business_registration].instant.when.area:"),
        ({"when": {"area": None}}, "items[business_registration].instant.when.area: a value"),
        ({"when": [1]}, "items[business_registration].instant.when: must be a mapping"),
        ("yes", "items[business_registration].instant: must be a mapping"),
        ({"whn": {}}, "items[business_registration].instant.whn: unknown key"),
        (
            {"when": {"phone": "13900000000"}},
            "items[business_registration].instant.when.phone: field 'phone' is personal data",
        ),
    ],
)
def test_catalog_check_refuses_bad_rules(instant, expected):
    problems = problems_of(with_rules(instant))
    assert any(p.startswith(expected) for p in problems), problems


def test_a_rule_on_a_field_the_item_does_not_ask_is_refused():
    problems = problems_of(with_rules({"when": {"area": {"<=": 5}}}, fields=("company_name",)))
    assert any("field 'area' is not on this item's form" in p for p in problems), problems


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"online_depth": "full", "trips": 2}, "trips must be 0, not 2"),
        ({"online_depth": "one_trip", "trips": 3}, "trips must be 1, not 3"),
        ({"online_depth": "window", "trips": 0, "online": True}, "its depth is full"),
        ({"online_depth": "online"}, "'online' is not one of full, one_trip, window"),
    ],
)
def test_catalog_check_refuses_a_depth_that_contradicts_the_trips(item, expected):
    problems = problems_of(with_rules(**item))
    assert any(
        p.startswith("items[business_registration].online_depth:") and expected in p
        for p in problems
    ), problems


def test_the_depth_defaults_from_the_trips():
    assert [default_depth(t, False) for t in (0, 1, 2, 5)] == [
        "full",
        "one_trip",
        "window",
        "window",
    ]
    assert default_depth(3, True) == "full"
    result = validate_document(with_rules(online_depth="one_trip", trips=1))
    assert result.catalog.items["business_registration"].depth == "one_trip"
    assert result.catalog.items["drug_retail_licence"].depth_label == "窗口办理"


def test_the_demo_food_shop_declares_its_rules(demo_catalog):
    item = demo_catalog.items["small_food_shop_filing"]
    assert item.depth == "full" and item.instant is not None
    assert item.instant.tests == (FieldTest("operating_area", "<=", ("50",)),)


# -- evaluation


def test_every_rule_held_says_why():
    rules = InstantRules((FieldTest("area", "<=", ("50",)), FieldTest("kind", None, ("小",))))
    trace = evaluate(rules, GOOD, {}, {"area": "50", "kind": "小"}, LABELS)
    assert trace.held
    assert [(r.rule, r.held, r.why) for r in trace.results] == [
        ("materials", True, "2 项材料均为A/B级"),
        ("form", True, "各栏目均符合要求"),
        ("area", True, "面积为50"),
        ("kind", True, "类型为“小”"),
    ]
    assert trace.as_data()["rules"][2]["text"] == "面积不超过50"


def test_each_failing_rule_is_named_in_chinese():
    rules = InstantRules((FieldTest("area", "<=", ("50",)),))
    materials = [
        MaterialLevel("身份证", "A"),
        MaterialLevel("健康证明", "C"),
        MaterialLevel("场所证明", "D"),
        MaterialLevel("布局图", ""),
        MaterialLevel("选交材料", "", required=False),
    ]
    trace = evaluate(rules, materials, {"name": "名称：必填"}, {"area": "abc"}, LABELS)
    assert not trace.held
    why = {r.rule: r.why for r in trace.failed()}
    assert why["materials"] == (
        "“健康证明”为C级，原件尚未核验；“场所证明”为告知承诺（D级），须人工审查；“布局图”尚未提交"
    )
    assert why["form"] == "名称：必填"
    assert why["area"] == "面积未填写或不是数字"


numbers = st.decimals(min_value=-(10**6), max_value=10**6, allow_nan=False, places=2)


@given(value=numbers, bound=st.integers(-1000, 1000), op=st.sampled_from(COMPARISONS))
def test_a_comparison_holds_exactly_when_python_says_so(value, bound, op):
    rules, _ = parse_rules({"when": {"area": {op: bound}}}, TYPES)
    trace = evaluate(rules, GOOD, {}, {"area": str(value)}, LABELS)
    expected = {
        "<": value < bound,
        "<=": value <= bound,
        ">": value > bound,
        ">=": value >= bound,
        "==": value == Decimal(bound),
        "!=": value != Decimal(bound),
    }[op]
    assert trace.held is expected
    assert trace.results[-1].held is expected


@given(
    levels=st.lists(st.sampled_from(["A", "B", "C", "D", ""]), max_size=6),
    errors=st.dictionaries(st.sampled_from(list(LABELS)), st.text(min_size=1), max_size=2),
)
def test_the_trace_holds_only_when_every_rule_does(levels, errors):
    materials = [MaterialLevel(f"材料{i}", level) for i, level in enumerate(levels)]
    trace = evaluate(InstantRules(), materials, errors, {}, LABELS)
    assert trace.held == (all(level in "AB" and level for level in levels) and not errors)
    assert trace.held == all(r.held for r in trace.results)
    assert len(trace.failed()) == (not trace.results[0].held) + (not trace.results[1].held)


@given(
    raw=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(max_size=5), children, max_size=3)
        ),
        max_leaves=12,
    )
)
def test_any_rules_value_is_read_or_refused_never_raises(raw):
    rules, problems = parse_rules(raw, TYPES)
    assert (rules is None) or not problems
    if rules is not None:
        trace = evaluate(rules, GOOD, {}, {}, LABELS)
        assert len(trace.results) == 2 + len(rules.tests)
