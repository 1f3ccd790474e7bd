"""python -m bench.peers [--db sqlite|postgres] [--lifecycles N] — see bench/peers/__init__.py.

PostgreSQL: ONETHING_BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432/
onething_bench_peers), a database recreated for the run and shared by both sides.
Needs the bench extra: pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from importlib.metadata import version

from bench.cases_bench import background_sweep, configure, pharmacy_filing, prepare
from bench.peers import (
    DEFAULT_POSTGRES,
    STEPS,
    WARMUP,
    SpiffServer,
    Store,
    project_run,
    spiff_run,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--lifecycles", type=int, default=200, help="for each side")
    parser.add_argument(
        "--rounds", type=int, default=5, help="the sides take turns, so that load hits all alike"
    )
    args = parser.parse_args()
    if args.db == "postgres":
        os.environ.setdefault("ONETHING_BENCH_POSTGRES", DEFAULT_POSTGRES)
    label = configure(args.db)
    prepare()
    if args.db == "postgres":
        store = Store(postgres_url=os.environ["ONETHING_DATABASE_URL"])
    else:
        store = Store(sqlite_path=os.path.join(os.environ["ONETHING_DATA_DIR"], "spiff.sqlite3"))
    filing = dataclasses.asdict(pharmacy_filing())
    spiff = f"SpiffWorkflow {version('SpiffWorkflow')}"
    servers = {
        f"{spiff}, persisted after each step": SpiffServer(filing, store),
        f"{spiff}, read back and persisted each step": SpiffServer(
            filing, store, reload=True, first_id=10**7
        ),
        f"{spiff}, in memory (secondary: no persistence)": SpiffServer(filing),
    }
    printed = ""

    def project(count: int) -> float:
        nonlocal printed
        seconds, printed = project_run(count)
        return seconds

    sides = {"onething service layer": project}
    sides_of_project = set(sides)
    sides.update({what: (lambda n, s=server: spiff_run(s, n)) for what, server in servers.items()})
    seconds = dict.fromkeys(sides, 0.0)
    with background_sweep():
        for run in sides.values():
            run(WARMUP)
        rounds = max(1, min(args.rounds, args.lifecycles))
        for turn in range(rounds):
            count = args.lifecycles // rounds + (turn < args.lifecycles % rounds)
            for what, run in sides.items():
                seconds[what] += run(count)

    print(f"peer comparison: {args.lifecycles} 我要开药店 lifecycles a side on {label}")
    print(f"({STEPS} steps a lifecycle: file, accept, 7 x claim and approve, hand over)")
    width = max(map(len, seconds))
    onething = args.lifecycles / seconds["onething service layer"]
    for what, total in seconds.items():
        rate = args.lifecycles / total
        ratio = "" if what in sides_of_project else f"   onething/this {onething / rate:5.2f}"
        per_step = total / args.lifecycles / STEPS * 1000
        print(f"  {what:<{width}} {rate:7.1f} lifecycles/s {per_step:5.2f} ms/step{ratio}")
    audit_rows = store.count("spiff_audit")
    assert audit_rows == 2 * (WARMUP + args.lifecycles) * STEPS, audit_rows
    size = store.conn.execute("SELECT max(length(state)) FROM spiff_instance").fetchone()[0]
    rows = store.count("spiff_instance")
    print(f"  (Spiff: {rows} instance rows, {audit_rows} audit rows, workflow JSON {size} chars)")
    print(f"onething service layer, the last round in detail:\n{printed.rstrip()}")


main()
