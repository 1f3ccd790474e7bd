"""Running several instances behind a proxy: the client's address, database options."""

from django.test import RequestFactory

from onething.core.database import parse_database_url
from onething.web.proxy import client_address


def test_the_client_address_is_believed_only_from_trusted_proxies(monkeypatch):
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.2"
    )
    monkeypatch.delenv("ONETHING_TRUSTED_PROXIES", raising=False)
    assert client_address(request) == "10.0.0.2"  # facing the internet: headers ignored
    monkeypatch.setenv("ONETHING_TRUSTED_PROXIES", "1")
    assert client_address(request) == "203.0.113.9"  # what nginx appended, not 6.6.6.6
    monkeypatch.setenv("ONETHING_TRUSTED_PROXIES", "3")
    assert client_address(request) == "10.0.0.2"  # fewer hops than promised: the socket
    monkeypatch.setenv("ONETHING_TRUSTED_PROXIES", "many")
    assert client_address(request) == "10.0.0.2"


def test_database_url_options_that_django_takes_as_booleans():
    options = parse_database_url(
        "postgresql://app:secret@db:5432/onething?sslmode=require&server_side_binding=true"
    )["OPTIONS"]
    assert options == {"sslmode": "require", "server_side_binding": True}


def test_several_instances_are_warned_about_secrets_each_would_make(monkeypatch, settings):
    from unittest import mock

    from onething.web.apps import shared_secrets

    for name in ("ONETHING_SECRET_KEY", "ONETHING_DATA_KEYS", "ONETHING_LOOKUP_KEY"):
        monkeypatch.delenv(name, raising=False)
    with mock.patch.dict(
        settings.DATABASES["default"], {"ENGINE": "django.db.backends.postgresql"}
    ):
        warnings = shared_secrets(None)
        assert [w.id for w in warnings] == ["onething.W001"] * 3
        assert "ONETHING_DATA_KEYS" in warnings[1].msg
        for name in ("ONETHING_SECRET_KEY", "ONETHING_DATA_KEYS", "ONETHING_LOOKUP_KEY"):
            monkeypatch.setenv(name, "shared")
        assert shared_secrets(None) == []
