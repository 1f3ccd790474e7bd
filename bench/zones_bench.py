"""专区办 benchmark (issue 17): a zone clerk imports a spreadsheet of 1,000 new businesses
(.xlsx) into a fresh demo database — read, refused-or-kept as a batch, every row checked
by the one-form rules as the batch page's progress polls do it (`check_some` for 0.4 s a
poll, a poll a second) — while another thread keeps asking the app for pages (a guide,
the health check) through Django's full request stack. Then the clerk confirms: every
valid row filed as a case with the zone's 场地证明. Goal: the import (upload to every row
checked) under 30 s, and the other requests answered meanwhile.

Run: python -m bench.zones_bench [--rows 1000] [--db sqlite|postgres] [--no-confirm]
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time


def arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.zones_bench", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--bad", type=int, default=5, help="rows made wrong")
    parser.add_argument("--no-confirm", action="store_true", help="stop after the check")
    return parser.parse_args(argv)


class Asker(threading.Thread):
    """Another user of the app: GET a page, then the health check, again and again."""

    PATHS = ("/guides/small_food_shop", "/healthz")

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.latencies: list[float] = []
        self.failures = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        from django.db import connection
        from django.test import Client

        client = Client(HTTP_HOST="localhost", secure=True)
        n = 0
        while not self.stopping.is_set():
            started = time.perf_counter()
            status = client.get(self.PATHS[n % len(self.PATHS)]).status_code
            self.latencies.append(time.perf_counter() - started)
            self.failures += status != 200
            n += 1
            time.sleep(0.05)
        connection.close()


def latency_line(label: str, latencies: list[float], failures: int) -> str:
    ordered = sorted(latencies) or [0.0]
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"{label}: {len(latencies)} requests, {failures} not 200, p50 "
        f"{statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
        f"max {ordered[-1] * 1000:.1f} ms"
    )


def baseline(seconds: float = 3.0) -> Asker:
    asker = Asker()
    asker.start()
    time.sleep(seconds)
    asker.stopping.set()
    asker.join()
    return asker


def main() -> None:
    args = arguments()
    from bench.cases_bench import configure, prepare

    label = configure(args.db)
    prepare()
    from onething.accounts.models import User
    from onething.zones import services
    from onething.zones.demo import DEMO_ZONE
    from onething.zones.models import Zone
    from onething.zones.sample import sample_xlsx

    clerk = User.objects.get(username="clerk_jiaoqu")
    zone = Zone.objects.get(code=DEMO_ZONE)
    data = sample_xlsx(args.rows, args.bad)
    print(f"专区办 import on {label}: {args.rows} rows ({args.bad} bad), {len(data):,} bytes")
    idle = baseline()
    print("    " + latency_line("other requests, idle", idle.latencies, idle.failures))

    asker = Asker()
    asker.start()
    started = time.perf_counter()
    batch = services.start_import(clerk, zone.public_id, "bench.xlsx", data)
    read = time.perf_counter() - started
    polls = 0
    while batch.state == "checking":
        poll_started = time.perf_counter()
        batch = services.check_some(batch.pk, 0.4)
        polls += 1
        if batch.state == "checking":
            time.sleep(max(0.0, 1.0 - (time.perf_counter() - poll_started)))
    imported = time.perf_counter() - started
    asker.stopping.set()
    asker.join()
    print(f"    read and kept as a batch: {read:.2f} s")
    print(
        f"    import (upload to every row checked): {imported:.2f} s in {polls} polls, "
        f"{batch.valid} valid of {batch.total} (goal: under 30 s)"
    )
    print(
        "    " + latency_line("other requests, during the import", asker.latencies, asker.failures)
    )
    if not args.no_confirm:
        started = time.perf_counter()
        services.confirm_batch(clerk, batch.public_id)
        print(
            f"    confirm: {batch.valid} cases filed with the zone's 场地证明 in "
            f"{time.perf_counter() - started:.2f} s (one transaction)"
        )


if __name__ == "__main__":
    main()
