from pathlib import Path

import pytest

from onething.catalog import DEMO_CATALOG
from onething.catalog.entities import Catalog
from onething.catalog.loading import read_catalog_file, require_catalog

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def demo_catalog() -> Catalog:
    return require_catalog(read_catalog_file(DEMO_CATALOG))


@pytest.fixture(scope="session")
def small_catalog() -> Catalog:
    return require_catalog(read_catalog_file(FIXTURES / "small.yaml"))
