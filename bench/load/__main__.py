"""`python -m bench.load`: one load run, or with --all the matrix; see bench/load/__init__.py."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.load import audit, profiling, servers, workload

POSTGRES = os.environ.get(
    "ONETHING_BENCH_LOAD_POSTGRES", "postgresql://postgres@127.0.0.1:5432/onething_load"
)
MATRIX = [("sqlite", 1), ("postgres", 1), ("postgres", 2)]


def arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--instances", type=int, choices=[1, 2], default=1)
    parser.add_argument("--all", action="store_true", help="SQLite×1, PostgreSQL×1 and ×2")
    parser.add_argument("--duration", type=float, default=60, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=5, help="seconds not measured")
    parser.add_argument("--clients", type=int, default=16, help="driver threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers per instance")
    parser.add_argument("--sweep-every", type=int, default=15, help="seconds between sweeps")
    parser.add_argument("--history", type=int, default=50_000, help="cases loaded before")
    parser.add_argument("--nginx", action="store_true", help="nginx in front of one instance too")
    parser.add_argument(
        "--profile",
        choices=["routes", "cprofile"],
        help="time each route in the workers (and cProfile them): see bench/load/profiling.py",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, help="reuse this folder and its base database")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    return parser.parse_args(argv)


def main() -> None:
    args = arguments()
    if args.all:
        run_matrix(args)
        return
    args.data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="onething-load-"))
    result = run(args)
    print_result(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


def run_matrix(args: argparse.Namespace) -> None:
    """Each configuration in its own process (Django is set up once per process), on
    copies of one base database, one after another; then the figures side by side."""
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="onething-load-"))
    results = []
    for db, instances in MATRIX:
        out = data_dir / f"result-{db}-{instances}.json"
        passed = [a for a in sys.argv[1:] if a != "--all"]
        command = [sys.executable, "-m", "bench.load", *passed, "--db", db]
        command += ["--instances", str(instances), "--data-dir", str(data_dir), "--json", str(out)]
        subprocess.run(command, check=True)
        results.append(json.loads(out.read_text()))
        print()
    print_summary(results)


# --------------------------------------------------------------------------- one run


def environment(args: argparse.Namespace, url: str) -> dict:
    return {
        **os.environ,
        "ONETHING_DATA_DIR": str(args.data_dir),
        "ONETHING_DATABASE_URL": url,
        "ONETHING_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "onething.web.settings",
        # The benchmark's modules (the notification sender, the profiler) for the app's
        # processes; a PYTHONPATH given (another checkout's src) goes first.
        "PYTHONPATH": os.pathsep.join(
            filter(None, [os.environ.get("PYTHONPATH"), str(servers.REPO)])
        ),
    }


def prepare_database(args: argparse.Namespace) -> str:
    """A fresh copy of the base database (built once per data folder); returns its URL."""
    ready = args.data_dir / f"base-{args.db}-{args.history}.ready"
    if args.db == "postgres":
        base = POSTGRES + "_base"
        if not ready.exists():
            print(f"building the base database ({args.history:,} cases of history) …", flush=True)
            workload.recreate_postgres(base)
            workload.build_base(environment(args, base), args.history, args.data_dir / "base.log")
            ready.touch()
        workload.recreate_postgres(POSTGRES, template=base.rsplit("/", 1)[1])
        return POSTGRES
    base_file = args.data_dir / "base.sqlite3"
    if not ready.exists():
        print(f"building the base database ({args.history:,} cases of history) …", flush=True)
        base_file.unlink(missing_ok=True)
        env = environment(args, f"sqlite:///{base_file}")
        workload.build_base(env, args.history, args.data_dir / "base.log")
        ready.touch()
    target = args.data_dir / "load.sqlite3"
    workload.copy_sqlite(base_file, target)
    return f"sqlite:///{target}"


def run(args: argparse.Namespace) -> dict:
    url = prepare_database(args)
    env = environment(args, url)
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connections

    label = f"{'PostgreSQL' if args.db == 'postgres' else 'SQLite'} × {args.instances}"
    print(f"load: {label}, {args.workers} workers each, {args.clients} clients, ", end="")
    print(
        f"{args.duration:.0f} s (+{args.warmup:.0f} s warm-up), data in {args.data_dir}", flush=True
    )
    plan = workload.make_plan(args.seed)
    marks = workload.watermarks()
    postmaster = workload.postmaster_pid(url) if args.db == "postgres" else None
    connections.close_all()

    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=args.data_dir))
    deliveries = run_dir / "deliveries.log"
    env["ONETHING_NOTIFICATION_SENDER"] = "bench.load.sender:RecordingSender"
    env["ONETHING_BENCH_DELIVERIES"] = str(deliveries)
    if args.profile:
        env["GUNICORN_CMD_ARGS"] = "--config python:bench.load.profiling"
        env["ONETHING_BENCH_PROFILE_DIR"] = str(run_dir)
        env["ONETHING_BENCH_PROFILE"] = args.profile

    with contextlib.ExitStack() as stack:
        instances = []
        for number in range(1, args.instances + 1):
            instance = servers.start_instance(number, args.workers, args.sweep_every, env, run_dir)
            stack.callback(instance.stop)
            instances.append(instance)
        for instance in instances:
            servers.wait_until_up(instance.port)
            servers.wait_for_workers(instance, args.workers)
        meter = servers.Meter()
        if postmaster is not None:
            database = url.rsplit("/", 1)[1]
            meter.postgres = servers.Group(
                "PostgreSQL", find=lambda: servers.postgres_pids(postmaster, database)
            )
        for instance in instances:
            meter.groups += instance.groups()
        port = instances[0].port
        if args.instances > 1 or args.nginx:
            nginx = servers.start_nginx([i.port for i in instances], run_dir)
            stack.callback(nginx.stop)
            meter.groups.append(nginx.group())
            port = nginx.port
        plan.update(
            host="127.0.0.1",
            port=port,
            clients=args.clients,
            duration=args.duration,
            warmup=args.warmup,
            seed=args.seed,
        )
        driven = drive(plan, run_dir, meter)
        left = audit.wait_for_outbox(marks["outbox"], seconds=3 * args.sweep_every + 30)
        if left:
            print(f"  {left} notifications still waiting after the run", flush=True)
    # Every instance has stopped: its sweeps are done, its workers wrote their profiles.
    result = {
        "config": {
            "db": args.db,
            "instances": args.instances,
            "workers": args.workers,
            "clients": args.clients,
            "duration": args.duration,
            "history": args.history,
            "nginx": args.instances > 1 or args.nginx,
        },
        "driver": {k: v for k, v in driven["driver"].items() if k != "work"},
        "resources": driven["resources"],
        "work": audit.check_work(driven["driver"]["work"], marks),
        "history_check": audit.check_history(),
        "outbox": audit.check_outbox(marks["outbox"], deliveries),
    }
    if args.profile:
        result["profile"] = profiling.report(run_dir)
    return result


def drive(plan: dict, run_dir: Path, meter: servers.Meter) -> dict:
    """The driver in its own process; the meter runs while it measures."""
    plan_file, result_file = run_dir / "plan.json", run_dir / "driver.json"
    plan_file.write_text(json.dumps(plan))
    driver = subprocess.Popen(
        [sys.executable, "-m", "bench.load.driver", str(plan_file), str(result_file)],
        cwd=servers.REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert driver.stdout is not None
    if driver.stdout.readline().strip() != "measuring":
        driver.wait()
        raise RuntimeError("the driver stopped before measuring")
    meter.start()
    code = driver.wait()
    resources = meter.stop()
    if code:
        raise RuntimeError(f"the driver failed with exit code {code}")
    started = time.monotonic()
    while not result_file.exists() and time.monotonic() - started < 10:
        time.sleep(0.1)
    return {"driver": json.loads(result_file.read_text()), "resources": resources}


# --------------------------------------------------------------------------- printing


def print_result(result: dict) -> None:
    driver, config = result["driver"], result["config"]
    seconds = driver["seconds"]
    print(f"  {'request':<12} {'count':>7} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for label, row in driver["types"].items():
        print(
            f"  {label:<12} {row['count']:>7} {row['count'] / seconds:>7.1f} "
            f"{row['p50'] * 1000:>8.1f} {row['p99'] * 1000:>8.1f} {row['errors']:>6}"
        )
    total = driver["all"]
    print(
        f"  {'all':<12} {total['count']:>7} {total['count'] / seconds:>7.1f} "
        f"{total['p50'] * 1000:>8.1f} {total['p99'] * 1000:>8.1f} {total['errors']:>6}"
    )
    for example in driver["error_examples"][:5]:
        print(f"    error: {example}")
    resources = result["resources"]
    print(f"  CPU seconds over {seconds:.0f} s, peak resident memory (sum over the processes):")
    for group in resources["groups"]:
        print(
            f"    {group['name']:<20} {group['cpu']:7.1f} s  {group['peak_rss'] / 2**20:7.0f} MiB"
            f"  ({group['processes']} processes)"
        )
    if config["db"] == "postgres":
        print(
            f"    {'PostgreSQL':<20} {resources['postgres_cpu']:7.1f} s  (this database's backends)"
        )
    print(f"    {'driver':<20} {driver['driver_cpu']:7.1f} s")
    cpu = cpu_budget(result)
    print(
        f"    machine: {cpu['busy']:.1f} of {cpu['cores']} cores busy, "
        f"{cpu['others']:.1f} of them by other processes"
    )
    print(
        f"  server CPU per request {cpu['per_request'] * 1000:.1f} ms (app "
        f"{cpu['app'] / total['count'] * 1000:.1f}, PostgreSQL "
        f"{cpu['postgres'] / total['count'] * 1000:.1f}): about {cpu['capacity']:.0f} requests/s "
        f"if the server had the {cpu['cores']} cores to itself"
    )
    print("  work: confirmed by the driver vs the audit trail")
    for row in result["work"]:
        bad = row["lost"] + row["twice"] + row["driver_twice"]
        print(
            f"    {row['what']:<38} {row['confirmed']:>6} confirmed, {row['recorded']:>6} recorded;"
            f" lost {row['lost']}, twice {row['twice']}, unconfirmed {row['unconfirmed']}"
            f"  {'ok' if not bad else 'WRONG'}"
        )
    history = result["history_check"]
    print("    whole trail: " + ", ".join(f"{k} {v}" for k, v in history.items()))
    outbox = result["outbox"]
    print(
        f"  outbox: {outbox['messages']} notifications, {outbox['undelivered']} undelivered, "
        f"{outbox['attempts_not_one']} with attempts≠1, {outbox['sent_twice']} sent twice, "
        f"{outbox['never_sent']} never sent; sent by instance {outbox['by_instance']}"
    )
    print(f"  verdict: {verdict(result)}")
    if "profile" in result:
        print(result["profile"])


def cpu_budget(result: dict) -> dict:
    """Where the machine's CPU went during the measured window, and what that means for
    a server with the machine to itself (the load that other processes put on it varies)."""
    resources, driver = result["resources"], result["driver"]
    seconds, count = driver["seconds"], max(driver["all"]["count"], 1)
    groups = resources["groups"]
    app = sum(g["cpu"] for g in groups if g["name"].startswith("instance"))
    nginx = sum(g["cpu"] for g in groups if g["name"] == "nginx")
    server = app + nginx + resources["postgres_cpu"]
    cores = os.cpu_count() or 1
    per_request = server / count
    return {
        "cores": cores,
        "busy": resources["machine_busy"] / seconds,
        "others": (resources["machine_busy"] - server - driver["driver_cpu"]) / seconds,
        "app": app,
        "postgres": resources["postgres_cpu"],
        "per_request": per_request,
        "capacity": cores / per_request if per_request else 0.0,
    }


def verdict(result: dict) -> str:
    problems = []
    driver = result["driver"]
    if driver["all"]["errors"]:
        problems.append(f"{driver['all']['errors']} errors")
    if any(r["lost"] or r["twice"] or r["driver_twice"] for r in result["work"]):
        problems.append("work lost or duplicated")
    if any(result["history_check"].values()):
        problems.append("a case or task handled twice")
    outbox = result["outbox"]
    if outbox["undelivered"] or outbox["attempts_not_one"] or outbox["sent_twice"]:
        problems.append("notifications not delivered exactly once")
    return "; ".join(problems) or "no errors, no work lost or duplicated, notifications once"


def print_summary(results: list[dict]) -> None:
    print(
        "| configuration | requests/s | p50 ms | p99 ms | errors | server CPU ms/request "
        "(app + PostgreSQL) | requests/s on free cores | app CPU s | app peak RSS MiB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for result in results:
        config, total = result["config"], result["driver"]["all"]
        seconds, count = result["driver"]["seconds"], max(total["count"], 1)
        app = [g for g in result["resources"]["groups"] if g["name"].startswith("instance")]
        cpu = cpu_budget(result)
        name = f"{'PostgreSQL' if config['db'] == 'postgres' else 'SQLite'} × {config['instances']}"
        print(
            f"| {name}{' (nginx)' if config['nginx'] else ''} | {count / seconds:.0f} "
            f"| {total['p50'] * 1000:.0f} | {total['p99'] * 1000:.0f} | {total['errors']} "
            f"| {cpu['per_request'] * 1000:.1f} ({cpu['app'] / count * 1000:.1f} + "
            f"{cpu['postgres'] / count * 1000:.1f}) | {cpu['capacity']:.0f} "
            f"| {cpu['app']:.0f} | {sum(g['peak_rss'] for g in app) / 2**20:.0f} |"
        )
    for result in results:
        config = result["config"]
        print(f"{config['db']} × {config['instances']}: {verdict(result)}")


if __name__ == "__main__":
    main()
