"""Pages with a year of history (issue 7): a reviewer's work list, the overdue list, a case
page, an applicant's cases, the window's queue and the dashboard, each requested many
times through Django's full request path (middleware, session, view, template) against
PostgreSQL holding N cases. Prints p50/p99 per page (goal with 1,000,000 cases: work
list, overdue list and case page p99 < 50 ms) and the query plans' scans of the big tables.

Run: python -m bench.scale_bench [--cases N] [--fresh]  (the history database is kept
between runs and shared with bench.dashboard_bench: see bench/history.py).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time

BIG_TABLES = ("cases_case", "cases_task", "cases_action", "evaluation_rating", "accounts_user")


def pages() -> dict[str, tuple[str, list[str]]]:
    """Page kind: (who asks, the addresses asked, varied like real use)."""
    from onething.cases.models import Case

    rng = random.Random(7)
    newest = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    picks = [rng.randint(1, newest) for _ in range(200)]
    ids = list(
        Case.objects.filter(pk__in=picks).values_list("public_id", "applicant__username")[:100]
    )
    return {
        "reviewer work list": ("r_mpa", ["/review/", "/review/?show=todo", "/review/?page=2"]),
        "overdue list": ("supervisor_lishi", ["/supervision/?state=overdue"]),
        "supervision (all)": ("supervisor_lishi", ["/supervision/"]),
        "case page": ("clerk_lishi", [f"/cases/{public_id}" for public_id, _ in ids]),
        "window queue": ("clerk_lishi", ["/window/"]),
        "applicant's cases": (ids[0][1] if ids else "yaofang", ["/my/"]),
        "dashboard": ("supervisor", ["/dashboard/"]),
    }


def measure(samples: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.history import log_in
    from onething.accounts.models import User

    for kind, (username, addresses) in pages().items():
        client = Client(HTTP_HOST="localhost")  # an allowed host (no "testserver")
        log_in(client, User.objects.get(username=username))
        for address in addresses:  # warm: the catalogue parsed, plans cached
            assert client.get(address).status_code == 200, (kind, address)
        timings = []
        for index in range(samples):
            address = addresses[index % len(addresses)]
            started = time.perf_counter()
            response = client.get(address)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (kind, address, response.status_code)
        timings.sort()
        p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
        with CaptureQueriesContext(connection) as captured:
            client.get(addresses[0])
        scans = sequential_scans(captured.captured_queries)
        print(
            f"  {kind:22} p50 {statistics.median(timings) * 1000:6.1f} ms  "
            f"p99 {p99 * 1000:6.1f} ms  {len(captured.captured_queries):3} queries"
            + (f"  seq scans: {', '.join(scans)}" if scans else "  (index scans only)")
        )


def sequential_scans(queries: list[dict]) -> list[str]:
    """The big tables a page's queries read whole (EXPLAIN, without running them)."""
    from django.db import connection

    found = []
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            for table in re.findall(r"Seq Scan on (\w+)", plan):
                if table in BIG_TABLES and table not in found:
                    found.append(table)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--fresh", action="store_true", help="reload the history")
    args = parser.parse_args()
    from bench.history import open_history

    label = open_history(args.cases, args.fresh)
    from onething.cases.models import Case

    print(f"pages on {label} with {Case.objects.count():,} cases:")
    measure(args.samples)


if __name__ == "__main__":
    main()
