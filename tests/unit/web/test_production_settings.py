"""The production settings of deploy/onething.env.example (deploy/README.md): `django
check --deploy` finds nothing to report; https is enforced behind the trusted proxy (HSTS
for a year, secure cookies, http redirected but for the health check); no host name is
allowed for tests' sake. Each runs the app's own settings (not the tests') in a
subprocess with that environment."""

import base64
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "deploy" / "onething.env.example"


def production() -> dict[str, str]:
    """deploy/onething.env.example, each CHANGE-ME made up as its comment says."""
    found = {}
    for line in EXAMPLE.read_text().splitlines():
        name, equals, value = line.partition("=")
        if equals and not line.startswith("#"):
            made = secrets.token_urlsafe(50) if name == "ONETHING_SECRET_KEY" else None
            made = made or base64.urlsafe_b64encode(os.urandom(32)).decode()
            found[name] = value.replace("CHANGE-ME", made)
    return found


def run(tmp_path, code: list[str], **changes: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        # the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE belongs to the test process only
        if not key.startswith(("ONETHING_", "DJANGO_"))
    }
    env.update(
        production(),
        ONETHING_DATA_DIR=str(tmp_path / "data"),
        DJANGO_SETTINGS_MODULE="onething.web.settings",
        **changes,
    )
    return subprocess.run(
        [sys.executable, *code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_nothing_with_the_documented_settings(tmp_path):
    result = run(tmp_path, ["-m", "django", "check", "--deploy", "--fail-level", "WARNING"])
    said = result.stdout + result.stderr
    issues = set(re.findall(r"^\S*: \(([\w.]+)\)", said, flags=re.M))
    assert issues == set(), said
    assert result.returncode == 0, said


SHOW = """
import json, django
from django.conf import settings
django.setup()
from django.test import Client
names = ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
         "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE",
         "CSRF_COOKIE_SECURE", "ALLOWED_HOSTS", "DEBUG"]
shown = {name: getattr(settings, name) for name in names}
host = "zwfw.example.gov.cn"
plain = Client(HTTP_HOST=host).get("/static/onething/site.css")
shown["http"] = [plain.status_code, plain.get("Location")]
shown["healthz"] = Client(HTTP_HOST=host, raise_request_exception=False).get("/healthz").status_code
secure = Client(HTTP_HOST=host, HTTP_X_FORWARDED_PROTO="https").get("/static/onething/site.css")
shown["https"] = [secure.status_code, secure.get("Strict-Transport-Security")]
print(json.dumps(shown))
"""


def settings_shown(tmp_path, **changes: str) -> dict:
    """The settings and a few answers, on SQLite in a new folder (nothing to reach)."""
    result = run(tmp_path, ["-c", SHOW], **{"ONETHING_DATABASE_URL": "", **changes})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_https_is_enforced_behind_the_trusted_proxy(tmp_path):
    shown = settings_shown(tmp_path)
    assert shown["SECURE_SSL_REDIRECT"] and shown["SECURE_PROXY_SSL_HEADER"]
    assert shown["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert shown["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and not shown["SECURE_HSTS_PRELOAD"]
    assert shown["SESSION_COOKIE_SECURE"] and shown["CSRF_COOKIE_SECURE"] and not shown["DEBUG"]
    assert shown["ALLOWED_HOSTS"] == ["zwfw.example.gov.cn"]  # no "testserver"
    assert shown["http"] == [301, "https://zwfw.example.gov.cn/static/onething/site.css"]
    assert shown["healthz"] != 301  # a load balancer's check over plain http
    assert shown["https"] == [200, "max-age=31536000; includeSubDomains"]


def test_without_a_trusted_proxy_nothing_redirects_for_ever(tmp_path):
    """The scheme cannot be told without the proxy's header: no redirect (every request
    would look like http), HSTS still sent on what arrives over https."""
    shown = settings_shown(tmp_path, ONETHING_TRUSTED_PROXIES="")
    assert not shown["SECURE_SSL_REDIRECT"] and shown["SECURE_PROXY_SSL_HEADER"] is None
    assert shown["http"][0] == 200


def test_subdomains_and_preload_are_the_operators_choice(tmp_path):
    shown = settings_shown(
        tmp_path, ONETHING_HSTS_INCLUDE_SUBDOMAINS="0", ONETHING_HSTS_PRELOAD="1"
    )
    assert not shown["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and shown["SECURE_HSTS_PRELOAD"]


def test_plain_http_settings_have_no_https_duties(tmp_path):
    shown = settings_shown(
        tmp_path,
        ONETHING_PUBLIC_URL="http://127.0.0.1:8000",
        ONETHING_ALLOWED_HOSTS="zwfw.example.gov.cn",
    )
    assert not shown["SECURE_SSL_REDIRECT"] and shown["SECURE_HSTS_SECONDS"] == 0
    assert not shown["SESSION_COOKIE_SECURE"]
