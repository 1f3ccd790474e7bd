"""`onething serve`: gunicorn and the background sweep, started and stopped as one.

Both children run in a process group of their own (gunicorn's master leads it, its
workers and the sweep join it), recorded in ``<data dir>/run/serve-<machine>-<address>-
<port>.pid``. On exit — gunicorn ending, SIGTERM, SIGINT (Ctrl+C) — `onething serve` stops
the whole group: SIGTERM (gunicorn finishes the requests in hand within its graceful
timeout, the sweep the notification in hand), then SIGKILL for whatever is left.

After a kill -9 of `onething serve` itself nothing is left running: on Linux each child
asks the kernel for SIGTERM when its parent dies (PR_SET_PDEATHSIG), and gunicorn's
workers exit when their master has gone (they watch their parent). Where that is not
available, or a child outlives it, the next `onething serve` on the same address and port
finds the stale group in the pid file and stops it before it binds (gunicorn binds with
SO_REUSEADDR, so the port is free at once). Under systemd (deploy/onething.service)
KillMode=control-group does the same for the unit's cgroup.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import platform
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from onething import paths

UNIX_SOCKET_PATH_MAX = 100  # bytes; the kernel's limit is 108 on Linux, 104 on macOS
STOP_GRACE_S = 15  # gunicorn's graceful timeout (10 s) and a margin
PR_SET_PDEATHSIG = 1


class ServeRefused(Exception):
    """Another `onething serve` already runs on this address and port."""


def _run_name(host: str, port: int, kind: str, suffix: str) -> Path:
    name = f"{kind}-{platform.node()}-{host}-{port}.{suffix}"
    return paths.data_dir() / "run" / re.sub(r"[^A-Za-z0-9.-]", "_", name)


def control_socket_path(host: str, port: int) -> Path:
    """This instance's gunicorn control socket. gunicorn's default (~/.gunicorn/gunicorn.ctl,
    one per user) is taken over by a second instance on the host, and the first to stop
    deletes the other's; here each has its own, named by machine, address and port."""
    return _run_name(host, port, "gunicorn", "ctl")


def pid_file(host: str, port: int) -> Path:
    """Where this instance records its own pid and its children's process group."""
    return _run_name(host, port, "serve", "pid")


def _run_dir() -> Path:
    run = paths.data_dir() / "run"
    run.mkdir(parents=True, exist_ok=True)
    run.chmod(0o700)  # only this account may reach the sockets and pid files
    return run


def control_socket_options(host: str, port: int, echo: Callable[[str], None]) -> list[str]:
    """gunicorn's options for this instance's control socket (gunicorn 25.1 and later);
    none where the path would be too long for a Unix socket."""
    from gunicorn.config import KNOWN_SETTINGS

    if not any(setting.name == "control_socket" for setting in KNOWN_SETTINGS):
        return []  # an older gunicorn has no control socket
    path = control_socket_path(host, port)
    if len(os.fsencode(path)) > UNIX_SOCKET_PATH_MAX:
        echo(f"note: no gunicorn control socket: the path is too long ({path})")
        return ["--no-control-socket"]
    try:
        _run_dir()
    except OSError as exc:
        echo(f"note: no gunicorn control socket: {path.parent}: {exc.strerror}")
        return ["--no-control-socket"]
    return ["--control-socket", str(path), "--control-socket-mode", "0600"]


# --------------------------------------------------------------------------- processes


def _command_line(pid: int) -> str:
    try:
        return (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:
        return ""


def _ours(pid: int) -> bool:
    """A process of this platform (not an unrelated one that reused the number)."""
    line = _command_line(pid)
    return "onething" in line or "gunicorn" in line


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _signal_group(group: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signum)


def stop_group(group: int, grace_s: float = STOP_GRACE_S) -> None:
    """SIGTERM to the group, then SIGKILL to what is left after `grace_s` seconds."""
    _signal_group(group, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while _group_alive(group) and time.monotonic() < deadline:
        time.sleep(0.1)
    _signal_group(group, signal.SIGKILL)


def stop_stale(record: Path, echo: Callable[[str], None]) -> None:
    """Stop what a killed `onething serve` left on this address and port; refuse when
    that instance is still running."""
    try:
        previous = json.loads(record.read_text())
        serve_pid, group = int(previous["serve"]), int(previous["group"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    if serve_pid != os.getpid() and _pid_alive(serve_pid) and "serve" in _command_line(serve_pid):
        raise ServeRefused(f"onething serve 已在运行（进程 {serve_pid}），请先停止它")
    if _group_alive(group) and (_ours(group) or not Path("/proc").is_dir()):
        echo(f"stopping processes left by an earlier onething serve (process group {group})")
        stop_group(group)
    record.unlink(missing_ok=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _die_with_parent(parent: int) -> Callable[[], None] | None:
    """In the child, before exec: SIGTERM when `onething serve` dies (Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None

    def arrange() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the request took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return arrange


def gunicorn_command(host: str, port: int, workers: int, control: list[str]) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "onething.web.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--logger-class",
        "onething.web.access_log.MaskingLogger",
        "--graceful-timeout",
        "10",
        # A query string may be long (a search of 10,000 characters is answered, not
        # refused with gunicorn's bare 400 at 4 KB); the body keeps its limits
        # (web/limits.py), a reverse proxy in front bounds the line (deploy/nginx.conf).
        "--limit-request-line",
        "0",
        *control,
    ]


def serve(host: str, port: int, workers: int, sweep_every: int, echo: Callable[[str], None]) -> int:
    """Run gunicorn (and the sweep) until gunicorn ends or a signal stops us; gunicorn's
    exit status."""
    record = pid_file(host, port)
    stop_stale(record, echo)
    control = control_socket_options(host, port, echo)
    arrange = _die_with_parent(os.getpid())
    server = subprocess.Popen(
        gunicorn_command(host, port, workers, control), process_group=0, preexec_fn=arrange
    )
    group = server.pid
    _write_record(record, group)
    sweeper = None
    if sweep_every > 0:
        sweeper = subprocess.Popen(
            [sys.executable, "-m", "onething", "sweep", "--every", str(sweep_every)],
            process_group=group,
            preexec_fn=arrange,
        )

    def stop(signum, frame) -> None:
        _signal_group(group, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        return server.wait()
    finally:
        _signal_group(group, signal.SIGTERM)
        _wait_children([server, sweeper])
        _signal_group(group, signal.SIGKILL)
        record.unlink(missing_ok=True)


def _write_record(record: Path, group: int) -> None:
    try:
        _run_dir()
        temporary = record.with_suffix(".tmp")
        temporary.write_text(json.dumps({"serve": os.getpid(), "group": group}) + "\n")
        os.replace(temporary, record)
    except OSError:
        pass  # without it a stale group is still stopped by PR_SET_PDEATHSIG


def _wait_children(children) -> None:
    deadline = time.monotonic() + STOP_GRACE_S
    for child in children:
        if child is None:
            continue
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
