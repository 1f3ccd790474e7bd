"""What the fault tests share (kill -9, restarts, outages, backups): a *site* — a data
directory of its own with its own database, SQLite in the folder or, in the PostgreSQL pass,
a fresh database on the tests' own server — and the `onething` commands and Python
snippets run against it as separate processes, as an operator's would run.

Also the notification sender those tests name (ONETHING_NOTIFICATION_SENDER=
tests.faults:RecordingSender): slow on purpose, it appends one line per message it sent
to a file — the idempotency key and the outbox id — so a test can count what a gateway
would have received.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
POSTGRES = os.environ.get("ONETHING_TEST_DATABASE") == "postgres"
_numbers = itertools.count(1)


class RecordingSender:
    """Sleeps ONETHING_TEST_SEND_DELAY seconds (default 0.05), then appends
    "<idempotency key> <outbox id>" to ONETHING_TEST_SENT."""

    def __init__(self) -> None:
        self.path = os.environ["ONETHING_TEST_SENT"]
        self.delay = float(os.environ.get("ONETHING_TEST_SEND_DELAY", "0.05"))

    def send(self, message, idempotency_key: str) -> None:
        time.sleep(self.delay)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{idempotency_key} {message.pk}\n".encode())
        finally:
            os.close(fd)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _admin_url(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


def create_database(base_url: str) -> str:
    """A fresh, empty database on the server of `base_url`; its URL."""
    import psycopg

    name = f"site_{os.getpid()}_{next(_numbers)}_{uuid.uuid4().hex[:6]}"
    parts = urlsplit(base_url)
    with psycopg.connect(
        host=parts.hostname,
        port=parts.port,
        user=parts.username,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return _admin_url(base_url, name)


_DATABASES: dict[str, str] = {}


def database_for(data_dir) -> dict[str, str]:
    """On PostgreSQL, {"ONETHING_DATABASE_URL": a database of this data directory's own}
    (made at first use): its stored data is encrypted with its own keys, which the
    start-up checks of another data directory would rightly refuse. {} on SQLite."""
    base = os.environ.get("ONETHING_DATABASE_URL") if POSTGRES else None
    if not base:
        return {}
    if str(data_dir) not in _DATABASES:
        _DATABASES[str(data_dir)] = create_database(base)
    return {"ONETHING_DATABASE_URL": _DATABASES[str(data_dir)]}


def onething_cli(*args: str, data_dir=None, sqlite: bool = False, timeout: float = 300):
    """`python -m onething ARGS` as an operator runs it, its output captured: with its own
    data directory (and, on PostgreSQL, that directory's own database; `sqlite` keeps it on
    SQLite whatever the tests run on)."""
    env = {**os.environ, "ONETHING_DATA_DIR": str(data_dir or "/nonexistent-onething")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if sqlite:
        env.pop("ONETHING_DATABASE_URL", None)
    elif data_dir:
        env.update(database_for(data_dir))
    return subprocess.run(
        [sys.executable, "-m", "onething", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


class Site:
    """A data directory (short path: Unix sockets live in it) and its database."""

    def __init__(self, database_url: str | None = None, postgres_url: str | None = None):
        self.dir = Path(tempfile.mkdtemp(prefix="ot-f-", dir="/tmp"))
        self.env = {
            **os.environ,
            "ONETHING_DATA_DIR": str(self.dir),
            "HOME": str(self.dir),
            "PYTHONPATH": str(ROOT),
            "ONETHING_NOTIFICATION_SENDER": "tests.faults:RecordingSender",
            "ONETHING_TEST_SENT": str(self.dir / "sent.txt"),
            "DJANGO_SETTINGS_MODULE": "onething.web.settings",
        }
        for name in (
            "ONETHING_SECRET_KEY",
            "ONETHING_DATA_KEYS",
            "ONETHING_LOOKUP_KEY",
            "ONETHING_LICENCE_KEYS_DIR",
            "XDG_RUNTIME_DIR",
            "ONETHING_DATABASE_URL",
        ):
            self.env.pop(name, None)
        base = postgres_url or (os.environ.get("ONETHING_DATABASE_URL") if POSTGRES else None)
        if database_url:
            self.env["ONETHING_DATABASE_URL"] = database_url
        elif base:
            self.env["ONETHING_DATABASE_URL"] = create_database(base)

    @property
    def sent_file(self) -> Path:
        return self.dir / "sent.txt"

    def sent(self) -> list[tuple[str, int]]:
        if not self.sent_file.exists():
            return []
        lines = self.sent_file.read_text().split()
        return [(key, int(pk)) for key, pk in zip(lines[::2], lines[1::2], strict=True)]

    def onething(self, *args: str, timeout: float = 120, **env: str):
        """Run `onething ARGS` to its end."""
        return subprocess.run(
            [sys.executable, "-m", "onething", *args],
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def start(self, *args: str, output: str = "out.log", **env: str) -> subprocess.Popen:
        """Start `onething ARGS` and return at once; its output goes to a file."""
        with (self.dir / output).open("ab") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "onething", *args],
                env={**self.env, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.dir,
            )

    def log(self, output: str = "out.log") -> str:
        path = self.dir / output
        return path.read_text(errors="replace") if path.exists() else ""

    def python(self, code: str, timeout: float = 120, **env: str) -> str:
        """Run a snippet with Django set up on this site; its stdout (fails on an error)."""
        prelude = "import django\ndjango.setup()\n"
        result = subprocess.run(
            [sys.executable, "-c", prelude + textwrap.dedent(code)],
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def setup(self, demo: bool = True) -> None:
        result = self.onething("setup", *([] if demo else ["--no-demo"]), timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def site(demo: bool = True, setup: bool = True):
    made = Site()
    try:
        if setup:
            made.setup(demo)
        yield made
    finally:
        made.remove()


def wait_for(condition, seconds: float, what: str, step: float = 0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def pids_alive(pids) -> list[int]:
    alive = []
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        except PermissionError:
            pass
        # A zombie (dead, not yet reaped by its parent) counts as gone.
        with contextlib.suppress(OSError):
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            if state == "Z":
                continue
        alive.append(pid)
    return alive


def children_of(pid: int) -> list[int]:
    """Every descendant of `pid` (Linux /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found
