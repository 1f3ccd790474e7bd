"""Dashboard benchmark (issue 6): the supervisor's figures over 1,000,000 cases on
PostgreSQL. Goal: the dashboard answers in under 300 ms.

Run: python -m bench.dashboard_bench [--cases N] [--fresh]  (the history database is kept
between runs and shared with bench.scale_bench: see bench/history.py).
The cases are a year of realistic history (`onething demo --cases N`: the real packages'
tasks, audit trail, ratings), loaded with COPY; the dashboard reads the daily roll-up.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, timedelta


def touch_open(cases: int) -> None:
    """Changes as a working day brings them: an audit record on open cases (filed over the
    last weeks), as their next steps would write — at the end of each case's chain but
    unsealed (what the roll-up reads is the same; the bench's database is not verified)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO cases_action (case_id, actor_role, action, from_state, to_state, note,
                   data, at, seq, mac)
               SELECT c.id, 'system', 'bench_touch', '', '', '', '{}', now(),
                   (SELECT coalesce(max(a.seq), 0) + 1 FROM cases_action a
                    WHERE a.case_id = c.id), ''
               FROM cases_case c WHERE c.state = 'in_progress' ORDER BY random() LIMIT %s""",
            [cases],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--fresh", action="store_true", help="reload the history")
    args = parser.parse_args()
    from bench.history import open_history

    label = open_history(args.cases, args.fresh)
    from onething.evaluation.dashboard import Filters, figures
    from onething.evaluation.rollup import rebuild, refresh

    print(f"dashboard on {label}:")
    started = time.perf_counter()
    report = rebuild()
    took = time.perf_counter() - started
    print(f"  roll-up rebuilt: {report.rows:,} rows for {report.days} days in {took:.1f} s")
    refresh(wait=True)
    for touched in (100, 1_000, 5_000):
        touch_open(touched)
        started = time.perf_counter()
        report = refresh(wait=True)
        took = time.perf_counter() - started
        print(
            f"  refresh after {touched:,} changed cases: {report.days} days recomputed "
            f"in {took * 1000:.0f} ms"
        )
    today = date.today()

    for title, filters in (
        ("all", Filters()),
        ("离石区", Filters(jurisdiction="141102")),
        ("one department", Filters(department="amr")),
        (
            "one package, one quarter",
            Filters(package="open_pharmacy", start=today - timedelta(days=91), end=today),
        ),
    ):
        figures(filters)  # warm the caches
        samples = []
        for _ in range(args.runs):
            start = time.perf_counter()
            result = figures(filters)
            samples.append(time.perf_counter() - start)
        print(
            f"  figures ({title}): median {statistics.median(samples) * 1000:.0f} ms, "
            f"worst {max(samples) * 1000:.0f} ms — {result.filed:,} cases, "
            f"on time {result.on_time:,}/{result.finished:,} (goal: under 300 ms)"
        )
    from django.test import Client

    from bench.history import log_in
    from onething.accounts.models import User

    client = Client(HTTP_HOST="localhost")  # an allowed host (no "testserver")
    log_in(client, User.objects.get(username="supervisor"))
    client.get("/dashboard/")
    samples = []
    for _ in range(args.runs):
        start = time.perf_counter()
        page = client.get("/dashboard/")
        samples.append(time.perf_counter() - start)
    assert page.status_code == 200
    print(
        f"  the whole /dashboard/ page (refresh, figures, charts, template): median "
        f"{statistics.median(samples) * 1000:.0f} ms, worst {max(samples) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
