"""`onething serve` killed with SIGKILL leaves nothing running, and a fresh one starts on
the same port at once (issue 14, point 3); SIGTERM stops gunicorn, its workers and the
sweep together."""

import contextlib
import http.client
import json
import platform
import signal
import subprocess
import sys

import pytest

from tests.faults import children_of, free_port, pids_alive, site, wait_for


def healthz(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status
    finally:
        connection.close()


def answers(port: int) -> bool:
    with contextlib.suppress(OSError):
        return healthz(port) == 200
    return False


@pytest.fixture
def place():
    with site(demo=False) as made:
        yield made


def start(place, port):
    serving = place.start("serve", "--port", str(port), "--workers", "2", "--sweep-every", "1")
    wait_for(lambda: answers(port) or serving.poll() is not None, 60, "/healthz")
    assert serving.poll() is None, place.log()
    # gunicorn's master, its two workers and the sweep
    children = wait_for(
        lambda: len(children_of(serving.pid)) >= 4 and children_of(serving.pid), 30, "children"
    )
    return serving, children


def test_serve_killed_leaves_nothing_behind_and_starts_again_on_the_same_port(place):
    port = free_port()
    serving, children = start(place, port)
    serving.send_signal(signal.SIGKILL)
    serving.wait(timeout=10)
    wait_for(lambda: not pids_alive(children), 12, f"the children {children} to exit")

    again, children = start(place, port)
    assert healthz(port) == 200
    again.send_signal(signal.SIGTERM)
    assert again.wait(timeout=30) == 0, place.log()
    assert not pids_alive(children)
    assert not list((place.dir / "run").glob("serve-*.pid"))


def test_an_orphaned_group_left_in_the_pid_file_is_stopped_by_the_next_start(place):
    """Where children outlive a killed serve (a system without PR_SET_PDEATHSIG), the next
    serve on that port stops the group its pid file names before it binds."""
    port = free_port()
    orphan = subprocess.Popen(
        [sys.executable, "-m", "onething", "sweep", "--every", "60"],
        env=place.env,
        start_new_session=True,
    )
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    run = place.dir / "run"
    run.mkdir(mode=0o700, exist_ok=True)
    record = json.dumps({"serve": dead.pid, "group": orphan.pid})
    (run / f"serve-{platform.node()}-127.0.0.1-{port}.pid").write_text(record)

    serving, _ = start(place, port)
    try:
        assert orphan.wait(timeout=20) is not None
        assert f"process group {orphan.pid}" in place.log()
    finally:
        serving.send_signal(signal.SIGTERM)
        serving.wait(timeout=30)


def test_a_second_serve_on_a_port_in_use_by_a_live_one_is_refused(place):
    port = free_port()
    serving, _ = start(place, port)
    try:
        refused = place.onething("serve", "--port", str(port), "--sweep-every", "0", timeout=60)
        assert refused.returncode == 2 and "已在运行" in refused.stderr, refused.stderr
        assert healthz(port) == 200
    finally:
        serving.send_signal(signal.SIGTERM)
        serving.wait(timeout=30)
