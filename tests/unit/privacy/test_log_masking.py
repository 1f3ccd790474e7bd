"""No personal data in any log: the masking of free text and URLs, the logging filter and
gunicorn's access-log atoms."""

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from onething.privacy.logs import MaskPersonalData
from onething.privacy.masking import mask_text
from onething.web.access_log import MaskingLogger, mask_for_log


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("/licences/search?q=142331196207082041", "/licences/search?q=142331********2041"),
        ("id=14233119620708204X&x=1", "id=142331********204X&x=1"),
        ("id=14233119620708204x", "id=142331********204x"),
        ("旧证 142331620708204，", "旧证 142331*****8204，"),  # 15 digits
        ("/healthz?phone=13800138000", "/healthz?phone=138****8000"),
        ("电话13935812345。", "电话139****2345。"),
        ("tel=%2B8613800138000", "tel=%2B86138****8000"),
        ("a=1%2C13800138000&b=%20142331196207082041", "a=1%2C138****8000&b=%20142331********2041"),
        (
            "/accounts/login?next=/x%3Fq%3D142331196207082041",
            "/accounts/login?next=/x%3Fq%3D142331********2041",
        ),
    ],
)
def test_numbers_in_text_and_urls_are_masked(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "91141102MA0K5R2C1K",  # a credit code is public
        "/cases/3fa85f64-5717-4562-b3fc-a13800138000",  # part of a UUID
        "/tasks/12345",
        "1423311962070820411",  # 19 digits: no ID number
        "138001380001",  # 12 digits: no mobile number
        "[05/Dec/2026:05:05:41 +0800]",
    ],
)
def test_what_is_no_personal_number_is_left_alone(text):
    assert mask_text(text) == text


def test_masking_is_idempotent():
    once = mask_text("142331196207082041 13800138000")
    assert mask_text(once) == once


def test_escaped_digits_are_read_as_digits_in_the_access_log():
    escaped = "".join(f"%{ord(c):02X}" for c in "13800138000")
    assert mask_for_log(f"/healthz?phone={escaped}") == "/healthz?phone=138****8000"
    assert mask_for_log("/x?q=%E5%BC%A0%E4%B8%89") == "/x?q=%E5%BC%A0%E4%B8%89"


def record(message, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("django.request", logging.WARNING, "x.py", 1, message, args, exc_info)


def test_the_filter_masks_messages_arguments_and_tracebacks():
    handler_filter = MaskPersonalData()
    entry = record("Not Found: %s", "/licences/142331196207082041")
    assert handler_filter.filter(entry) is True
    assert entry.getMessage() == "Not Found: /licences/142331********2041"
    try:
        raise ValueError("no account with phone 13800138000")
    except ValueError:
        import sys

        entry = record("Internal Server Error: %s", "/a", exc_info=sys.exc_info())
    handler_filter.filter(entry)
    formatted = logging.Formatter().format(entry)
    assert "138****8000" in formatted and "13800138000" not in formatted
    plain = record("100% done")  # no arguments: the message is not a format
    handler_filter.filter(plain)
    assert plain.getMessage() == "100% done"


def test_gunicorn_atoms_are_masked_wherever_a_format_may_name_them():
    logger = MaskingLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/licences/search?q=142331196207082041",
        "PATH_INFO": "/licences/search",
        "QUERY_STRING": "q=142331196207082041",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "http://example/?phone=13800138000",
        "REMOTE_ADDR": "127.0.0.1",
    }
    request = SimpleNamespace(headers=[("REFERER", "http://example/?phone=13800138000")])
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=5))
    assert atoms["r"] == "GET /licences/search?q=142331********2041 HTTP/1.1"
    assert atoms["q"] == "q=142331********2041"
    assert atoms["f"] == atoms["{referer}i"] == "http://example/?phone=138****8000"
    assert atoms["{query_string}e"] == "q=142331********2041"
    assert atoms["s"] == "200" and atoms["h"] == "127.0.0.1"
    assert any(isinstance(f, MaskPersonalData) for f in logger.error_log.filters)


def test_the_default_access_line_is_written_masked(caplog):
    """`onething serve` logs gunicorn's default format: built from its own atoms only."""
    config = Config()
    config.set("accesslog", "-")
    logger = MaskingLogger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/licences/search?q=%31%34%32%33%33%31196207082041",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "http://example/?phone=13800138000",
        "HTTP_USER_AGENT": "kiosk 13900139000",
        "REMOTE_ADDR": "127.0.0.1",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        logger.access_log.propagate = True
        logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=5))
    line = caplog.records[-1].getMessage()
    assert '"GET /licences/search?q=142331********2041 HTTP/1.1" 200 10' in line
    assert '"http://example/?phone=138****8000" "kiosk 139****9000"' in line
    assert line.startswith("127.0.0.1 - - [")
    assert "13800138000" not in line and "196207082041" not in line
