"""多地联办 in the catalogue (docs/catalog-format.md): an item implemented by a partner
region names its place (`partner_place`, GB/T 2260, outside this catalogue) and the
partner's package (`partner_package`); the partner decides and certifies it, so it issues
no certificate here, is not 即办, has no 秒批 rules and waits on no expert review."""

import copy

from onething.catalog.loading import validate_document
from tests.catalogs import BASE


def with_partner_item(**keys) -> dict:
    document = copy.deepcopy(BASE)
    document["items"][1].update(keys)  # 药品经营许可证核发, after 企业设立登记
    return document


def test_a_partner_item_is_read_with_its_place_and_package():
    result = validate_document(with_partner_item(partner_place="610802", partner_package="x"))
    assert result.ok and not result.warnings, (result.problems, result.warnings)
    item = result.catalog.items["drug_retail_licence"]
    assert (item.partner_place, item.partner_package, item.by_partner) == ("610802", "x", True)
    own = result.catalog.items["business_registration"]
    assert (own.partner_place, own.partner_package, own.by_partner) == (None, "", False)


def test_the_package_defaults_to_the_local_packages_id():
    result = validate_document(with_partner_item(partner_place="610802"))
    assert result.ok and result.catalog.items["drug_retail_licence"].partner_package == ""


def messages(document) -> list[str]:
    result = validate_document(document)
    assert result.catalog is None
    return [str(p) for p in result.problems]


def test_a_partner_place_must_be_a_division_code_outside_the_catalogue():
    assert any("partner_place" in m for m in messages(with_partner_item(partner_place="61")))
    inside = messages(with_partner_item(partner_place="141102"))
    assert any("partner_place" in m and "outside" in m for m in inside), inside


def test_a_partner_item_is_decided_and_certified_by_the_partner():
    found = messages(with_partner_item(partner_place="610802", issues="drug_licence"))
    assert any("issues" in m and "partner issues" in m for m in found), found
    document = with_partner_item(partner_place="610802")
    document["items"][1].update(kind="instant", promised_days=0)
    assert any("kind" in m and "即办" in m for m in messages(document))


def test_a_partner_package_needs_its_place():
    found = messages(with_partner_item(partner_package="household_move"))
    assert any("partner_package" in m and "partner_place" in m for m in found), found
