"""The catalogues the tests read, without a database (not a test module): the demo's and
the small test catalogue, each loaded once, and hypothesis strategies over the demo's
packages. The fixtures demo_catalog and small_catalog (tests/conftest.py) serve them."""

from functools import cache
from pathlib import Path

from hypothesis import strategies as st

from onething.catalog import DEMO_CATALOG
from onething.catalog.entities import Catalog
from onething.catalog.loading import read_catalog_file, require_catalog

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
