"""Catalogue versions in the database: import, idempotence, bad files leave nothing behind."""

import pytest

from onething.catalog.loading import CatalogError
from onething.catalog.models import CatalogVersion
from onething.catalog.services import catalog_version, current_catalog, import_catalog
from tests.catalogs import FIXTURES

pytestmark = pytest.mark.django_db

SMALL = (FIXTURES / "small.yaml").read_bytes()


def test_first_import_is_version_one_and_current():
    outcome = import_catalog(SMALL, imported_by="tester", note="first")
    assert outcome.created
    assert (
        outcome.version.number,
        outcome.version.items_count,
        outcome.version.packages_count,
    ) == (1, 5, 1)
    current = current_catalog()
    assert current.number == 1 and "open_shop" in current.catalog.packages


def test_importing_the_same_document_again_creates_nothing():
    import_catalog(SMALL, imported_by="tester")
    again = import_catalog(SMALL, imported_by="tester")
    assert not again.created and again.version.number == 1
    assert CatalogVersion.objects.count() == 1


def test_a_changed_document_is_the_next_version_and_old_versions_stay_readable():
    import_catalog(SMALL, imported_by="tester")
    edited = SMALL.replace("name: 我要开店".encode(), "name: 我要开个店".encode())
    outcome = import_catalog(edited, imported_by="editor")
    assert outcome.created and outcome.version.number == 2
    assert current_catalog().catalog.packages["open_shop"].name == "我要开个店"
    assert catalog_version(1).packages["open_shop"].name == "我要开店"


def test_an_invalid_document_is_refused_and_nothing_is_stored():
    import_catalog(SMALL, imported_by="tester")
    broken = SMALL.replace(b"department: fire", b"department: firefighters")
    with pytest.raises(CatalogError) as refused:
        import_catalog(broken, imported_by="tester")
    assert "items[fire].department: unknown department 'firefighters'" in [
        str(p) for p in refused.value.problems
    ]
    assert CatalogVersion.objects.count() == 1
    assert current_catalog().number == 1


def test_no_catalogue_yet():
    assert current_catalog() is None
