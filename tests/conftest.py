"""Fixtures for the tests of every layer: the catalogues, the demo in the database, and
我要开药店 with its certificates issued. Plain helpers are in tests/factories.py (data,
pages) and tests/catalogs.py (catalogues without a database)."""

import pytest

from onething.catalog import DEMO_CATALOG
from onething.catalog.entities import Catalog
from tests import catalogs
from tests.factories import decided_pharmacy, hand_over


@pytest.fixture(scope="session")
def demo_catalog() -> Catalog:
    return catalogs.demo_catalog()


@pytest.fixture(scope="session")
def small_catalog() -> Catalog:
    return catalogs.small_catalog()


@pytest.fixture
def demo(db):
    """The demo catalogue and the demo accounts, as `make run` prepares them (database
    tests of every layer)."""
    from onething.catalog.services import import_catalog
    from onething.web.setup import ensure_demo_accounts

    import_catalog(DEMO_CATALOG.read_bytes(), imported_by="demo")
    ensure_demo_accounts()


@pytest.fixture
def issued(demo):
    """我要开药店 filed by yaofang, accepted at 离石区 and every item approved: its six
    certificates issued, the results not yet handed over."""
    return decided_pharmacy()


@pytest.fixture
def handed_over(issued):
    """The issued case after 一次办成 at the window: completed, the results in hand."""
    return hand_over(issued)


@pytest.fixture
def drug(issued):
    """The issued case's 药品经营许可证, issued at the city (吕梁市药品监督管理局)."""
    from onething.licences.models import Licence

    return Licence.objects.get(case=issued, type_name="药品经营许可证")
