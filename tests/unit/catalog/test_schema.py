"""The catalogue's shape declared once (catalog/schema.py): what the pydantic models accept,
how their errors read, and what the loader decides since it uses them (issue 13, point 6)."""

import copy

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from onething.catalog.loading import validate_document
from onething.catalog.schema import (
    CatalogDocument,
    DepartmentEntry,
    ExpertReviewEntry,
    FieldEntry,
    ItemEntry,
    ItemMaterialEntry,
    JurisdictionEntry,
    LicenceTypeEntry,
    MaterialEntry,
    PackageEntry,
    PackageItemEntry,
    QuestionEntry,
)
from tests.catalogs import BASE, changed, json_values, places_in, problems_of

from .strategies import catalog_documents


def loaded(edit):
    result = validate_document(changed(edit))
    assert result.ok, result.problems
    return result


def test_each_entry_kind_knows_the_contract_keys_and_the_extensions():
    assert {
        model.__name__: set(model.model_fields)
        for model in (
            JurisdictionEntry,
            DepartmentEntry,
            MaterialEntry,
            FieldEntry,
            ItemMaterialEntry,
            QuestionEntry,
            PackageItemEntry,
            LicenceTypeEntry,
            ExpertReviewEntry,
        )
    } == {
        "JurisdictionEntry": {"code", "name", "level", "parent"},
        "DepartmentEntry": {"id", "name", "description"},
        "MaterialEntry": {"id", "name", "evidence", "note", "commitment", "generated"},
        "FieldEntry": {"id", "label", "type", "choices", "required", "help", "group"}
        | {"min", "max", "max_length"},
        "ItemMaterialEntry": {"material", "copies", "required", "when"},
        "QuestionEntry": {"id", "text", "type", "choices", "help"},
        "PackageItemEntry": {"item", "after", "when"},
        "LicenceTypeEntry": {"id", "name", "code", "holder", "valid_years", "fields"},
        "ExpertReviewEntry": {"id", "name", "department", "days", "fee_base"}
        | {"fee_per_project", "basis", "description"},
    }
    assert set(ItemEntry.model_fields) >= {"code", "fee", "basis", "online", "description"}
    assert "expert_review" in ItemEntry.model_fields
    assert set(PackageEntry.model_fields) >= {"audience", "keywords", "trips", "description"}
    assert set(PackageEntry.model_fields) >= {"project_type", "bundle"}
    assert set(CatalogDocument.model_fields) == {
        "version",
        "jurisdictions",
        "departments",
        "materials",
        "fields",
        "items",
        "packages",
        "licence_types",
        "expert_reviews",
    }


def test_short_forms_are_read_as_their_long_forms():
    def short(d):
        d["items"][0]["materials"] = ["applicant_id"]
        d["items"][0]["levels"] = "city"
        d["items"][0]["basis"] = "《药品管理法》"
        d["items"][0]["conditions"] = "有经营场所"
        d["packages"][0]["keywords"] = "药店"
        d["packages"][0]["items"] = [
            "business_registration",
            {"item": "drug_retail_licence", "after": "business_registration"},
        ]

    catalog = loaded(short).catalog
    item = catalog.items["business_registration"]
    assert (item.levels, item.basis, item.conditions) == (
        ("city",),
        ("《药品管理法》",),
        ("有经营场所",),
    )
    assert (item.materials[0].material, item.materials[0].copies) == ("applicant_id", 1)
    package = catalog.packages["open_pharmacy"]
    assert package.keywords == ("药店",)
    assert [(pi.item, pi.after) for pi in package.items] == [
        ("business_registration", ()),
        ("drug_retail_licence", ("business_registration",)),
    ]


def test_numbers_as_yaml_writes_them():
    def numbers(d):
        d["items"][1].update(trips=2.0, legal_days=20.0, fee=12.5)
        d["items"][1]["materials"][0]["copies"] = 2.0
        d["jurisdictions"][0]["code"] = 140000  # an unquoted code
        d["jurisdictions"][1]["parent"] = 140000
        d["packages"][0]["questions"][1]["choices"] = [1, 2]
        d["packages"][0]["items"][1]["when"] = {"size": 2}

    catalog = loaded(numbers).catalog
    item = catalog.items["drug_retail_licence"]
    assert (item.trips, item.legal_days, item.fee, item.materials[0].copies) == (2, 20, 12.5, 2)
    assert type(item.trips) is int and type(item.materials[0].copies) is int
    assert catalog.jurisdictions["141100"].parent == "140000"
    assert catalog.packages["open_pharmacy"].items[1].when == {"size": ("2",)}
    assert (
        "whole number, not 2.5"
        in problems_of(changed(lambda d: d["items"][1]["materials"][0].update(copies=2.5)))[0]
    )


def test_null_is_as_if_the_key_were_absent():
    """A key written with no value (`fee:` or `fee: null`) takes its default or is
    missing; before, a null id or version was "not nothing" (a different message)."""
    result = loaded(lambda d: d["items"][1].update(fee=None, online=None, basis=None))
    assert result.catalog.items["drug_retail_licence"].fee == 0
    assert problems_of(changed(lambda d: d.update(version=None))) == [
        "version: missing (the format version, 1)"
    ]
    assert problems_of(changed(lambda d: d["departments"][1].update(id=None))) == [
        "departments[1].id: missing",
        "items[drug_retail_licence].department: unknown department 'mpa'",
    ]
    # a choice field's `choices: null` was accepted with no choices at all
    assert problems_of(
        changed(
            lambda d: d["fields"].append(
                {"id": "kind", "label": "类型", "type": "choice", "choices": None}
            )
        )
    ) == ["fields[kind].choices: missing: a choice field needs its choices"]
    # an unknown key is a warning whatever its value
    assert [str(w) for w in loaded(lambda d: d.update(comment=None)).warnings] == [
        "comment: unknown key (ignored)"
    ]


def test_levels_name_the_allowed_levels():
    """A level that is not one is named as such (before: "not a valid id" for 'City')."""
    assert problems_of(changed(lambda d: d["items"][0].update(levels=["City", "county"]))) == [
        "items[business_registration].levels[0]: 'City' is not one of "
        "province, city, county, township, village"
    ]
    assert problems_of(changed(lambda d: d["items"][0].update(levels=[]))) == [
        "items[business_registration].levels: must name at least one level"
    ]


def test_optional_keys_have_their_types_too():
    """Declared once, an optional key is checked wherever it appears: a department's
    `description` (ignored before) must be text, and a text field's `min` must be a
    number even though it is ignored (before: only the warning)."""
    assert problems_of(changed(lambda d: d["departments"][0].update(description=5))) == [
        "departments[amr].description: must be non-empty text, not 5"
    ]
    result = validate_document(changed(lambda d: d["fields"][0].update(min="abc")))
    assert [str(p) for p in result.problems] == [
        "fields[company_name].min: must be a number, not 'abc'"
    ]
    assert [str(w) for w in result.warnings] == [
        "fields[company_name].min: ignored: the field's type is text, not a number"
    ]


def test_an_entry_with_shape_problems_still_has_its_references_checked():
    def break_item(d):
        d["items"][1].update(trips="two", department="nope")
        d["items"][1]["materials"].append({"material": "passport", "copies": 0})
        d["packages"][0]["items"][1].update(after=["business_registration", 7, "ghost"])

    assert problems_of(changed(break_item)) == [
        "items[drug_retail_licence].trips: must be a whole number, not 'two'",
        "items[drug_retail_licence].materials[1].copies: must be at least 1, not 0",
        "items[drug_retail_licence].department: unknown department 'nope'",
        "items[drug_retail_licence].materials[1].material: unknown material 'passport'",
        "packages[open_pharmacy].items[1].after[1]: must be an id (a-z, 0-9 and _), not 7",
        "packages[open_pharmacy].items[1].after[2]: unknown item 'ghost'",
    ]


def test_a_condition_with_a_wrong_key_still_has_its_other_questions_checked():
    problems = problems_of(
        changed(
            lambda d: d["packages"][0]["items"][1].update(
                when={"Sells Food": True, "ghost": True, "size": []}
            )
        )
    )
    assert problems == [
        "packages[open_pharmacy].items[1].when: 'Sells Food' is not a question id",
        "packages[open_pharmacy].items[1].when.size: an empty list of values can never hold",
        "packages[open_pharmacy].items[1].when.ghost: unknown question 'ghost'",
    ]


def test_problems_come_in_the_order_of_the_file():
    """Entry by entry, each list in the file's order: an entry's shape problems, then
    what the checks across entries find (before: all shape problems first)."""

    def break_many(d):
        d["packages"][0]["items"][1]["after"] = ["ghost"]
        d["items"][0]["department"] = "nope"
        d["items"][1]["kind"] = "later"
        d["fields"][0]["type"] = "colour"
        d["version"] = 3

    assert [p.split(":")[0] for p in problems_of(changed(break_many))] == [
        "version",
        "fields[company_name].type",
        "items[business_registration].department",
        "items[drug_retail_licence].kind",
        "packages[open_pharmacy].items[1].after[0]",
    ]


def test_unknown_keys_of_nested_entries_are_warnings():
    def extend(d):
        d["items"][0]["materials"][0]["colour"] = "red"
        d["packages"][0]["questions"][0]["colour"] = "red"
        d["packages"][0]["items"][0]["colour"] = "red"
        d["x_tool"] = {"any": "thing"}

    assert [str(w) for w in loaded(extend).warnings] == [
        "x_tool: unknown key (ignored)",
        "items[business_registration].materials[0].colour: unknown key (ignored)",
        "packages[open_pharmacy].questions[0].colour: unknown key (ignored)",
        "packages[open_pharmacy].items[0].colour: unknown key (ignored)",
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalog_documents(max_items=4), st.data())
def test_every_message_is_ours_not_pydantics(document, data):
    """Whatever is broken, no pydantic wording ("Input should be …") reaches the editor."""
    document = copy.deepcopy(document)
    places = list(places_in(document))
    for _ in range(data.draw(st.integers(1, 3))):
        container, key = data.draw(st.sampled_from(places))
        container[key] = data.draw(json_values)
    for problem in validate_document(document).problems:
        assert "Input should" not in problem.message and "[type=" not in problem.message
        assert problem.path and problem.message


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (None, "(document): the catalogue must be a mapping of sections, not nothing"),
        ({"version": 1, "items": "x"}, "items: must be a list, not 'x'"),
        ({"version": 1, "items": [{"id": "a", "materials": {"a": 1}}]}, "items[a].materials"),
    ],
)
def test_the_shape_of_the_sections(document, expected):
    assert any(p.startswith(expected) for p in problems_of(document))


def test_the_base_document_is_not_changed_by_loading():
    document = copy.deepcopy(BASE)
    document["items"][0]["fee"] = None
    before = copy.deepcopy(document)
    validate_document(document)
    assert document == before
