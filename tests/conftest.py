"""Fixtures for the tests of every layer: the catalogues, the demo in the database, and
我要开药店 with its certificates issued. Plain helpers are in tests/factories.py (data,
pages) and tests/catalogs.py (catalogues without a database)."""

import pytest

from onething.catalog import DEMO_CATALOG
from onething.catalog.entities import Catalog
from tests import catalogs
from tests.factories import decided_pharmacy, hand_over


@pytest.fixture(autouse=True)
def force_login_gives_both_factors(monkeypatch):
    """Django's test client's force_login stands for a whole log-in: for an account that
    needs a second factor (staff), its session is verified as after the code, with the
    account's authenticator (one is bound when it has none). The log-in pages themselves
    are tested through the pages, code and all (tests/e2e/test_accounts_*.py)."""
    from django.test import Client

    force_login = Client.force_login

    def logged_in_with_code(client, user, backend=None):
        force_login(client, user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from onething.accounts import twofactor

        if twofactor.required_for(user):
            device = twofactor.confirmed_device(user) or TOTPDevice.objects.create(
                user=user, name="test", confirmed=True
            )
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", logged_in_with_code)


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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A test's teardown may empty the database (live_server, transaction=True): SQLite's
    triggers that keep the audit tables append-only let it through meanwhile
    (privacy/audit.py; PostgreSQL empties tables with TRUNCATE, which they leave alone)."""
    from onething.privacy.audit import opened

    with opened():
        return (yield)
