"""Starting what the load runs against — `onething serve` instances and nginx in front of
them — and reading their CPU time and memory from /proc."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NGINX_SITE = REPO / "deploy" / "nginx.conf"
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing answers on port {port}")
        time.sleep(0.2)


# --------------------------------------------------------------------------- /proc


def _parents() -> dict[int, int]:
    found = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = Path(entry.path, "stat").read_text()
                found[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return found


def descendants(pid: int) -> list[int]:
    parents = _parents()
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        children = [child for child, parent in parents.items() if parent == current]
        found += children
        todo += children
    return found


def cmdline(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return ""


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU of a process; None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except OSError:
        return 0


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICKS, sum(values) / TICKS


SERVER_WIDE = ("checkpointer", "background writer", "walwriter", "autovacuum launcher")


def postgres_pids(postmaster: int, database: str) -> list[int]:
    """A PostgreSQL server's processes that work for one database: its backends and
    autovacuum workers, and the server-wide writers; not other databases' backends."""
    found = [postmaster]
    for pid in descendants(postmaster):
        command = cmdline(pid)
        if f" {database} " in f"{command} " or any(name in command for name in SERVER_WIDE):
            found.append(pid)
    return found


@dataclass
class Group:
    """Processes measured together: an instance's web side, its sweep, nginx, PostgreSQL.
    With `find`, the members are looked up again at each sample (backends come and go);
    a process that ends counts with its CPU at the last sample, at most 0.5 s before."""

    name: str
    pids: list[int] = field(default_factory=list)
    find: Callable[[], list[int]] | None = None
    first: dict[int, float] = field(default_factory=dict)
    last: dict[int, float] = field(default_factory=dict)
    peak_rss: int = 0

    def begin(self) -> None:
        self.first, self.last, self.peak_rss = {}, {}, 0
        self.sample()
        self.first = dict(self.last)

    def sample(self) -> None:
        rss = 0
        for pid in self.find() if self.find else self.pids:
            cpu = cpu_seconds(pid)
            if cpu is not None:
                self.last[pid] = cpu
                rss += rss_bytes(pid)
        self.peak_rss = max(self.peak_rss, rss)

    @property
    def cpu(self) -> float:
        return sum(cpu - self.first.get(pid, 0.0) for pid, cpu in self.last.items())


@dataclass
class Meter:
    """CPU seconds over the measured window, peak memory sampled twice a second."""

    groups: list[Group] = field(default_factory=list)
    postgres: Group | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def all_groups(self) -> list[Group]:
        return self.groups + ([self.postgres] if self.postgres else [])

    def start(self) -> None:
        for group in self.all_groups():
            group.begin()
        self.machine_start = machine_busy()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            for group in self.all_groups():
                group.sample()

    def stop(self) -> dict:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        for group in self.all_groups():
            group.sample()
        busy, total = machine_busy()
        return {
            "groups": [
                {"name": g.name, "processes": len(g.last), "cpu": g.cpu, "peak_rss": g.peak_rss}
                for g in self.groups
            ],
            # Shared buffers count in every backend's RSS: PostgreSQL's memory is not summed.
            "postgres_cpu": self.postgres.cpu if self.postgres else 0.0,
            "machine_busy": busy - self.machine_start[0],
            "machine_total": total - self.machine_start[1],
        }


# --------------------------------------------------------------------------- instances


@dataclass
class Instance:
    number: int
    port: int
    process: subprocess.Popen
    log: Path

    def groups(self) -> list[Group]:
        """The web side (gunicorn master and workers, and `onething serve` itself) and the
        sweep process, once gunicorn's workers are up."""
        tree = descendants(self.process.pid)
        sweep = [pid for pid in tree if " sweep " in cmdline(pid) + " "]
        web = [self.process.pid] + [pid for pid in tree if pid not in sweep]
        return [
            Group(f"instance {self.number} web", web),
            Group(f"instance {self.number} sweep", sweep),
        ]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_instance(
    number: int, workers: int, sweep_every: int, env: dict, run_dir: Path
) -> Instance:
    port = free_port()
    log = run_dir / f"instance-{number}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "onething",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--sweep-every",
                str(sweep_every),
            ],
            env={**env, "ONETHING_BENCH_INSTANCE": str(number)},
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Instance(number, port, process, log)


def wait_for_workers(instance: Instance, workers: int, seconds: float = 60) -> None:
    """Until gunicorn's workers (and the sweep) are running, so that /proc sees them all."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        tree = descendants(instance.process.pid)
        if sum("gunicorn" in cmdline(pid) for pid in tree) >= workers + 1:
            return
        time.sleep(0.2)
    raise RuntimeError(f"instance {instance.number}: gunicorn workers did not start")


# --------------------------------------------------------------------------- nginx


def nginx_site(ports: list[int], listen: int) -> str:
    """deploy/nginx.conf with the upstream's servers and the listening address replaced."""
    site = NGINX_SITE.read_text()
    upstream = "".join(
        f"    server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;\n" for port in ports
    )
    site, servers = re.subn(r"(?m)^\s*server\s+[\w.\-]+:\d+[^;\n]*;\n", "", site)
    if not servers:
        raise RuntimeError(f"{NGINX_SITE}: no upstream server lines to replace")
    site = site.replace("upstream onething {\n", "upstream onething {\n" + upstream, 1)
    site, listens = re.subn(r"(?m)^(\s*)listen\s+80;", rf"\g<1>listen 127.0.0.1:{listen};", site)
    if listens != 1:
        raise RuntimeError(f"{NGINX_SITE}: expected one 'listen 80;'")
    return site


@dataclass
class Nginx:
    port: int
    process: subprocess.Popen

    def group(self) -> Group:
        return Group("nginx", [self.process.pid, *descendants(self.process.pid)])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_nginx(ports: list[int], run_dir: Path) -> Nginx:
    """Debian's nginx as a child process (not the system service), with its own prefix,
    pid file, logs and temporary folders under the run's folder."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise RuntimeError("nginx is not installed: apt-get update && apt-get install -y nginx")
    prefix = run_dir / "nginx"
    prefix.mkdir()
    port = free_port()
    (prefix / "onething.conf").write_text(nginx_site(ports, port))
    (prefix / "nginx.conf").write_text(
        f"""daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include /etc/nginx/mime.types;
    include {prefix}/onething.conf;
}}
"""
    )
    config = ["-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")]
    subprocess.run([binary, "-t", "-q", *config], check=True)
    process = subprocess.Popen([binary, *config], cwd=prefix)
    nginx = Nginx(port, process)
    wait_until_up(port)
    return nginx
