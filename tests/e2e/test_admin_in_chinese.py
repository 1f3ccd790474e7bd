"""The admin speaks Chinese throughout, the log-in protection's pages (django-axes) too."""

import pytest
from django.test import Client

from tests.factories import as_user, english_words

pytestmark = pytest.mark.django_db


def test_login_attempt_pages_have_no_english(demo, client):
    from axes.models import AccessAttempt, AccessLog

    stranger = Client()
    for _ in range(6):
        stranger.post("/accounts/login", {"username": "clerk", "password": "wrong"})
    as_user(Client(), "clerk")  # a log-in recorded in the log
    attempt = AccessAttempt.objects.get()
    pages = {
        "security_admin": [
            "/admin/",
            "/admin/axes/accessattempt/",
            f"/admin/axes/accessattempt/{attempt.pk}/change/",
        ],
        "audit_admin": [
            "/admin/",
            "/admin/axes/accesslog/",
            "/admin/axes/accessfailurelog/",
            "/admin/editing/editingstep/",
        ],
        "admin": [
            "/admin/",
            "/admin/catalog/catalogversion/",
            f"/admin/catalog/catalogversion/{first_version_pk()}/change/",
        ],
        "editor": ["/admin/", "/admin/catalog/catalogversion/"],
    }
    log = AccessLog.objects.first()
    if log is not None:
        pages["audit_admin"].append(f"/admin/axes/accesslog/{log.pk}/change/")
    for username, paths in pages.items():
        as_user(client, username)
        for path in paths:
            page = client.get(path)
            assert page.status_code == 200, (username, path)
            assert english_words(page.content.decode()) == set(), (username, path)


def first_version_pk() -> int:
    from onething.catalog.models import CatalogVersion

    return CatalogVersion.objects.get(number=1).pk
