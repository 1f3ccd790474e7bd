import pytest

from onething.catalog import DEMO_CATALOG
from onething.catalog.services import import_catalog
from tests.conftest import FIXTURES


@pytest.fixture
def small_in_db(db):
    return import_catalog((FIXTURES / "small.yaml").read_bytes(), imported_by="test").version


@pytest.fixture
def demo_in_db(db):
    return import_catalog(DEMO_CATALOG.read_bytes(), imported_by="test").version
