"""Rechecking after one entry changed finds what checking the whole document finds."""

import copy
from functools import cache

from hypothesis import given, settings, strategies as st

from onething.catalog import DEMO_CATALOG
from onething.catalog.loading import parse_document, validate_document
from onething.catalog.rechecking import DocumentChecker


@cache
def demo_document() -> dict:
    document, problems = parse_document(DEMO_CATALOG.read_bytes())
    assert not problems
    return document


def whole(document: dict) -> tuple[list[str], list[str]]:
    result = validate_document(document)
    return [str(p) for p in result.problems], [str(w) for w in result.warnings]


def rechecked(checker: DocumentChecker) -> tuple[list[str], list[str]]:
    outcome = checker.check()
    return [str(p) for p in outcome.problems], [str(w) for w in outcome.warnings]


def test_the_demo_checks_clean_as_a_whole_does():
    checker = DocumentChecker(demo_document())
    assert rechecked(checker) == whole(demo_document()) == ([], [])


BREAKS = [
    ("promised_days", 999),  # above legal_days
    ("promised_days", "十"),
    ("department", "nowhere"),
    ("levels", []),
    ("kind", "sometimes"),
    ("materials", [{"material": "no_such_material"}]),
    ("materials", [{"material": "business_licence", "copies": 0}]),
    ("fields", ["no_such_field", "no_such_field"]),
    ("trips", None),
    ("colour", "blue"),  # an unknown key: a warning
]


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_one_changed_entry_gives_the_whole_documents_findings(data):
    document = copy.deepcopy(demo_document())
    checker = DocumentChecker(demo_document())
    section = data.draw(st.sampled_from(["items", "packages", "materials"]))
    index = data.draw(st.integers(0, len(document[section]) - 1))
    entry = copy.deepcopy(document[section][index])
    if section == "items":
        key, value = data.draw(st.sampled_from(BREAKS))
        entry[key] = value
    elif section == "packages":
        entry["items"] = [*entry["items"], {"item": "ghost", "when": {"nobody": True}}]
    else:
        entry["name"] = data.draw(st.sampled_from(["", 12, "新的名称"]))
    document[section][index] = entry
    checker.put(section, entry["id"], entry)
    assert rechecked(checker) == whole(document)


def test_a_removed_entry_and_a_new_one():
    document = copy.deepcopy(demo_document())
    checker = DocumentChecker(demo_document())
    removed = document["materials"].pop(3)
    checker.remove("materials", removed["id"])
    new = {"id": "spare_copy", "name": "备用材料"}  # asked by no item: a warning
    document["materials"].append(new)
    checker.put("materials", "spare_copy", new)
    assert rechecked(checker) == whole(document)
    assert any("no item asks for this material" in w for w in rechecked(checker)[1])
