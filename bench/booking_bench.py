"""预约办 under a rush (issue 16): 200 people book the same morning's slots at once —
the next working morning of 离石区政务服务中心's 综合窗口, six half-hour slots of
``--places`` places each (20: 120 places for 200 people, so that every slot fills and
some bookers are turned away). Each person books one slot chosen at random; a refused
one (slot full) looks at the free slots and tries one more.

Two ways, each on a fresh database:

- ``--mode service``: the service layer (hall.booking.book) from 200 threads, each with
  its own database connection, released together by a barrier;
- ``--mode http``: ``onething serve`` (gunicorn, ``--workers``) and 200 client threads
  posting ``POST /api/v1/appointments`` with a bearer token each, released together.

Reported: outcomes, then per slot booked against capacity and the appointments it holds
(none over capacity, or the run fails), and the latency of each attempt (p50, p99, max;
from the barrier's release, so queueing for a connection or a worker counts). Goal: no
slot over capacity, p99 under 200 ms.

Run: python -m bench.booking_bench [--db sqlite|postgres] [--mode service|http]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib import error, request

PEOPLE = 200


def arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.booking_bench", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--mode", choices=["service", "http"], default="service")
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--places", type=int, default=20, help="places per slot")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (http)")
    parser.add_argument(
        "--over",
        type=float,
        default=0.0,
        help="spread the arrivals evenly over so many seconds (0: all at the same instant)",
    )
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument(
        "--floor",
        action="store_true",
        help="(http) also send the same burst to /healthz: the least any request costs here",
    )
    return parser.parse_args(argv)


def prepare_people(count: int, places: int, with_tokens: bool) -> tuple[list, list]:
    """`count` applicants (and their API tokens) and the morning's slots, `places` each."""
    from django.db import transaction

    from onething.accounts.models import ApiToken, User
    from onething.hall.hours import local_now
    from onething.hall.models import Slot, WindowType

    with transaction.atomic():
        people = User.objects.bulk_create(
            User(username=f"booker{n:03d}", role="applicant", full_name=f"预约人{n}")
            for n in range(count)
        )
        people = list(User.objects.filter(username__startswith="booker").order_by("username"))
        kind = WindowType.objects.get(hall__code="lishi", code="general")
        day = (
            Slot.objects.filter(window_type=kind, date__gt=local_now().date(), extra=False)
            .order_by("date")
            .values_list("date", flat=True)
            .first()
        )
        morning = Slot.objects.filter(window_type=kind, date=day, starts__lt="12:00")
        morning.update(capacity=places)
        tokens = [ApiToken.issue(p, "bench")[1] for p in people] if with_tokens else []
    return list(zip(people, tokens or [None] * len(people), strict=True)), list(
        morning.order_by("starts")
    )


def service_attempt(person, slot, others):
    from django.db import connection

    from onething.core.errors import Conflict
    from onething.hall import booking

    def book(chosen):
        wanted = booking.Booking("lishi", "open_restaurant", chosen.date, chosen.starts)
        booking.book(person, wanted)

    try:
        try:
            book(slot)
            return "won"
        except Conflict:
            from onething.hall.hours import free_slots

            morning = {s.pk for s in others}
            free = [
                s for s in free_slots(slot.hall, slot.window_type, slot.date) if s.pk in morning
            ]
            if not free:
                return "full"
            book(random.choice(free))
            return "won (2nd try)"
    except Conflict:
        return "full"
    finally:
        connection.close()


def http_attempt(base: str, token: str, slot) -> str:
    def post(chosen) -> int:
        body = {
            "hall": "lishi",
            "package_id": "open_restaurant",
            "day": chosen.date.isoformat(),
            "starts": chosen.starts.strftime("%H:%M"),
        }
        sent = request.Request(
            base + "/api/v1/appointments",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with request.urlopen(sent, timeout=60) as answer:
                return answer.status
        except error.HTTPError as refused:
            return refused.code

    status = post(slot)
    return "won" if status == 201 else ("full" if status == 409 else f"HTTP {status}")


def rush(
    people: list, slots: list, attempt, over: float = 0.0
) -> tuple[list[str], list[float], float]:
    """Every person at once, or arriving evenly over `over` seconds: (outcomes, each
    one's latency from their arrival in seconds, wall time)."""
    rng = random.Random(len(people))
    barrier = threading.Barrier(len(people) + 1)
    outcomes: list[str] = [""] * len(people)
    latencies: list[float] = [0.0] * len(people)
    released = [0.0]

    def one(index: int, person, token) -> None:
        chosen = slots[rng.randrange(len(slots))]
        delay = over * index / len(people)
        barrier.wait()
        if delay:
            time.sleep(delay)
        arrived = released[0] + delay
        try:
            outcomes[index] = attempt(person, token, chosen)
        except Exception as exc:  # counted and shown, never hidden
            outcomes[index] = f"error {type(exc).__name__}: {exc}"[:120]
        latencies[index] = time.perf_counter() - arrived

    threads = [
        threading.Thread(target=one, args=(n, person, token))
        for n, (person, token) in enumerate(people)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # every thread at the barrier
    released[0] = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join()
    return outcomes, latencies, time.perf_counter() - released[0]


def check_slots(slots: list) -> list[str]:
    from onething.hall.models import Appointment, Slot

    lines, over = [], 0
    for slot in Slot.objects.filter(pk__in=[s.pk for s in slots]).order_by("starts"):
        held = Appointment.objects.filter(slot=slot, state="booked").count()
        over += slot.booked > slot.capacity or held != slot.booked
        lines.append(
            f"    {slot.starts:%H:%M}  booked {slot.booked:>3} / {slot.capacity}  ({held} held)"
        )
    lines.append(
        "no slot over capacity" if not over else f"{over} SLOTS OVER CAPACITY OR MISCOUNTED"
    )
    return lines


def report(label: str, outcomes: list[str], latencies: list[float], wall: float) -> None:
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome] = counts.get(outcome, 0) + 1
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(f"{label}: {len(outcomes)} people, all done in {wall * 1000:.0f} ms")
    print("    outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print(
        f"    latency p50 {statistics.median(ordered) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
        f"max {ordered[-1] * 1000:.1f} ms (goal: p99 under 200 ms)"
    )


def main() -> None:
    args = arguments()
    from bench.cases_bench import configure, prepare

    label = configure(args.db)
    prepare()
    people, slots = prepare_people(args.people, args.places, args.mode == "http")
    print(f"{args.mode} on {label}: {len(slots)} morning slots of {slots[0].date}")
    if args.mode == "service":
        outcomes, latencies, wall = rush(
            people,
            slots,
            lambda person, _token, slot: service_attempt(person, slot, slots),
            args.over,
        )
    else:
        outcomes, latencies, wall = run_http(args, people, slots)
    arrivals = f"arriving over {args.over:g} s" if args.over else "at the same instant"
    report(f"{args.mode} ({args.db}, {arrivals})", outcomes, latencies, wall)
    lines = check_slots(slots)
    print("\n".join(lines))
    if not lines[-1].startswith("no slot"):
        sys.exit(1)


def warm_up(base: str, slot, workers: int) -> None:
    """Each worker reads the catalogue and the hall once before the clock starts (a
    deployment's workers have long been warm): free slots asked by zhangsan, in parallel."""
    from onething.accounts.models import ApiToken, User

    token = ApiToken.issue(User.objects.get(username="zhangsan"), "bench")[1]
    address = f"{base}/api/v1/halls/lishi/slots?package_id=open_restaurant&day={slot.date}"

    def ask() -> None:
        sent = request.Request(address, headers={"Authorization": f"Bearer {token}"})
        with request.urlopen(sent, timeout=60) as answer:
            answer.read()

    for _round in range(3):
        threads = [threading.Thread(target=ask) for _ in range(workers * 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def floor_burst(base: str, count: int, instance) -> None:
    """The same number of people at once asking for /healthz (one SELECT 1, no template):
    what the machine, gunicorn and Django's middleware give any burst, before a booking
    does anything."""

    def attempt(_person, _token, _slot) -> str:
        with request.urlopen(base + "/healthz", timeout=60) as answer:
            answer.read()
            return "ok" if answer.status == 200 else f"HTTP {answer.status}"

    for _round in range(3):
        (outcomes, latencies, wall), server_cpu, _ = metered(
            instance, lambda: rush([(None, None)] * count, [None], attempt)
        )
        report(f"/healthz, the same burst (round {_round + 1})", outcomes, latencies, wall)
        print(f"    server CPU {server_cpu * 1000 / count:.2f} ms a request")


def metered(instance, run):
    """run(), with the server's CPU seconds during it and the machine's use (servers.Meter)."""
    from bench.load import servers

    meter = servers.Meter(groups=instance.groups())
    meter.start()
    result = run()
    used = meter.stop()
    return result, sum(group["cpu"] for group in used["groups"]), used


def run_http(args, people, slots):
    from bench.load import servers

    run_dir = Path(tempfile.mkdtemp(prefix="onething-booking-"))
    instance = servers.start_instance(1, args.workers, 3600, os.environ.copy(), run_dir)
    try:
        servers.wait_until_up(instance.port)
        servers.wait_for_workers(instance, args.workers)
        base = f"http://127.0.0.1:{instance.port}"
        warm_up(base, slots[0], args.workers)
        client_cpu = time.process_time()
        result, server_cpu, used = metered(
            instance,
            lambda: rush(
                people,
                slots,
                lambda _person, token, slot: http_attempt(base, token, slot),
                args.over,
            ),
        )
        client_cpu = time.process_time() - client_cpu
        print(
            f"    CPU during the rush: server {server_cpu * 1000 / len(people):.1f} ms a booking "
            f"({server_cpu:.2f} s), these {len(people)} clients "
            f"{client_cpu * 1000 / len(people):.1f} ms a booking; the machine "
            f"{used['machine_busy']:.2f} of "
            f"{used['machine_total']:.2f} core-seconds busy"
        )
        if args.floor:
            floor_burst(base, len(people), instance)
        return result
    finally:
        instance.stop()


if __name__ == "__main__":
    main()
