"""`onething serve` as an operator runs it: no personal data in the access log, and two
instances on one host each with their own gunicorn control socket."""

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.faults import database_for

ID_NUMBER = "142331196207082041"
PHONE = "13800138000"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def data_dir():
    """A short path (a Unix socket's path is at most 108 bytes), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="ot-serve-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def get(port: int, path: str, **headers) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


class Server:
    """One `onething serve` process, its output in a file."""

    def __init__(self, data_dir: Path, port: int):
        self.port = port
        self.output = data_dir / f"serve-{port}.log"
        env = {**os.environ, "ONETHING_DATA_DIR": str(data_dir), "HOME": str(data_dir)}
        env.update(database_for(data_dir))
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.pop("XDG_RUNTIME_DIR", None)  # gunicorn's default socket would go there
        command = [sys.executable, "-m", "onething", "serve", "--port", str(port)]
        with self.output.open("wb") as output:
            self.process = subprocess.Popen(
                [*command, "--workers", "1", "--sweep-every", "0"],
                stdout=output,
                stderr=subprocess.STDOUT,
                env=env,
            )

    def wait_until_up(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log()
            with contextlib.suppress(OSError):
                if get(self.port, "/healthz") == 200:
                    return
            time.sleep(0.2)
        raise AssertionError(f"nothing answers on port {self.port}:\n{self.log()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.output.read_text(errors="replace")


@contextlib.contextmanager
def serving(data_dir: Path, count: int = 1):
    servers = [Server(data_dir, free_port()) for _ in range(count)]
    try:
        for server in servers:
            server.wait_until_up()
        yield servers
    finally:
        for server in servers:
            server.stop()


def test_the_access_log_masks_id_and_phone_numbers(data_dir):
    with serving(data_dir) as (server,):
        assert get(server.port, f"/licences/search?q={ID_NUMBER}") == 302  # to log in
        assert get(server.port, f"/healthz?phone={PHONE}") == 200
        referer = f"http://127.0.0.1/licences/search?q={ID_NUMBER}"
        assert get(server.port, "/healthz?p=%2B86" + PHONE, Referer=referer) == 200
        # Digits sent escaped are digits all the same.
        escaped = "".join(f"%{ord(c):02X}" for c in PHONE)
        assert get(server.port, f"/healthz?phone={escaped}") == 200
    log = server.log()
    assert "GET /licences/search?q=142331********2041 HTTP/1.1" in log
    assert "GET /healthz?phone=138****8000 HTTP/1.1" in log
    assert '"http://127.0.0.1/licences/search?q=142331********2041"' in log
    assert log.count("138****8000") == 3
    assert ID_NUMBER not in log and PHONE not in log


def test_two_instances_on_one_host_keep_their_own_control_socket(data_dir):
    run = data_dir / "run"
    with serving(data_dir, count=2) as (first, second):
        sockets = {path.name.rsplit("-", 1)[1]: path for path in run.glob("*.ctl")}
        assert sockets.keys() == {f"{first.port}.ctl", f"{second.port}.ctl"}
        assert all(path.is_socket() for path in sockets.values())
        assert all(path.stat().st_mode & 0o777 == 0o600 for path in sockets.values())
        assert run.stat().st_mode & 0o777 == 0o700
        first.stop()
        assert get(second.port, "/healthz") == 200
        assert list(run.glob("*.ctl")) == [sockets[f"{second.port}.ctl"]]
        assert sockets[f"{second.port}.ctl"].is_socket()
    assert not (data_dir / ".gunicorn").exists()  # gunicorn's one-per-user default unused
