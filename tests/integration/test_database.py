"""Which database the suite ran on: SQLite, or (ONETHING_TEST_DATABASE=postgres) the
PostgreSQL server the tests started themselves."""

import os

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper

from tests import settings as test_settings

pytestmark = pytest.mark.django_db

ON_POSTGRES = os.environ.get("ONETHING_TEST_DATABASE", "").strip().lower() in (
    "postgres",
    "postgresql",
)


def test_the_suite_runs_on_the_database_it_was_asked_for():
    assert connection.vendor == ("postgresql" if ON_POSTGRES else "sqlite")
    with connection.cursor() as cursor:
        if ON_POSTGRES:
            cursor.execute("SELECT version()")
            assert cursor.fetchone()[0].startswith("PostgreSQL ")
        else:
            cursor.execute("SELECT sqlite_version()")
            assert cursor.fetchone()[0]


@pytest.mark.skipif(not ON_POSTGRES, reason="the PostgreSQL pass only")
def test_postgres_is_the_server_the_tests_started_not_the_machines():
    server = test_settings.TEST_POSTGRES
    assert server is not None
    assert (connection.settings_dict["HOST"], connection.settings_dict["PORT"]) == (
        "127.0.0.1",
        str(server.port),
    )
    assert server.port != 5432
    assert connection.settings_dict["NAME"] == "test_onething"  # pytest-django's, not the app's
    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        assert cursor.fetchone()[0] == str(server.datadir)


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's journal mode; the SQLite pass only")
def test_sqlite_databases_are_opened_in_wal_mode(tmp_path):
    # pytest-django's SQLite test database lives in memory, where WAL does not apply
    # (journal_mode reads "memory"), so open a file database the way the app does: a new
    # connection with the same settings (the init_command with PRAGMA journal_mode=WAL).
    if connection.is_in_memory_db():
        database = SQLiteDatabaseWrapper(
            {**connection.settings_dict, "NAME": str(tmp_path / "wal.sqlite3")}, alias="wal"
        )
    else:
        database = connection
    try:
        with database.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    finally:
        if database is not connection:
            database.close()
