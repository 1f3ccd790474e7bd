"""Fixtures of the HTTP, API and browser tests: the small catalogue in the database, an
API client with a bearer token per user, and Debian's Chromium with the live demo site.
Device settings and form helpers for the browser are in tests/e2e/browser.py."""

import os

import pytest
from django.test import Client

from onething.catalog.services import import_catalog
from onething.web.setup import DEMO_PASSWORD
from tests.catalogs import FIXTURES
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, log_in
from tests.factories import second_factor_code


@pytest.fixture
def small_in_db(db):
    return import_catalog((FIXTURES / "small.yaml").read_bytes(), imported_by="test").version


# --------------------------------------------------------------------------- API


class Api:
    """One HTTP client per user, each with its own bearer token."""

    def __init__(self):
        self.tokens: dict[str, str] = {}

    def login(self, username):
        """The user's bearer token, asked for once."""
        if username not in self.tokens:
            response = Client().post(
                "/api/v1/auth/token",
                {
                    "username": username,
                    "password": DEMO_PASSWORD,
                    "otp": second_factor_code(username),  # staff: the second factor
                },
                content_type="application/json",
            )
            assert response.status_code == 201, response.content
            self.tokens[username] = response.json()["token"]
        return self.tokens[username]

    def call(self, username, method, path, body=None, **headers):
        """(status, JSON answer) of `method` on /api/v1`path` as this user."""
        client = Client(HTTP_AUTHORIZATION=f"Bearer {self.login(username)}")
        kwargs = {"content_type": "application/json"} if body is not None else {}
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        response = getattr(client, method)(f"/api/v1{path}", body, **kwargs, **extra)
        return response.status_code, response.json() if response.content else None


@pytest.fixture
def api(demo) -> Api:
    """The REST API on the demo: api.call("yaofang", "post", "/cases", body)."""
    return Api()


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per test module."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares it
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, demo, settings):
    """The live server's address, with the demo catalogue and accounts (browser and real
    HTTP tests); the certificates' QR codes point here."""
    settings.PUBLIC_URL = live_server.url
    return live_server.url


@pytest.fixture
def people(browser, site):
    """Log a demo account in, in a browser context of its own: people("clerk_lishi"), or
    people("yaofang", PHONE); the page it lands on."""
    contexts = []

    def logged_in(username, device=DESKTOP):
        context = browser.new_context(**device)
        contexts.append(context)
        page = context.new_page()
        log_in(page, site, username)
        return page

    yield logged_in
    for context in contexts:
        context.close()
