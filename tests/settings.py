"""Settings for the test suite: the app's settings with a throwaway data directory.

The database is SQLite, or with ONETHING_TEST_DATABASE=postgres a PostgreSQL server
that the tests start themselves (tests/pgserver.py) on a free loopback port and stop
at exit — never the machine's own server. pytest-django creates its test_onething
database in it.
"""

import atexit
import os
import tempfile

os.environ.setdefault("ONETHING_DATA_DIR", tempfile.mkdtemp(prefix="onething-test-"))
os.environ.setdefault("ONETHING_SECRET_KEY", "test-secret-key-not-for-production")

TEST_DATABASE = os.environ.get("ONETHING_TEST_DATABASE", "sqlite").strip().lower() or "sqlite"
if TEST_DATABASE not in ("sqlite", "postgres", "postgresql"):
    raise RuntimeError(
        f"ONETHING_TEST_DATABASE={TEST_DATABASE!r}: say 'postgres', or leave it out for SQLite"
    )

TEST_POSTGRES = None
if TEST_DATABASE.startswith("postgres"):
    from tests.pgserver import start_postgres

    TEST_POSTGRES = start_postgres()  # this module is imported once per test process
    atexit.register(TEST_POSTGRES.stop)
    # Read by onething.web.settings below; inherited by the command-line tests' subprocesses.
    os.environ["ONETHING_DATABASE_URL"] = TEST_POSTGRES.url
else:
    # The SQLite pass is SQLite even where a developer's shell configures a database.
    os.environ.pop("ONETHING_DATABASE_URL", None)

from onething.web.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; argon2 in production
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405  Django's test client's host
