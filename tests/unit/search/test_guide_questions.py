"""智能问答 (pure): the six questions recognised however they are worded, answered from
the guide for the answers given so far, each citing the guide's section."""

import pytest

from onething.catalog.guide import build_guide
from onething.search.questions import INTENT_LABELS, answer, clean_question, intent_of
from tests.catalogs import demo_catalog


def pharmacy_guide(**answers):
    catalog = demo_catalog()
    return build_guide(catalog, catalog.packages["open_pharmacy"], answers)


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("要带什么材料", "materials"),
        ("需要准备哪些资料？", "materials"),
        ("多久能办好", "time"),
        ("几天能办完", "time"),
        ("要收费吗", "fee"),
        ("办这个要花多少钱", "fee"),
        ("在哪里办", "where"),
        ("去哪个部门", "where"),
        ("能网上办吗", "online"),
        ("手機上能辦嗎", "online"),  # traditional
        ("需要跑几次", "trips"),
        ("要跑几趟", "trips"),
        ("可以带狗吗", None),
        ("营业执照上的名称怎么起", None),
    ],
)
def test_questions_are_recognised(question, intent):
    assert intent_of(question) == intent


def test_every_suggested_question_is_its_own_intent():
    assert {intent_of(label) for label in INTENT_LABELS.values()} == set(INTENT_LABELS)


def test_materials_follow_the_answers_and_cite_the_materials_section():
    plain = answer(pharmacy_guide(), "materials")
    with_food = answer(pharmacy_guide(sells_food=True), "materials")
    assert plain.section.anchor == "materials-title" and plain.section.title == "申请材料"
    assert "11 份材料" in plain.text and "法定代表人（负责人）身份证明" in plain.text
    assert with_food.text != plain.text  # selling food asks for more


def test_time_fee_trips_online_and_where_come_from_the_guide():
    guide = pharmacy_guide()
    stats = guide.stats
    assert f"{stats.days_parallel} 个工作日" in answer(guide, "time").text
    assert answer(guide, "fee").text.startswith("不收费")
    assert f"最多跑 {stats.trips_package} 次" in answer(guide, "trips").text
    assert "在线申报" in answer(guide, "online").text
    where = answer(guide, "where")
    assert "综合窗口" in where.text and "市场监督管理局" in where.text
    assert answer(guide, "time").section.title == "一次告知"


def test_a_question_is_kept_as_plain_text():
    assert clean_question("  <b>要带\x00什么</b>材料 " * 40).startswith("b 要带 什么 /b 材料")
    assert len(clean_question("问" * 1000)) == 200
