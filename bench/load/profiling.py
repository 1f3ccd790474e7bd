"""`python -m bench.load --profile routes|cprofile`: a gunicorn configuration module that
wraps each worker's WSGI application to see where the time goes.

routes: per route (method and path, ids left out) the requests, the worker's CPU time,
the wall time, and the SQL statements with the time spent waiting for them.
cprofile: the same, and cProfile over the requests (which slows them about twofold).
Log-ins are left out (the driver logs in before it measures; that is argon2's time).
Each worker writes $ONETHING_BENCH_PROFILE_DIR/worker-<pid>.json (and .pstats) on exit.

`onething serve` runs gunicorn unchanged; gunicorn reads this module from
GUNICORN_CMD_ARGS="--config python:bench.load.profiling".
"""

from __future__ import annotations

import cProfile
import json
import os
import re
import time
from collections import defaultdict
from pathlib import Path

# Ids and package names in paths: /cases/<uuid>, /tasks/<n>, /guides/<package>.
IDS = re.compile(
    r"(?<=/)([0-9a-f]{8}-[0-9a-f-]{27}|\d+)(?=/|$)|(?<=/guides/)[\w-]+|(?<=/packages/)[\w-]+"
)


class Profiled:
    def __init__(self, application, profile: bool):
        self.application = application
        # CPU time, not wall time: on a busy machine waiting would hide the costs.
        self.profile = cProfile.Profile(time.process_time) if profile else None
        self.routes: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0, 0.0])
        self.statements: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/accounts/login"):
            return self.application(environ, start_response)
        from django.db import connection

        sql = [0, 0.0]

        def timed(execute, statement, params, many, context):
            started = time.perf_counter()
            try:
                return execute(statement, params, many, context)
            finally:
                seconds = time.perf_counter() - started
                sql[0] += 1
                sql[1] += seconds
                kind = self.statements[statement[:200]]
                kind[0] += 1
                kind[1] += seconds

        cpu, wall = time.process_time(), time.perf_counter()
        if self.profile:
            self.profile.enable()
        try:
            with connection.execute_wrapper(timed):
                return self.application(environ, start_response)
        finally:
            if self.profile:
                self.profile.disable()
            route = self.routes[f"{environ['REQUEST_METHOD']} {IDS.sub('…', path)}"]
            route[0] += 1
            route[1] += time.process_time() - cpu
            route[2] += time.perf_counter() - wall
            route[3] += sql[0]
            route[4] += sql[1]


def post_worker_init(worker):
    worker.wsgi = Profiled(worker.wsgi, os.environ.get("ONETHING_BENCH_PROFILE") == "cprofile")


def worker_exit(server, worker):
    wsgi = getattr(worker, "wsgi", None)
    if isinstance(wsgi, Profiled):
        stem = Path(os.environ["ONETHING_BENCH_PROFILE_DIR"]) / f"worker-{os.getpid()}"
        figures = {"routes": wsgi.routes, "statements": wsgi.statements}
        Path(f"{stem}.json").write_text(json.dumps(figures))
        if wsgi.profile:
            wsgi.profile.dump_stats(f"{stem}.pstats")


def report(folder: Path, lines: int = 25) -> str:
    """The routes of all workers, most CPU first; then cProfile's top functions."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0, 0.0])
    statements: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for file in folder.glob("worker-*.json"):
        figures = json.loads(file.read_text())
        for route, values in figures["routes"].items():
            totals[route] = [a + b for a, b in zip(totals[route], values, strict=True)]
        for statement, (n, seconds) in figures["statements"].items():
            statements[statement][0] += n
            statements[statement][1] += seconds
    out = [
        f"  {'route':<44} {'n':>6} {'CPU ms':>7} {'wall ms':>8} {'SQL':>5} {'SQL ms':>7}"
        "  (each, averaged; CPU share)"
    ]
    cpu_total = sum(v[1] for v in totals.values()) or 1.0
    for route, (n, cpu, wall, queries, sql) in sorted(totals.items(), key=lambda i: -i[1][1]):
        out.append(
            f"  {route[:44]:<44} {n:>6.0f} {cpu / n * 1000:>7.2f} {wall / n * 1000:>8.2f}"
            f" {queries / n:>5.1f} {sql / n * 1000:>7.2f}  {cpu / cpu_total:>4.0%}"
        )
    out.append("  SQL statements, most time waited first (count, ms each, the statement's start):")
    for statement, (n, seconds) in sorted(statements.items(), key=lambda i: -i[1][1])[:lines]:
        out.append(f"  {n:>6} {seconds / n * 1000:>6.2f}  {' '.join(statement.split())[:150]}")
    pstats_files = sorted(str(p) for p in folder.glob("worker-*.pstats"))
    if pstats_files:
        import io
        import pstats

        text = io.StringIO()
        stats = pstats.Stats(*pstats_files, stream=text).strip_dirs()
        stats.sort_stats("tottime").print_stats(lines)
        stats.sort_stats("cumulative").print_stats(lines * 2)
        out.append(text.getvalue())
    return "\n".join(out)
