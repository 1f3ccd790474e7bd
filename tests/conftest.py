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


@pytest.fixture
def demo(db):
    """The demo catalogue and the demo accounts, as `make run` prepares them (database
    tests of every layer)."""
    from onething.catalog.services import import_catalog
    from onething.web.setup import ensure_demo_accounts

    import_catalog(DEMO_CATALOG.read_bytes(), imported_by="demo")
    ensure_demo_accounts()
