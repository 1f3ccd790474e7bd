"""Loading and validating catalogue files (spec §1–3): every problem, with its path."""

import copy
import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from onething.catalog.loading import load_catalog_text, read_catalog_file, validate_document
from tests.catalogs import BASE, KEYS, changed, json_values, places_in, problems_of

from .strategies import catalog_documents


def test_the_base_document_is_valid():
    result = validate_document(copy.deepcopy(BASE))
    assert result.ok and result.problems == [] and result.warnings == []
    catalog = result.catalog
    assert list(catalog.items) == ["business_registration", "drug_retail_licence"]
    assert catalog.packages["open_pharmacy"].question("size").choices == ("小", "大")
    assert catalog.items["drug_retail_licence"].materials[0].copies == 2
    assert (
        catalog.items["drug_retail_licence"].fee == 0
        and not catalog.items["drug_retail_licence"].online
    )


def test_json_text_is_accepted_too():
    assert load_catalog_text(json.dumps(BASE, ensure_ascii=False)).ok
    assert load_catalog_text(yaml.safe_dump(BASE, allow_unicode=True)).ok


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d.pop("version"), "version: missing (the format version, 1)"),
        (
            lambda d: d["packages"][0]["items"][1]["after"].append("foo"),
            "packages[open_pharmacy].items[1].after[1]: unknown item 'foo'",
        ),
        (
            lambda d: d["items"][0].update(department="nope"),
            "items[business_registration].department: unknown department 'nope'",
        ),
        (
            lambda d: d["items"][0]["materials"].append({"material": "passport"}),
            "items[business_registration].materials[1].material: unknown material 'passport'",
        ),
        (
            lambda d: d["items"][0]["fields"].append("colour"),
            "items[business_registration].fields[1]: unknown field 'colour'",
        ),
        (
            lambda d: d["departments"].append({"id": "amr", "name": "again"}),
            "departments[2].id: duplicate id 'amr' (first at departments[0])",
        ),
        (
            lambda d: d["items"][1].update(promised_days=25),
            "items[drug_retail_licence].promised_days: 25 is above legal_days 20",
        ),
        (
            lambda d: d["items"][1].update(promised_days=-1),
            "items[drug_retail_licence].promised_days: must be at least 0, not -1",
        ),
        (
            lambda d: d["items"][0].update(promised_days=1),
            "items[business_registration].promised_days: an instant item (即办件) is done on the spot",
        ),
        (
            lambda d: d["jurisdictions"][2].update(parent="149900"),
            "jurisdictions[141102].parent: unknown jurisdiction '149900'",
        ),
        (
            lambda d: d["jurisdictions"][1].update(code="14110"),
            "jurisdictions[1].code: '14110' is not a GB/T 2260 code (6, 9 or 12 digits)",
        ),
        (
            lambda d: d["jurisdictions"][2].update(code="141100"),
            "jurisdictions[2].code: duplicate code '141100'",
        ),
        (
            lambda d: d["jurisdictions"].append(
                {"code": "990000", "name": "x", "level": "province"}
            ),
            "jurisdictions[3].code: '990000' does not start with a province code (GB/T 2260)",
        ),
        (
            lambda d: d["jurisdictions"][1].update(level="county"),
            "jurisdictions[141100].code: '141100' is not a county code (GB/T 2260)",
        ),
        (
            lambda d: d["jurisdictions"].append(
                {"code": "142301", "name": "x", "level": "county", "parent": "141100"}
            ),
            "jurisdictions[142301].parent: '142301' does not lie within '141100'",
        ),
        (
            lambda d: d["packages"][0]["items"][1].update(when={"sells_drink": True}),
            "packages[open_pharmacy].items[1].when.sells_drink: unknown question 'sells_drink'",
        ),
        (
            lambda d: d["packages"][0]["items"][1].update(when={"size": "巨"}),
            "packages[open_pharmacy].items[1].when.size: impossible choice '巨'",
        ),
        (
            lambda d: d["packages"][0]["items"][1].update(when={"sells_food": "是"}),
            "packages[open_pharmacy].items[1].when.sells_food: 'sells_food' is answered true or false",
        ),
        (
            lambda d: d["items"][1]["materials"][0].update(when={"colour": "red"}),
            "items[drug_retail_licence].materials[0].when.colour: unknown question 'colour'",
        ),
        (
            lambda d: d["packages"][0]["items"][0].update(after=["drug_retail_licence"]),
            "packages[open_pharmacy]: dependency cycle business_registration -> drug_retail_licence"
            " -> business_registration",
        ),
        (
            lambda d: d["packages"][0]["items"][0].update(after=["business_registration"]),
            "packages[open_pharmacy]: dependency cycle business_registration -> business_registration",
        ),
        (
            lambda d: d["packages"][0]["items"].append({"item": "drug_retail_licence"}),
            "packages[open_pharmacy].items[2].item: 'drug_retail_licence' is already in this package",
        ),
        (
            lambda d: d["items"][0].update(kind="later"),
            "items[business_registration].kind: 'later' is not one of",
        ),
        (lambda d: d["items"][0].pop("levels"), "items[business_registration].levels: missing"),
        (lambda d: d["items"][1].pop("trips"), "items[drug_retail_licence].trips: missing"),
        (
            lambda d: d["items"][1].update(trips="two"),
            "items[drug_retail_licence].trips: must be a whole number",
        ),
        (
            lambda d: d["items"][1].update(legal_days=True),
            "items[drug_retail_licence].legal_days: must be a whole",
        ),
        (
            lambda d: d["fields"][0].update(type="colour"),
            "fields[company_name].type: 'colour' is not one of",
        ),
        (
            lambda d: d["fields"].append({"id": "kind", "label": "类型", "type": "choice"}),
            "fields[kind].choices: missing: a choice field needs its choices",
        ),
        (
            lambda d: d["packages"][0]["questions"][1].update(choices=[True, False]),
            "packages[open_pharmacy].questions[1].choices[0]: must be text, not true (quote it",
        ),
        (lambda d: d.update(items={"a": 1}), "items: must be a list, not a mapping"),
        (
            lambda d: d["items"].append("loose text"),
            "items[2]: must be a mapping, not 'loose text'",
        ),
        (lambda d: d["items"][0].update(id="Bad Id"), "items[0].id: 'Bad Id' is not a valid id"),
        (lambda d: d.update(version=2), "version: unsupported version 2"),
    ],
)
def test_each_problem_is_reported_with_its_path(edit, expected):
    problems = problems_of(changed(edit))
    assert any(p.startswith(expected) for p in problems), problems


def test_every_problem_is_reported_not_just_the_first():
    def break_many(d):
        d["items"][0]["department"] = "nope"
        d["items"][1]["promised_days"] = 99
        d["packages"][0]["items"][1]["after"] = ["ghost"]
        d["fields"][0]["type"] = "colour"

    problems = problems_of(changed(break_many))
    assert len(problems) == 4, problems


def test_unknown_keys_are_warnings_not_problems():
    result = validate_document(changed(lambda d: d["items"][0].update(colour="red")))
    assert result.ok
    assert [str(w) for w in result.warnings] == [
        "items[business_registration].colour: unknown key (ignored)"
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xff\xfe\x00", "(document): not UTF-8 text"),
        (b"version: 1\nitems: [\n", "(document): not valid YAML: line 3, column 1"),
        (b"", "(document): the catalogue must be a mapping of sections, not nothing"),
        (b"- a\n- b\n", "(document): the catalogue must be a mapping of sections, not a list"),
        (b"[" * 100_000, "(document): not valid YAML"),
        (
            b"version: 1\n---\nversion: 1\n",
            "(document): not valid YAML: line 2, column 1: expected one",
        ),
        (b"a: *missing\n", "(document): not valid YAML: line 1, column 4: found undefined alias"),
        (b"x: 2026-02-30\n", "(document): not valid YAML: cannot read '2026-02-30'"),
        (b"bin\x00ary", "(document): contains NUL characters"),
    ],
)
def test_malformed_text_gives_a_message_not_a_traceback(data, expected):
    result = load_catalog_text(data)
    assert result.catalog is None
    assert str(result.problems[0]).startswith(expected), result.problems


def test_a_missing_file_is_a_problem(tmp_path):
    result = read_catalog_file(tmp_path / "nope.yaml")
    assert [str(p) for p in result.problems] == [
        f"(document): no such file: {tmp_path / 'nope.yaml'}"
    ]
    assert "is a directory" in str(read_catalog_file(tmp_path).problems[0])


# -- whatever the input: problems, never an exception


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_arbitrary_data_never_raises(document):
    result = validate_document(document)
    assert result.catalog is not None or result.problems


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalog_documents(max_items=5), st.data())
def test_mutated_catalogues_never_raise(document, data):
    """Replace, delete or corrupt a random place of a valid document."""
    document = copy.deepcopy(document)  # the strategy's own objects must stay untouched
    places = list(places_in(document))
    for _ in range(data.draw(st.integers(1, 4))):
        container, key = data.draw(st.sampled_from(places))
        action = data.draw(st.sampled_from(["replace", "delete", "key"]))
        try:
            if action == "replace":
                container[key] = data.draw(json_values)
            elif action == "delete":
                del container[key]
            elif isinstance(container, dict):
                container[data.draw(st.sampled_from(KEYS))] = data.draw(json_values)
        except (KeyError, IndexError):
            pass
    result = validate_document(document)
    assert result.catalog is not None or result.problems
    for problem in result.problems:
        assert isinstance(problem.path, str) and problem.message


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_arbitrary_bytes_never_raise(data):
    result = load_catalog_text(data)
    assert result.catalog is not None or result.problems
