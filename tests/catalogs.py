"""The catalogues the tests read, without a database (not a test module): the demo's and
the small test catalogue, each loaded once, and hypothesis strategies over the demo's
packages. The fixtures demo_catalog and small_catalog (tests/conftest.py) serve them."""

import copy
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

from onething.catalog import DEMO_CATALOG
from onething.catalog.entities import Catalog
from onething.catalog.loading import read_catalog_file, require_catalog, validate_document

FIXTURES = Path(__file__).parent / "fixtures"  # small.yaml, the small test catalogue


@cache
def demo_catalog() -> Catalog:
    return require_catalog(read_catalog_file(DEMO_CATALOG))


@cache
def small_catalog() -> Catalog:
    return require_catalog(read_catalog_file(FIXTURES / "small.yaml"))


@st.composite
def package_and_answers(draw):
    """Any demo package, with any answers to its questions (some left unanswered)."""
    catalog = demo_catalog()
    package = draw(st.sampled_from(sorted(catalog.packages.values(), key=lambda p: p.id)))
    answers = {}
    for question in package.questions:
        options = [True, False] if question.type == "boolean" else list(question.choices)
        choice = draw(st.sampled_from([None, *options]))  # None: left unanswered
        if choice is not None:
            answers[question.id] = choice
    return package, answers


# A small catalogue document (JSON-shaped) the loading and schema tests edit.
BASE = {
    "version": 1,
    "jurisdictions": [
        {"code": "140000", "name": "山西省", "level": "province"},
        {"code": "141100", "name": "吕梁市", "level": "city", "parent": "140000"},
        {"code": "141102", "name": "离石区", "level": "county", "parent": "141100"},
    ],
    "departments": [
        {"id": "amr", "name": "市场监督管理局"},
        {"id": "mpa", "name": "药品监督管理局"},
    ],
    "materials": [{"id": "applicant_id", "name": "申请人身份证明", "evidence": "id_card"}],
    "fields": [{"id": "company_name", "label": "企业名称", "type": "text"}],
    "items": [
        {
            "id": "business_registration",
            "name": "企业设立登记",
            "department": "amr",
            "levels": ["city", "county"],
            "kind": "instant",
            "legal_days": 3,
            "promised_days": 0,
            "trips": 2,
            "fields": ["company_name"],
            "materials": [{"material": "applicant_id"}],
        },
        {
            "id": "drug_retail_licence",
            "name": "药品经营许可证核发",
            "department": "mpa",
            "levels": ["city"],
            "kind": "promise",
            "legal_days": 20,
            "promised_days": 15,
            "trips": 3,
            "materials": [{"material": "applicant_id", "copies": 2}],
        },
    ],
    "packages": [
        {
            "id": "open_pharmacy",
            "name": "我要开药店",
            "audience": "enterprise",
            "questions": [
                {"id": "sells_food", "text": "是否销售食品？", "type": "boolean"},
                {"id": "size", "text": "规模？", "type": "choice", "choices": ["小", "大"]},
            ],
            "items": [
                {"item": "business_registration"},
                {"item": "drug_retail_licence", "after": ["business_registration"]},
            ],
        }
    ],
}


def problems_of(document) -> list[str]:
    result = validate_document(document)
    assert result.catalog is None
    return [str(p) for p in result.problems]


def changed(edit) -> dict:
    document = copy.deepcopy(BASE)
    edit(document)
    return document


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)
KEYS = [
    "version",
    "jurisdictions",
    "departments",
    "materials",
    "fields",
    "items",
    "packages",
    "id",
    "code",
    "name",
    "level",
    "parent",
    "department",
    "levels",
    "kind",
    "legal_days",
    "promised_days",
    "trips",
    "fee",
    "materials",
    "material",
    "copies",
    "required",
    "when",
    "questions",
    "type",
    "choices",
    "after",
    "item",
    "text",
    "evidence",
    "online",
    "basis",
    "expert_reviews",
    "expert_review",
    "days",
    "fee_base",
    "fee_per_project",
    "project_type",
    "bundle",
]


def places_in(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield node, key
            yield from places_in(value)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield node, index
            yield from places_in(value)
