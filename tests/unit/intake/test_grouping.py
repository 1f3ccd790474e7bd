"""The one form's sections: applicant, enterprise, premises, then each item's own."""

from hypothesis import given, settings

from onething.catalog.guide import build_guide
from onething.intake.grouping import group_fields, section_of
from tests.catalogs import package_and_answers


def test_sections_by_field():
    assert section_of("applicant_name", "text", "企业设立登记") == "申请人"
    assert section_of("applicant_phone", "phone", "企业设立登记") == "申请人"
    assert section_of("legal_rep_id_number", "id_card", "企业设立登记") == "企业信息"
    assert section_of("business_address", "address", "企业设立登记") == "经营场所"
    assert section_of("pharmacist_count", "integer", "药品经营许可") == "药品经营许可所需信息"
    assert section_of("pharmacist_count", "integer", "药品经营许可", group="人员") == "人员"


def test_the_pharmacy_form_in_order(demo_catalog):
    catalog = demo_catalog
    package = catalog.packages["open_pharmacy"]
    answers = {q.id: True for q in package.questions}
    guide = build_guide(catalog, package, answers)
    names = {gi.id: gi.item.name for gi in guide.items}
    titles = [s.title for s in group_fields(guide.fields, names)]
    assert titles[:3] == ["申请人", "企业信息", "经营场所"]
    assert all(t.endswith("所需信息") for t in titles[3:])


@settings(max_examples=200, deadline=None)
@given(package_and_answers())
def test_every_field_of_the_form_is_in_exactly_one_section(demo_catalog, case):
    package, answers = case
    catalog = demo_catalog
    guide = build_guide(catalog, package, answers)
    names = {gi.id: gi.item.name for gi in guide.items}
    placed = [i for section in group_fields(guide.fields, names) for i in section.field_ids]
    assert sorted(placed) == sorted(f.id for f in guide.fields)
