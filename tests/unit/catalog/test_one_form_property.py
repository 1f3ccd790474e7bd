"""一表申报 as a property: for any answers to any demo package, the one form asks exactly
the fields of the included items — each once, in order of first need."""

from functools import cache

from hypothesis import given, settings, strategies as st

from onething.catalog import DEMO_CATALOG
from onething.catalog.guide import build_guide
from onething.catalog.loading import load_catalog_text


@cache
def demo():
    return load_catalog_text(DEMO_CATALOG.read_text()).catalog


@st.composite
def package_and_answers(draw):
    catalog = demo()
    package = draw(st.sampled_from(sorted(catalog.packages.values(), key=lambda p: p.id)))
    answers = {}
    for question in package.questions:
        options = [True, False] if question.type == "boolean" else list(question.choices)
        choice = draw(st.sampled_from([None, *options]))  # None: left unanswered
        if choice is not None:
            answers[question.id] = choice
    return package, answers


@settings(max_examples=300, deadline=None)
@given(package_and_answers())
def test_the_form_asks_the_merged_fields_of_the_included_items_each_once(case):
    package, answers = case
    catalog = demo()
    guide = build_guide(catalog, package, answers)
    expected: list[str] = []
    needed_by: dict[str, list[str]] = {}
    for guide_item in guide.items:
        for field_id in catalog.items[guide_item.id].fields:
            if field_id not in needed_by:
                expected.append(field_id)
                needed_by[field_id] = []
            needed_by[field_id].append(guide_item.id)
    asked = [f.id for f in guide.fields]
    assert asked == expected  # exactly these, in order of first need
    assert len(asked) == len(set(asked))  # each once, however many items need it
    for form_field in guide.fields:
        assert list(form_field.for_items) == needed_by[form_field.id]
        assert form_field.required == catalog.fields[form_field.id].required
