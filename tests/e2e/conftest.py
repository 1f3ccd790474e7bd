import os

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


CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright never downloads a browser here
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per test module."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares it
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def log_in(page, site: str, username: str) -> None:
    """Log a demo account in through the log-in page, in this browser page."""
    from playwright.sync_api import expect

    from onething.web.setup import DEMO_PASSWORD

    page.goto(site + "/accounts/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


@pytest.fixture
def demo_site(live_server, transactional_db):
    """The live server with the demo catalogue and accounts (browser tests)."""
    from onething.web.setup import ensure_demo_accounts

    import_catalog(DEMO_CATALOG.read_bytes(), imported_by="test")
    ensure_demo_accounts()
    return live_server.url
