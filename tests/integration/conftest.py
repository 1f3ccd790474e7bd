import pytest

from onething.catalog import DEMO_CATALOG
from onething.catalog.services import import_catalog
from onething.web.setup import ensure_demo_accounts


@pytest.fixture
def demo(db):
    """The demo catalogue and the demo accounts, as `make run` prepares them."""
    import_catalog(DEMO_CATALOG.read_bytes(), imported_by="demo")
    ensure_demo_accounts()
