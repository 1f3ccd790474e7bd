"""Preparing a fresh installation: the demo catalogue and log-ins, safely repeatable."""

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from onething.catalog.models import CatalogVersion
from onething.catalog.services import import_catalog
from onething.web.setup import ensure_demo_accounts, ensure_demo_catalog
from tests.catalogs import FIXTURES

pytestmark = pytest.mark.django_db


def test_demo_catalogue_is_imported_once():
    assert "imported the demo as version 1" in ensure_demo_catalog()
    assert "unchanged" in ensure_demo_catalog()
    assert CatalogVersion.objects.count() == 1


def test_a_catalogue_someone_imported_is_never_replaced_by_the_demo():
    import_catalog((FIXTURES / "small.yaml").read_bytes(), imported_by="cli:editor")
    assert "kept" in ensure_demo_catalog()
    assert CatalogVersion.objects.count() == 1


def test_demo_log_in_works_and_setup_can_run_again():
    ensure_demo_accounts()
    ensure_demo_accounts()
    user = authenticate(
        RequestFactory().post("/accounts/login"), username="admin", password="onething-demo"
    )
    assert user is not None and user.is_superuser
