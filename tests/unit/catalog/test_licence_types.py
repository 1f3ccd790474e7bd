"""The optional `licence_types` section (电子证照目录): what a certificate is called, its
type code, validity and the data printed on it."""

import copy

from onething.catalog.loading import validate_document
from tests.catalogs import BASE


def with_types(*types, issues="business_licence"):
    document = copy.deepcopy(BASE)
    document["items"][0]["issues"] = issues
    document["licence_types"] = list(types)
    return document


def test_a_licence_type_is_read_with_its_defaults():
    result = validate_document(
        with_types(
            {"id": "business_licence", "name": "营业执照", "fields": ["company_name"]},
            {"id": "drug_licence", "name": "药品经营许可证", "code": "YPJY", "valid_years": 5},
        )
    )
    assert result.ok, result.problems
    licence = result.catalog.licence_types["business_licence"]
    assert (licence.name, licence.code, licence.holder) == (
        "营业执照",
        "BUSINESSLICENCE",
        "enterprise",
    )
    assert licence.valid_years is None and licence.fields == ("company_name",)
    assert result.catalog.licence_types["drug_licence"].valid_years == 5
    item = result.catalog.items["business_registration"]
    assert result.catalog.licence_type_of(item) is licence


def test_an_item_issuing_an_undescribed_type_gets_one_named_after_it():
    result = validate_document(with_types(issues="shop_sign"))
    assert result.ok and not result.warnings
    item = result.catalog.items["business_registration"]
    licence = result.catalog.licence_type_of(item)
    assert licence.name == item.name and licence.code == "SHOPSIGN"
    assert licence.valid_years is None and licence.fields == item.fields


def test_bad_licence_types_are_reported_with_their_paths():
    result = validate_document(
        with_types(
            {"id": "a", "name": "甲", "code": "lower-case", "valid_years": 0, "fields": ["nope"]},
            {"id": "a", "name": "重复"},
            {"id": "b", "name": "乙", "holder": "robot", "colour": "red"},
        )
    )
    problems = {str(p) for p in result.problems}
    assert (
        "licence_types[a].code: must be 1-20 capital letters or digits, not 'lower-case'"
        in problems
    )
    assert "licence_types[a].valid_years: must be at least 1, not 0" in problems
    assert "licence_types[a].fields[0]: unknown field 'nope'" in problems
    assert any(p.startswith("licence_types[1].id: duplicate id 'a'") for p in problems)
    assert "licence_types[b].holder: 'robot' is not one of enterprise, person" in problems
    assert "licence_types[b].colour: unknown key (ignored)" in {str(w) for w in result.warnings}
