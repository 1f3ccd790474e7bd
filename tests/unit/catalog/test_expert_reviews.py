"""The optional projects' keys (docs/catalog-format.md §6): `expert_reviews` (专家评审, a
special procedure with a duration and a fee schedule), an item's `expert_review`, and a
package's `project_type` and `bundle` (打包办)."""

import copy

import pytest

from onething.catalog.loading import validate_document
from tests.catalogs import BASE

REVIEW = {
    "id": "grid_expert_review",
    "name": "电网改造项目专家评审",
    "department": "amr",
    "days": 10,
    "fee_base": 12000,
    "fee_per_project": 10000,
    "basis": ["《中华人民共和国行政许可法》第四十五条"],
}


def with_reviews(*reviews, waits_on="grid_expert_review", **package_keys):
    document = copy.deepcopy(BASE)
    document["expert_reviews"] = [copy.deepcopy(r) for r in reviews]
    if waits_on is not None:
        document["items"][1]["expert_review"] = waits_on
    document["packages"][0].update(package_keys)
    return document


def test_an_expert_review_is_read_with_its_fee_schedule():
    result = validate_document(with_reviews(REVIEW, project_type="grid_rebuild", bundle=True))
    assert result.ok and not result.warnings, (result.problems, result.warnings)
    catalog = result.catalog
    review = catalog.expert_reviews["grid_expert_review"]
    assert (review.name, review.department, review.days) == ("电网改造项目专家评审", "amr", 10)
    assert review.basis == ("《中华人民共和国行政许可法》第四十五条",)
    assert review.fee(1) == 22000 and review.fee(5) == 62000  # one review of five projects
    assert 5 * review.fee(1) == 110000  # five reviews of one project each
    licence = catalog.items["drug_retail_licence"]
    assert licence.expert_review == "grid_expert_review"
    assert catalog.expert_review_of(licence) is review
    assert catalog.expert_review_of(catalog.items["business_registration"]) is None
    package = catalog.packages["open_pharmacy"]
    assert (package.project_type, package.bundle) == ("grid_rebuild", True)


def test_the_keys_are_optional():
    result = validate_document(copy.deepcopy(BASE))
    assert result.ok
    assert result.catalog.expert_reviews == {}
    package = result.catalog.packages["open_pharmacy"]
    assert (package.project_type, package.bundle) == (None, False)
    assert result.catalog.items["drug_retail_licence"].expert_review is None


def test_fees_default_to_none():
    free = {"id": "free", "name": "环境影响评价技术评估", "department": "amr", "days": 5}
    result = validate_document(with_reviews(free, waits_on="free"))
    assert result.ok, result.problems
    assert result.catalog.expert_reviews["free"].fee(3) == 0


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda r: r.update(days=-3),
            "expert_reviews[grid_expert_review].days: must be at least 1, not -3",
        ),
        (
            lambda r: r.update(days=0),
            "expert_reviews[grid_expert_review].days: must be at least 1, not 0",
        ),
        (
            lambda r: r.update(fee_base=-1),
            "expert_reviews[grid_expert_review].fee_base: must not be negative, not -1",
        ),
        (
            lambda r: r.update(fee_per_project=-0.5),
            "expert_reviews[grid_expert_review].fee_per_project: must not be negative, not -0.5",
        ),
        (
            lambda r: r.update(fee_base="两万"),
            "expert_reviews[grid_expert_review].fee_base: must be a number, not '两万'",
        ),
        (
            lambda r: r.pop("days"),
            "expert_reviews[grid_expert_review].days: missing (the working days one review takes)",
        ),
        (
            lambda r: r.update(department="nope"),
            "expert_reviews[grid_expert_review].department: unknown department 'nope'",
        ),
        (
            lambda r: r.update(id="Grid Review"),
            "expert_reviews[0].id: 'Grid Review' is not a valid id (use a-z, 0-9 and _)",
        ),
    ],
)
def test_a_bad_expert_review_is_reported_with_its_path(edit, expected):
    review = copy.deepcopy(REVIEW)
    edit(review)
    result = validate_document(with_reviews(review))
    problems = [str(p) for p in result.problems]
    assert result.catalog is None and expected in problems, problems


def test_references_to_expert_reviews_are_checked():
    result = validate_document(with_reviews(REVIEW, REVIEW, waits_on="ghost_review"))
    problems = {str(p) for p in result.problems}
    assert "items[drug_retail_licence].expert_review: unknown expert review 'ghost_review'" in (
        problems
    )
    assert (
        "expert_reviews[1].id: duplicate id 'grid_expert_review' (first at expert_reviews[0])"
        in problems
    )


def test_an_instant_item_cannot_wait_on_an_expert_review():
    document = with_reviews(REVIEW, waits_on=None)
    document["items"][0]["expert_review"] = "grid_expert_review"
    problems = {str(p) for p in validate_document(document).problems}
    assert (
        "items[business_registration].expert_review: an instant item (即办件) is done on the "
        "spot: it cannot wait on an expert review" in problems
    )


def test_a_bundle_needs_its_project_type():
    problems = {str(p) for p in validate_document(with_reviews(REVIEW, bundle=True)).problems}
    assert (
        "packages[open_pharmacy].bundle: a bundle (打包办) files several projects of one type: "
        "the package needs its project_type" in problems
    )
    wrong = with_reviews(REVIEW, project_type="Grid Rebuild", bundle="yes")
    problems = {str(p) for p in validate_document(wrong).problems}
    assert (
        "packages[open_pharmacy].project_type: 'Grid Rebuild' is not a valid id (use a-z, 0-9 and _)"
        in problems
    )
    assert "packages[open_pharmacy].bundle: must be true or false, not 'yes'" in problems


def test_a_review_no_item_waits_on_is_a_warning():
    result = validate_document(with_reviews(REVIEW, waits_on=None))
    assert result.ok
    assert [str(w) for w in result.warnings] == [
        "expert_reviews[grid_expert_review]: no item waits on this expert review"
    ]


def test_an_unknown_key_of_a_review_is_a_warning():
    review = dict(REVIEW, colour="red")
    result = validate_document(with_reviews(review))
    assert result.ok
    assert [str(w) for w in result.warnings] == [
        "expert_reviews[grid_expert_review].colour: unknown key (ignored)"
    ]


def test_the_fields_each_project_of_a_bundle_fills_in_itself():
    document = with_reviews(
        REVIEW, project_type="grid_rebuild", bundle=True, per_project_fields=["company_name"]
    )
    result = validate_document(document)
    assert result.ok, result.problems
    assert result.catalog.packages["open_pharmacy"].per_project_fields == ("company_name",)
    document["packages"][0]["per_project_fields"] = ["company_name", "legal_rep_name", "nope"]
    problems = [str(p) for p in validate_document(document).problems]
    assert any(
        "packages[open_pharmacy].per_project_fields[1]: field 'legal_rep_name' is not asked" in p
        for p in problems
    ), problems
    assert any("per_project_fields[2]" in p for p in problems), problems
