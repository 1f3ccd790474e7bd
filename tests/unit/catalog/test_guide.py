"""The merged guide (spec §4) on a small catalogue whose figures are worked out by hand."""

import pytest

from onething.catalog.guide import (
    AnswerError,
    build_guide,
    find_package,
    parse_answer,
    resolve_answers,
)


def guide_for(catalog, **answers):
    package = catalog.packages["open_shop"]
    return build_guide(catalog, package, answers)


def schedule(guide):
    return [(gi.id, list(gi.after), gi.start_day, gi.finish_day) for gi in guide.items]


def test_every_item_included_runs_along_the_dependencies(small_catalog):
    guide = guide_for(small_catalog, sells_food=True, size="大型")
    assert schedule(guide) == [
        ("reg", [], 0, 0),
        ("food", ["reg"], 0, 9),
        ("fire", ["food"], 9, 19),
        ("sign", ["reg"], 0, 12),
        ("tax", ["fire", "sign"], 19, 19),
    ]
    stats = guide.as_dict()["stats"]
    assert stats == {
        "items": 5,
        "departments": 4,
        "materials_separate": 11,
        "materials_merged": 6,
        "fields_separate": 9,
        "fields_merged": 5,
        "days_serial": 31,
        "days_parallel": 19,
        "trips_separate": 9,
        "trips_package": 1,
    }


def test_materials_merge_by_id_in_order_of_first_appearance(small_catalog):
    guide = guide_for(small_catalog, sells_food=True, size="大型")
    merged = [(m.id, m.copies, m.required, list(m.for_items)) for m in guide.materials]
    assert merged == [
        ("applicant_id", 1, True, ["reg", "food", "fire", "tax"]),
        ("lease", 1, True, ["reg", "sign"]),  # optional for sign, required for reg
        ("food_rules", 1, True, ["food"]),
        ("layout", 2, True, ["food", "fire"]),  # the most copies any item asks
        ("fire_plan", 1, True, ["fire"]),
        ("sign_design", 1, True, ["sign"]),
    ]


def test_fields_merge_once_each_with_the_dictionary_requiredness(small_catalog):
    guide = guide_for(small_catalog, sells_food=True, size="大型")
    fields = [(f.id, f.required, list(f.for_items)) for f in guide.fields]
    assert fields == [
        ("company_name", True, ["reg", "food", "fire", "sign", "tax"]),
        ("legal_person_id", True, ["reg"]),
        ("food_manager", True, ["food"]),
        ("address", True, ["sign"]),
        ("phone", False, ["tax"]),
    ]


def test_an_excluded_item_is_contracted_into_its_predecessors(small_catalog):
    # No food: fire, which came after food, now comes after reg.
    guide = guide_for(small_catalog, sells_food=False, size="大型")
    assert schedule(guide) == [
        ("reg", [], 0, 0),
        ("fire", ["reg"], 0, 10),
        ("sign", ["reg"], 0, 12),
        ("tax", ["fire", "sign"], 12, 12),
    ]


def test_contraction_goes_through_chains_of_excluded_items(small_catalog):
    # Unanswered questions make their conditions false: food and fire both drop,
    # so tax (after fire, after food, after reg) now waits for reg and sign.
    guide = guide_for(small_catalog)
    assert schedule(guide) == [
        ("reg", [], 0, 0),
        ("sign", ["reg"], 0, 12),
        ("tax", ["reg", "sign"], 12, 12),
    ]
    assert guide.stats.days_parallel == 12
    assert guide.answers == {}


def test_material_conditions_follow_the_answers(small_catalog):
    small = guide_for(small_catalog, sells_food=True, size="小型")
    assert "layout" not in [m.id for m in small.materials]
    medium = guide_for(small_catalog, sells_food=True, size="中型")
    layout = next(m for m in medium.materials if m.id == "layout")
    assert (layout.copies, list(layout.for_items)) == (1, ["food"])


def test_every_case_guide_includes_everything(small_catalog):
    package = small_catalog.packages["open_shop"]
    guide = build_guide(small_catalog, package, {}, every_case=True)
    assert [gi.id for gi in guide.items] == ["reg", "food", "fire", "sign", "tax"]
    assert guide.stats.materials_separate == 11
    assert guide.every_case


def test_json_shape_is_the_contract(small_catalog):
    data = guide_for(small_catalog, sells_food=True, size="大型").as_dict()
    assert data["package"] == "open_shop"
    assert data["name"] == "我要开店"
    assert data["answers"] == {"sells_food": True, "size": "大型"}
    item = data["items"][1]
    assert {"id", "name", "department", "promised_days", "after", "start_day", "finish_day"} <= set(
        item
    )
    material = data["materials"][0]
    assert {"id", "name", "copies", "required", "for_items"} <= set(material)
    field = data["fields"][0]
    assert {"id", "label", "type", "required", "for_items"} <= set(field)


class TestAnswers:
    def test_booleans_and_choices_are_typed(self, small_catalog):
        package = small_catalog.packages["open_shop"]
        answers = resolve_answers(package, {"size": "中型", "sells_food": "TRUE"})
        assert answers == {"sells_food": True, "size": "中型"}
        assert list(answers) == ["sells_food", "size"]  # question order

    @pytest.mark.parametrize(
        ("raw", "message"),
        [
            ({"sells_food": "yes"}, "'yes' is not an answer to 'sells_food': use true or false"),
            ({"size": "巨型"}, "'巨型' is not one of the choices of 'size': 小型, 中型, 大型"),
            ({"colour": "red"}, "package 'open_shop' asks no question 'colour'"),
        ],
    )
    def test_bad_answers_name_what_is_wrong(self, small_catalog, raw, message):
        package = small_catalog.packages["open_shop"]
        with pytest.raises(AnswerError, match=message):
            resolve_answers(package, raw)

    def test_unknown_package(self, small_catalog):
        with pytest.raises(AnswerError, match="unknown package 'nope'"):
            find_package(small_catalog, "nope")

    def test_parse_answer_strips_spaces(self, small_catalog):
        question = small_catalog.packages["open_shop"].question("sells_food")
        assert parse_answer(question, " false ") is False
