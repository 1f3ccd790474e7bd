"""`python -m bench` (make bench): every benchmark, one after another, figures printed.

The case benchmarks run in their own processes (Django is configured once per process):
on SQLite, and on PostgreSQL when ONETHING_BENCH_POSTGRES (or the local server on
127.0.0.1:5432) can be reached.
"""

import subprocess
import sys

from bench.catalog_bench import main as catalog_bench


def postgres_reachable() -> bool:
    import os

    import psycopg

    from bench.cases_bench import DEFAULT_POSTGRES

    url = os.environ.get("ONETHING_BENCH_POSTGRES", DEFAULT_POSTGRES)
    try:
        psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def main() -> None:
    catalog_bench()
    print()
    subprocess.run([sys.executable, "-m", "bench.intake_bench"], check=True)
    print()
    subprocess.run([sys.executable, "-m", "bench.projects_bench"], check=True)
    print()
    subprocess.run([sys.executable, "-m", "bench.licences_bench"], check=True)
    print()
    subprocess.run([sys.executable, "-m", "bench.zones_bench"], check=True)  # 专区办: 1,000 rows
    print()
    subprocess.run([sys.executable, "-m", "bench.search"], check=True)  # 数智政务 search
    print()
    subprocess.run([sys.executable, "-m", "bench.exchange_bench"], check=True)  # 跨省通办
    print()
    databases = ["sqlite"] + (["postgres"] if postgres_reachable() else [])
    for db in databases:
        subprocess.run([sys.executable, "-m", "bench.cases_bench", "--db", db], check=True)
        print()
        booking = [sys.executable, "-m", "bench.booking_bench", "--db", db, "--mode", "http"]
        subprocess.run(booking, check=True)  # 预约办: 200 people book one morning at once
        print()
    if "postgres" in databases:
        subprocess.run([sys.executable, "-m", "bench.dashboard_bench"], check=True)
        print()
    if "postgres" not in databases:
        print("PostgreSQL not reachable: set ONETHING_BENCH_POSTGRES=postgresql://… to include it")


main()
