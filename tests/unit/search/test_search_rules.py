"""Reading a query (pure): cleaning, 繁→简, pinyin, synonyms; and the index of the demo
catalogue answering what people type — names, sentences, pinyin, initials, homophones,
traditional characters — and nothing for nonsense, never an error for any text."""

from functools import cache

import pytest
from hypothesis import given, settings, strategies as st

from onething.catalog.yaml_reader import read_yaml
from onething.search.engine import SearchIndex, build_index, core_name
from onething.search.rules import (
    QUERY_LIMIT,
    clean,
    fuzzy,
    initials_of,
    parse_synonyms,
    split_pinyin,
    to_simplified,
)
from onething.search.services import SHIPPED_SYNONYMS
from tests.catalogs import demo_catalog


@cache
def demo_index() -> SearchIndex:
    synonyms, problems = parse_synonyms(read_yaml(SHIPPED_SYNONYMS.read_text(encoding="utf-8")))
    assert problems == []
    return build_index(demo_catalog(), synonyms)


def first(query: str) -> str | None:
    _understood, hits = demo_index().search(query, 3)
    return hits[0].id if hits else None


def test_clean_keeps_letters_digits_and_chinese_only():
    assert clean("  ＫＡＩ药店！！😀 <b>") == "kai药店 b"
    assert clean("開藥店") == "开药店"
    assert len(clean("药" * 10_000)) == QUERY_LIMIT
    assert clean("' OR 1=1 --") == "or 1 1"


def test_traditional_becomes_simplified():
    assert to_simplified("註銷公司") == "注销公司"


def test_pinyin_splits_into_syllables_and_initials_do_not():
    assert split_pinyin("kaiyaodian") == ["kai", "yao", "dian"]
    assert split_pinyin("xian") == ["xian"]  # fewest syllables
    assert split_pinyin("kyd") is None
    assert initials_of("开药店") == "kyd"


def test_forgiving_sounds():
    assert fuzzy("zhao") == fuzzy("zao") == "zao"
    assert fuzzy("ling") == fuzzy("nin") == "nin"


def test_synonym_file_problems_are_named_and_the_rest_used():
    synonyms, problems = parse_synonyms({"synonyms": {"药铺": "药店", "空": "", 3: ["x"]}})
    assert synonyms.table == {"药铺": ("药店",)}
    assert len(problems) == 2 and any("空" in p for p in problems)
    assert parse_synonyms(["not", "a", "mapping"])[1] == [
        "同义词文件应为 synonyms: {说法: 目录用词} 的形式"
    ]
    assert synonyms.expand("想开个药铺") == ("想开个 药店", [("药铺", "药店")])
    # a phrase the catalogue uses itself is kept beside its synonym
    assert synonyms.expand("想开个药铺", frozenset({"药铺"})) == (
        "想开个 药铺 药店",
        [("药铺", "药店")],
    )


@pytest.mark.parametrize(
    "query",
    [
        "我要开药店",
        "想开个卖药的店",
        "kaiyaodian",
        "kai yao dian",
        "kyd",
        "開藥店",
        "开药电",
        "药铺",
    ],
)
def test_every_way_of_asking_for_a_pharmacy_finds_it_first(query):
    assert first(query) == "open_pharmacy"


def test_sentences_and_synonyms():
    assert first("公司不干了怎么关掉") == "enterprise_deregistration"
    assert first("孩子刚出生要办哪些证") == "newborn"


def test_an_items_name_finds_the_item_and_the_packages_that_contain_it():
    _understood, hits = demo_index().search("食品经营许可", 10)
    assert hits[0].kind == "item" and hits[0].id == "food_business_licence"
    lifted = {h.id: h.why for h in hits if h.kind == "package"}
    assert {"open_pharmacy", "open_restaurant"} <= set(lifted)
    assert lifted["open_pharmacy"] == "包含事项“食品经营许可”"


def test_results_say_why():
    _understood, hits = demo_index().search("kyd", 1)
    assert hits[0].why == "首字母 kyd"
    _understood, hits = demo_index().search("开药电", 1)
    assert hits[0].why == "读音相近：开药电 → 开药店"
    _understood, hits = demo_index().search("開藥店", 1)
    assert hits[0].why.startswith("繁体已按简体查找")
    assert 0 < hits[0].score <= 1


@pytest.mark.parametrize(
    "query", ["", "   ", "😀😀😀", "asdfgh", "今天天气怎么样", "<script>alert(1)</script>",
              "'; DROP TABLE search_storedindex; --", "12345678", "药" * 10_000],
)  # fmt: skip
def test_nonsense_finds_nothing_and_never_fails(query):
    _understood, hits = demo_index().search(query, 10)
    assert hits == [] or query.startswith("药")  # ten thousand 药 may find medicine


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_a_query(text):
    understood, hits = demo_index().search(text, 5)
    assert len(hits) <= 5 and len(understood.text) <= QUERY_LIMIT
    assert all(0 <= h.score <= 1 and h.kind in ("package", "item") for h in hits)


def test_core_names():
    assert core_name("我要开药店") == "开药店"
    assert core_name("药品经营许可证核发（零售）") == "药品经营许可证核发"
