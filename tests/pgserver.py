"""A throwaway PostgreSQL server for the test suite, started and stopped by the tests.

``start_postgres()`` creates a cluster in a fresh temporary directory, starts it on a free
loopback port (never the machine's own server on 5432) and creates the ``onething``
database; ``.stop()`` stops it and removes the directory. PostgreSQL refuses to run as
root, so as root every server command runs as the ``postgres`` system user that Debian's
``postgresql`` package creates; otherwise as the current user (a developer's laptop).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

DATABASE = "onething"
SUPERUSER = "postgres"
DIR_PREFIX = "onething-pg-"
INSTALL_HINT = "install Debian's postgresql: make test does it (apt-get install postgresql)"
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    # Speed over durability: the cluster is thrown away after the run.
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "log_min_messages": "warning",
}


class PostgresError(RuntimeError):
    """The test PostgreSQL server could not be found, set up or started."""


@dataclass
class PostgresServer:
    bindir: Path
    directory: Path
    port: int
    run_as: str | None  # the system user server commands run as; None: the current user
    _stopped: bool = field(default=False, repr=False)

    @property
    def datadir(self) -> Path:
        return self.directory / "data"

    @property
    def url(self) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{DATABASE}"

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its directory; safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        _stop_cluster(self.bindir, self.datadir, self.run_as)
        shutil.rmtree(self.directory, ignore_errors=True)


def start_postgres(attempts: int = 3) -> PostgresServer:
    """A fresh server on a free 127.0.0.1 port with an empty ``onething`` database."""
    bindir = find_bindir()
    run_as = SUPERUSER if os.geteuid() == 0 else None
    if run_as is not None:
        _check_system_user(run_as)
    _remove_abandoned_servers(bindir, run_as)

    directory = Path(tempfile.mkdtemp(prefix=DIR_PREFIX, dir=_base_dir(run_as)))
    try:
        (directory / "owner.pid").write_text(f"{os.getpid()}\n")
        (directory / "socket").mkdir()
        if run_as is not None:
            user = pwd.getpwnam(run_as)
            for path in (directory, directory / "socket", directory / "owner.pid"):
                os.chown(path, user.pw_uid, user.pw_gid)
        _initdb(bindir, directory, run_as)
        # Another process may take the free port between our probe and the server's bind.
        for attempt in range(1, attempts + 1):
            server = PostgresServer(bindir, directory, _free_port(), run_as)
            _configure(server)
            if _start(server, last_attempt=attempt == attempts):
                break
        _wait_and_create_database(server)
        return server
    except BaseException:
        _stop_cluster(bindir, directory / "data", run_as)
        shutil.rmtree(directory, ignore_errors=True)
        raise


def _base_dir(run_as: str | None) -> str:
    """The temporary directory, or /tmp where the server user could not reach into it."""
    base = tempfile.gettempdir()
    if run_as is None:
        return base
    path = Path(base).resolve()
    for part in (path, *path.parents):
        if not part.stat().st_mode & 0o001:  # others may not traverse it
            return "/tmp"
    return base


def find_bindir() -> Path:
    """The newest /usr/lib/postgresql/<version>/bin, else pg_config's or initdb's on PATH."""
    candidates = []
    for initdb in glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        version = Path(initdb).parent.parent.name
        key = tuple(int(part) for part in re.findall(r"\d+", version))
        candidates.append((key, Path(initdb).parent))
    if candidates:
        return max(candidates)[1]
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        bindir = Path(result.stdout.strip())
        if result.returncode == 0 and (bindir / "initdb").exists():
            return bindir
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    raise PostgresError(
        "PostgreSQL server programs (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin "
        f"or on PATH: {INSTALL_HINT}"
    )


def _check_system_user(name: str) -> None:
    try:
        pwd.getpwnam(name)
    except KeyError:
        raise PostgresError(
            f"running as root, but there is no '{name}' system user to run PostgreSQL as "
            f"(PostgreSQL refuses to run as root): {INSTALL_HINT}"
        ) from None
    if not shutil.which("runuser"):
        raise PostgresError("running as root, but 'runuser' (util-linux) is missing")


def _command(run_as: str | None, program: Path, *args: str) -> list[str]:
    if run_as is None:
        return [str(program), *args]
    return ["runuser", "-u", run_as, "--", str(program), *args]


def _run(run_as: str | None, cwd: Path, program: Path, *args: str, timeout: float = 120):
    # cwd: the server user may not be allowed into the caller's directory.
    return subprocess.run(
        _command(run_as, program, *args),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        # The locale is chosen by initdb's options; C, which every system has, for the rest.
        env={**os.environ, "LC_ALL": "C", "LANG": "C"},
    )


def _initdb(bindir: Path, directory: Path, run_as: str | None) -> None:
    common = ["-D", str(directory / "data"), "--auth=trust", f"-U{SUPERUSER}", "--encoding=UTF8"]
    result = None
    # C.UTF-8 where the system has it (glibc does); plain C elsewhere.
    for locale_args in (["--locale=C.UTF-8"], ["--no-locale"]):
        result = _run(run_as, directory, bindir / "initdb", *common, *locale_args, "--no-sync")
        if result.returncode == 0:
            return
        shutil.rmtree(directory / "data", ignore_errors=True)
    assert result is not None
    raise PostgresError(f"initdb failed:\n{result.stdout}{result.stderr}".rstrip())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _configure(server: PostgresServer) -> None:
    lines = [f"{name} = {value}" for name, value in SETTINGS.items()]
    lines += [f"port = {server.port}", f"unix_socket_directories = '{server.directory / 'socket'}'"]
    # postgresql.auto.conf is read last and overrides postgresql.conf; rewritten per attempt.
    (server.datadir / "postgresql.auto.conf").write_text(
        "# written by tests/pgserver.py\n" + "\n".join(lines) + "\n"
    )


def _start(server: PostgresServer, last_attempt: bool) -> bool:
    log = server.directory / "server.log"
    result = _run(
        server.run_as,
        server.directory,
        server.bindir / "pg_ctl",
        "start",
        "-D",
        str(server.datadir),
        "-l",
        str(log),
        "-w",
        "-t",
        "60",
        timeout=90,
    )
    if result.returncode == 0:
        return True
    _stop_cluster(server.bindir, server.datadir, server.run_as)
    if last_attempt:
        tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
        raise PostgresError(
            f"pg_ctl start failed on port {server.port}:\n{result.stdout}{result.stderr}\n"
            f"server log ({log}):\n{tail}".rstrip()
        )
    return False


def _wait_and_create_database(server: PostgresServer, timeout: float = 30) -> None:
    import psycopg  # a main dependency; imported here so a missing one reads plainly

    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(
                host="127.0.0.1",
                port=server.port,
                user=SUPERUSER,
                dbname="postgres",
                autocommit=True,
                connect_timeout=5,
            ) as connection:
                connection.execute(f'CREATE DATABASE "{DATABASE}"')
                return
        except psycopg.OperationalError as error:
            if time.monotonic() > deadline:
                raise PostgresError(
                    f"the test PostgreSQL server on 127.0.0.1:{server.port} accepts no "
                    f"connections: {error}"
                ) from error
            time.sleep(0.1)


def _stop_cluster(bindir: Path, datadir: Path, run_as: str | None) -> None:
    if not (datadir / "postmaster.pid").exists():
        return
    for mode in ("fast", "immediate"):
        with contextlib.suppress(subprocess.TimeoutExpired):
            args = ("stop", "-D", str(datadir), "-m", mode, "-w", "-t", "30")
            if _run(run_as, datadir.parent, bindir / "pg_ctl", *args, timeout=40).returncode == 0:
                return
        if not (datadir / "postmaster.pid").exists():
            return


def _remove_abandoned_servers(bindir: Path, run_as: str | None) -> None:
    """Servers left behind by test runs that were killed before they could stop them."""
    for owner_file in glob.glob(os.path.join(_base_dir(run_as), DIR_PREFIX + "*", "owner.pid")):
        directory = Path(owner_file).parent
        try:
            owner = int(Path(owner_file).read_text().strip())
            if directory.stat().st_uid != (pwd.getpwnam(run_as).pw_uid if run_as else os.getuid()):
                continue
        except (OSError, ValueError, KeyError):
            continue
        if _alive(owner):
            continue
        _stop_cluster(bindir, directory / "data", run_as)
        shutil.rmtree(directory, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
