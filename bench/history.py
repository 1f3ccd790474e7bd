"""A PostgreSQL database holding N cases of history (`onething demo --cases N`), shared by
the benchmarks that must hold with millions of cases, and kept between runs: loading
1,000,000 cases takes minutes. ONETHING_BENCH_HISTORY (default
postgresql://postgres@127.0.0.1:5432/onething_history); `--fresh` reloads it."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

DEFAULT = "postgresql://postgres@127.0.0.1:5432/onething_history"


def open_history(cases: int, fresh: bool = False) -> str:
    """Configure Django on the history database, load it if needed; returns a label."""
    import psycopg

    url = os.environ.get("ONETHING_BENCH_HISTORY", DEFAULT)
    base, name = url.rsplit("/", 1)
    # The same data directory each run: it holds the keys that decrypt the loaded rows.
    os.environ["ONETHING_DATA_DIR"] = str(Path(tempfile.gettempdir()) / f"onething-{name}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "onething.web.settings"
    os.environ["ONETHING_LOG_LEVEL"] = "WARNING"
    os.environ["ONETHING_DATABASE_URL"] = url
    loaded = 0
    if not fresh:
        try:
            with psycopg.connect(url) as conn:
                loaded = conn.execute("SELECT count(*) FROM cases_case").fetchone()[0]
        except psycopg.Error:
            loaded = 0
    if loaded < cases:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    from bench.cases_bench import prepare

    prepare()  # migrations, the demo catalogue and accounts
    if loaded < cases:
        from onething.demo.history import generate_history

        started = time.perf_counter()
        made = generate_history(cases)
        print(
            f"loaded {made.cases:,} cases ({made.tasks:,} tasks, {made.actions:,} audit "
            f"records, {made.ratings:,} ratings) in {time.perf_counter() - started:.0f} s"
        )
    else:
        print(f"reusing {loaded:,} cases loaded before (--fresh reloads)")
    return f"PostgreSQL {url.rsplit('@', 1)[-1]}"


def log_in(client, user) -> None:
    """force_login, and for staff the second factor given too (issue 14), as
    tests/conftest.py does: the session verified with the account's authenticator."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from onething.accounts import twofactor

    client.force_login(user)
    if twofactor.required_for(user):
        device = twofactor.confirmed_device(user) or TOTPDevice.objects.create(
            user=user, name=twofactor.DEVICE_NAME, confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
