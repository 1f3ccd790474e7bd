"""事项编制's pure rules: differences in words, conditions as text, problems at fields."""

from hypothesis import given, strategies as st

from onething.editing.rules import (
    differences,
    format_condition,
    in_chinese,
    parse_condition,
    problems_by_field,
)

ITEM = {
    "id": "drug",
    "name": "药品零售许可",
    "promised_days": 15,
    "legal_days": 20,
    "levels": ["city"],
    "materials": [{"material": "licence"}],
}


def told(old, new, names=None):
    return [d.text for d in differences(old, new, names)]


def test_a_changed_promised_time_in_words():
    new = {**ITEM, "promised_days": 10}
    assert told({"items": [ITEM]}, {"items": [new]}) == [
        "事项 药品零售许可：承诺时限 15 → 10 个工作日"
    ]


def test_materials_added_and_removed_by_name():
    new = {**ITEM, "materials": [{"material": "layout", "copies": 2}]}
    names = {"licence": "营业执照", "layout": "平面图"}
    assert told({"items": [ITEM]}, {"items": [new]}, names) == [
        "事项 药品零售许可：新增申请材料 平面图；删除申请材料 营业执照"
    ]


def test_objects_added_and_removed():
    old = {"materials": [{"id": "a", "name": "甲"}]}
    new = {"materials": [{"id": "b", "name": "乙"}]}
    assert told(old, new) == ["新增材料 乙", "删除材料 甲"]


def test_levels_and_kinds_in_chinese():
    new = {**ITEM, "levels": ["city", "county"], "kind": "promise"}
    assert told({"items": [ITEM]}, {"items": [new]}) == [
        "事项 药品零售许可：实施层级 市级 → 市级、县级；办件类型 （无） → 承诺件"
    ]


answers = st.one_of(
    st.booleans(), st.sampled_from(["大型", "中型", "新建，投资30万元以下或面积300平方米以下"])
)


@given(
    st.dictionaries(
        st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True),
        st.one_of(answers, st.lists(answers, min_size=2, max_size=3)),
        max_size=3,
    )
)
def test_a_condition_reads_back_from_its_text(when):
    assert parse_condition(format_condition(when)) == when


def test_a_condition_that_is_not_one_says_how_to_write_it():
    assert "应写成 问题=取值" in parse_condition("sells_food")


def test_problems_go_to_the_nearest_input():
    problems = [
        ("items[drug].promised_days", "16 is above legal_days 15: the promised time limit ..."),
        ("items[drug].materials[1].when.q", "unknown question 'q'"),
        ("items[other].name", "missing"),
        ("items[drug]", "something about the whole"),
    ]
    fields = ["promised_days", "materials[1]", "materials[1].when"]
    found = problems_by_field(problems, "items", "drug", fields)
    assert found["promised_days"] == ["承诺时限 16 个工作日超过了法定时限 15 个工作日"]
    assert found["materials[1].when"] == ["没有情形问题“q”"]
    assert found[""] == ["something about the whole"]
    assert "name" not in found


def test_unknown_messages_stay_as_they_are():
    assert in_chinese("dependency cycle a -> b -> a") == "前置事项形成循环：a -> b -> a"
    assert in_chinese("something new") == "something new"
