"""Case lifecycle benchmark (issue 3): complete 我要开药店 lifecycles — file, accept, every
task claimed and approved along its dependencies, hand over — through the service layer
and through HTTP (gunicorn, bearer tokens), on SQLite and on PostgreSQL.

Run one configuration:  python -m bench.cases_bench --db sqlite|postgres [--lifecycles N]
(`make bench` runs them all). PostgreSQL: ONETHING_BENCH_POSTGRES (default
postgresql://postgres@127.0.0.1:5432/onething_bench), a database recreated for the run.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/onething_bench"
ANSWERS = {
    "sells_food": "true",
    "sells_class2_devices": "true",
    "sells_class3_devices": "true",
    "has_signboard": "true",
}


def configure(db: str) -> str:
    """Environment for a fresh installation in a temp data dir; returns a label."""
    data_dir = tempfile.mkdtemp(prefix="onething-bench-")
    os.environ["ONETHING_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "onething.web.settings"
    os.environ["ONETHING_LOG_LEVEL"] = "WARNING"
    if db == "postgres":
        url = os.environ.get("ONETHING_BENCH_POSTGRES", DEFAULT_POSTGRES)
        _recreate_postgres(url)
        os.environ["ONETHING_DATABASE_URL"] = url
        return f"PostgreSQL {url.rsplit('@', 1)[-1]}"
    os.environ.pop("ONETHING_DATABASE_URL", None)
    return f"SQLite (WAL) {data_dir}/onething.sqlite3"


def _recreate_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from onething.web.setup import ensure_demo_accounts, ensure_demo_catalog

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)  # the shared caches, as `onething setup`
    ensure_demo_catalog()
    ensure_demo_accounts()


def pharmacy_filing():
    from onething.cases.services import Filing
    from onething.catalog.guide import build_guide, resolve_answers
    from onething.catalog.services import current_catalog
    from onething.intake.samples import sample_form

    catalog = current_catalog().catalog
    package = catalog.packages["open_pharmacy"]
    guide = build_guide(catalog, package, resolve_answers(package, ANSWERS))
    return Filing("open_pharmacy", dict(ANSWERS), "141102", sample_form(guide.fields))


class Timings:
    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)

    def timed(self, label: str, call, *args, **kwargs):
        start = time.perf_counter()
        result = call(*args, **kwargs)
        self.samples[label].append(time.perf_counter() - start)
        return result

    def report(self) -> list[str]:
        lines = []
        for label, values in sorted(self.samples.items()):
            values = sorted(values)
            p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
            lines.append(
                f"    {label:<12} n={len(values):<5} p50 {statistics.median(values) * 1000:6.2f} ms"
                f"   p99 {p99 * 1000:6.2f} ms   mean {statistics.fmean(values) * 1000:6.2f} ms"
            )
        return lines


@contextlib.contextmanager
def background_sweep():
    """The background process `onething serve` runs beside the web app (the sweep, and
    SQLite checkpoints every second), so that the figures are those of a deployment."""
    sweeper = subprocess.Popen(
        [sys.executable, "-m", "onething", "sweep", "--every", "60"],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(1.0)  # let it start before the clock does
        yield
    finally:
        sweeper.terminate()
        sweeper.wait(timeout=30)


def _lifecycle(step, users, reviewers, filing) -> None:
    """One 我要开药店 lifecycle through the service layer; `step(label, call, *args)` runs
    each service call (timed, or its statements counted)."""
    from onething.cases import materials, services
    from onething.cases.models import Task

    case, _created = step("file", services.file_case, users["yaofang"], filing)
    step("accept", services.accept, users["clerk_lishi"], case.public_id)
    # The reviewers take each task as soon as its predecessors are approved (the
    # service refuses a task that is not workable yet, so the order is checked).
    pending = list(
        Task.objects.filter(case=case).values_list(
            "pk", "item_id", "after", "department", "jurisdiction"
        )
    )
    approved: set[str] = set()
    while pending:
        wave = [task for task in pending if approved.issuperset(task[2])]
        for task_id, item_id, _after, department, jurisdiction in wave:
            reviewer = reviewers[(department, jurisdiction)]
            step("claim", services.claim, reviewer, task_id)
            step("approve", services.approve, reviewer, task_id, "同意")
            approved.add(item_id)
        pending = [task for task in pending if task[1] not in approved]
    step("check_all", materials.check_all, users["clerk_lishi"], case.public_id)
    step("hand_over", services.hand_over, users["clerk_lishi"], case.public_id)


class StatementCount:
    """SQL statements each step runs, as Django's cursor sees them (an executemany is
    one; transaction control is counted apart, and SQLite's COMMIT is no statement)."""

    def __init__(self) -> None:
        self.data: dict[str, int] = defaultdict(int)
        self.control = 0
        self.label = ""

    def __call__(self, execute, sql, params, many, context):
        if sql.split(" ", 1)[0] in ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"):
            self.control += 1
        else:
            self.data[self.label] += 1
        return execute(sql, params, many, context)

    def step(self, label: str, call, *args):
        self.label = label
        return call(*args)

    def line(self) -> str:
        steps = ", ".join(f"{label} {n}" for label, n in self.data.items())
        return (
            f"    SQL statements per lifecycle: {sum(self.data.values())} ({steps}), "
            f"and {self.control} BEGIN/SAVEPOINT/RELEASE through the cursor"
        )


def service_lifecycles(count: int, statements: bool = True) -> None:
    """`count` timed lifecycles, then (`statements`) one more whose SQL is counted."""
    from django.db import connection

    from onething.accounts.models import User
    from onething.cases.models import Action

    users = {u.username: u for u in User.objects.all()}
    reviewers = {(u.department, u.jurisdiction): u for u in users.values() if u.role == "reviewer"}
    filing = pharmacy_filing()
    timings = Timings()
    actions_before = Action.objects.count()
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(count):
        _lifecycle(timings.timed, users, reviewers, filing)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started  # this process's: steadier on a shared machine
    transitions = Action.objects.count() - actions_before
    print(f"  service layer: {count} lifecycles in {elapsed:.2f} s")
    print(
        f"    {count / elapsed:.1f} lifecycles/s, {transitions / elapsed:.0f} transitions/s "
        f"({transitions // count} recorded transitions per lifecycle), "
        f"CPU {cpu / count * 1000:.1f} ms per lifecycle"
    )
    print("\n".join(timings.report()))
    if not statements:
        return
    counted = StatementCount()  # one more lifecycle, not timed: its statements
    with connection.execute_wrapper(counted):
        _lifecycle(counted.step, users, reviewers, filing)
    print(counted.line())


def current_code(username: str) -> str:
    """The current code of the account's authenticator ("" without one): what staff give
    as `otp` with their password for a token (issue 14). Each code is taken once per
    account, and the benchmark asks one token per account."""
    from django_otp.oath import totp

    from onething.accounts import twofactor
    from onething.accounts.models import User

    device = twofactor.confirmed_device(User.objects.get(username=username))
    if device is None:
        return ""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HttpClient:
    def __init__(self, port: int, timings: Timings):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.timings = timings
        self.token = ""

    def call(self, label: str, method: str, path: str, body=None) -> dict | list:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        payload = json.dumps(body) if body is not None else None
        start = time.perf_counter()
        self.connection.request(method, "/api/v1" + path, payload, headers)
        response = self.connection.getresponse()
        data = response.read()
        self.timings.samples[label].append(time.perf_counter() - start)
        if response.status >= 400:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:300]!r}")
        return json.loads(data) if data else {}


def http_lifecycles(count: int, workers: int) -> None:
    from onething.accounts.models import User
    from onething.web.setup import DEMO_PASSWORD

    filing = pharmacy_filing()
    body = {
        "package_id": filing.package_id,
        "answers": ANSWERS,
        "place": filing.place,
        "form": filing.form,
    }
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "onething.web.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=os.environ.copy(),
    )
    try:
        timings = Timings()
        clients: dict[str, HttpClient] = {}

        def client(username: str) -> HttpClient:
            if username not in clients:
                new = HttpClient(port, timings)
                for _ in range(100):  # wait for the server
                    try:
                        answer = new.call(
                            "token",
                            "POST",
                            "/auth/token",
                            {
                                "username": username,
                                "password": DEMO_PASSWORD,
                                "otp": current_code(username),
                            },
                        )
                        break
                    except (ConnectionError, OSError):
                        new.connection.close()
                        time.sleep(0.1)
                new.token = answer["token"]  # type: ignore[index]
                clients[username] = new
            return clients[username]

        reviewers = {
            (u.department, u.jurisdiction): u.username for u in User.objects.filter(role="reviewer")
        }
        for name in ("yaofang", "clerk_lishi"):
            client(name)
        started = time.perf_counter()
        requests = 0
        for _ in range(count):
            case = client("yaofang").call("file", "POST", "/cases", body)
            detail = client("clerk_lishi").call("accept", "POST", f"/cases/{case['id']}/accept", {})
            requests += 2
            while True:
                workable = [t for t in detail["tasks"] if t["state"] == "workable"]
                if not workable:
                    break
                for task in workable:
                    reviewer = client(reviewers[(task["department"], task["jurisdiction"])])
                    reviewer.call("claim", "POST", f"/tasks/{task['id']}/claim", {})
                    reviewer.call(
                        "approve", "POST", f"/tasks/{task['id']}/approve", {"note": "同意"}
                    )
                    requests += 2
                detail = client("clerk_lishi").call("case", "GET", f"/cases/{case['id']}")
                requests += 1
            clerk = client("clerk_lishi")
            clerk.call("check_all", "POST", f"/cases/{case['id']}/materials/check-all", {})
            clerk.call("hand_over", "POST", f"/cases/{case['id']}/hand-over", {})
            requests += 2
        elapsed = time.perf_counter() - started
        timings.samples.pop("token", None)
        print(
            f"  HTTP (gunicorn, {workers} workers, one client): "
            f"{count} lifecycles in {elapsed:.2f} s"
        )
        print(f"    {count / elapsed:.1f} lifecycles/s, {requests / elapsed:.0f} requests/s")
        print("\n".join(timings.report()))
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--lifecycles", type=int, default=200)
    parser.add_argument("--http-lifecycles", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    label = configure(args.db)
    prepare()
    print(f"case lifecycles of 我要开药店 (7 items) on {label}")
    with background_sweep():
        service_lifecycles(args.lifecycles)
        if args.http_lifecycles:
            http_lifecycles(args.http_lifecycles, args.workers)


if __name__ == "__main__":
    main()
