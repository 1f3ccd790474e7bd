"""The database: embedded SQLite by default, PostgreSQL when ONETHING_DATABASE_URL says so."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

WAL_AUTOCHECKPOINT = 10_000  # pages of 4 KiB


class DatabaseUrlError(ValueError):
    pass


def checkpoint() -> None:
    """Copy SQLite's write-ahead log back into the database without blocking anyone
    (PASSIVE), so that requests never pay for it; nothing to do on PostgreSQL."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


@contextmanager
def exclusive(name: str, wait: bool = False) -> Iterator[bool]:
    """Run a background job on one instance at a time: yields True to the one that holds
    the lock, False to any other instance trying meanwhile (which then skips its round).
    With `wait`, waits for it instead. PostgreSQL: a session advisory lock. SQLite serves
    one host, whose writers already queue on the database lock."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield True
        return
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_lock(%s), true", [key])
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        held = cursor.fetchone()[-1]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def database_from_env(data_dir: Path) -> dict[str, Any]:
    url = os.environ.get("ONETHING_DATABASE_URL", "").strip()
    if url:
        return parse_database_url(url)
    return sqlite_database(data_dir / "onething.sqlite3")


def sqlite_database(path: Path) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            # WAL lets readers go on while one writer commits; IMMEDIATE takes the
            # write lock at BEGIN so concurrent writers queue instead of failing.
            # Checkpoints (copying the WAL back into the database, with an fsync) are
            # left to the background sweep (`checkpoint` below, every second); a request
            # checkpoints itself only if the WAL passes WAL_AUTOCHECKPOINT pages (40 MB),
            # i.e. when no sweep is running.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT};"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        # A worker keeps its connection between requests: opening one runs the PRAGMAs
        # above, which read the whole schema again (≈ 2.5 ms of CPU a request, a quarter
        # of a small request under gunicorn). Between requests it holds no transaction,
        # so it blocks neither writers nor checkpoints.
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
    }


BOOLEAN_OPTIONS = ("server_side_binding",)  # Django takes these only as True or False


def _option(key: str, value: str) -> Any:
    if key in BOOLEAN_OPTIONS:
        return value.strip().lower() in ("1", "true", "yes", "on")
    return value


def parse_database_url(url: str) -> dict[str, Any]:
    """postgresql://user:password@host:port/name?sslmode=require, or sqlite:///path."""
    parts = urlsplit(url)
    if parts.scheme in ("sqlite", "sqlite3"):
        return sqlite_database(Path(unquote(parts.path)))
    if parts.scheme not in ("postgres", "postgresql"):
        raise DatabaseUrlError(f"ONETHING_DATABASE_URL: unsupported scheme '{parts.scheme}'")
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise DatabaseUrlError("ONETHING_DATABASE_URL: no database name")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": {key: _option(key, value) for key, value in parse_qsl(parts.query)},
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
