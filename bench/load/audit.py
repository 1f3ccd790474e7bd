"""After a load run: was any work lost or done twice? The audit trail (cases_action) since
the run began is compared with what the driver saw confirmed, and every outbox message
with the deliveries the sweeps recorded. Runs in the orchestrating process (Django)."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path


def wait_for_outbox(outbox_mark: int, seconds: float) -> int:
    """Until the sweeps delivered every message of the run; returns how many are left."""
    from django.db import close_old_connections

    from onething.cases.models import OutboxMessage

    deadline = time.monotonic() + seconds
    while True:
        close_old_connections()
        waiting = OutboxMessage.objects.filter(pk__gt=outbox_mark, delivered_at=None).count()
        if not waiting or time.monotonic() > deadline:
            return waiting
        time.sleep(1.0)


def compare(label: str, confirmed: list, recorded: Counter) -> dict:
    """The driver's confirmations against the audit records of one kind of work."""
    confirmed_set = set(confirmed)
    return {
        "what": label,
        "confirmed": len(confirmed),
        "recorded": sum(recorded.values()),
        "driver_twice": len(confirmed) - len(confirmed_set),
        "lost": len(confirmed_set - set(recorded)),  # confirmed, not in the trail
        "twice": sum(1 for n in recorded.values() if n > 1),  # in the trail more than once
        "unconfirmed": len(set(recorded) - confirmed_set),  # done, the answer never came
    }


def check_work(work: dict, marks: dict) -> list[dict]:
    from onething.cases.models import Action, Case

    actions = Action.objects.filter(pk__gt=marks["action"], actor__username__startswith="load_")
    staff = Action.objects.filter(pk__gt=marks["action"]).exclude(
        actor__username__startswith="load_"
    )
    public = dict(
        Case.objects.filter(actions__pk__gt=marks["action"])
        .values_list("pk", "public_id")
        .distinct()
    )

    def by_case(rows) -> Counter:
        return Counter(str(public[case]) for case in rows.values_list("case_id", flat=True))

    def by_task(rows) -> Counter:
        return Counter(rows.values_list("task_id", flat=True))

    checks = [
        compare("cases filed", list(work["filed"]), by_case(actions.filter(action="create"))),
        compare("cases submitted", list(work["filed"]), by_case(actions.filter(action="submit"))),
        compare(
            "cases accepted",
            work["accepted"],
            by_case(staff.filter(action="accept", actor__role="clerk")),
        ),
        compare("tasks claimed", work["claimed"], by_task(staff.filter(action="claim"))),
        compare("tasks approved", work["approved"], by_task(staff.filter(action="approve"))),
    ]
    # An Idempotency-Key sent twice files one case, and the retry is answered with it.
    keys = Counter(
        Case.objects.filter(idempotency_key__in=list(work["filed"].values())).values_list(
            "idempotency_key", flat=True
        )
    )
    first = {key: case for case, key in work["filed"].items()}
    checks.append(
        {
            "what": "retries with the same Idempotency-Key",
            "confirmed": len(work["retried"]),
            "recorded": len(work["retried"]),
            "driver_twice": 0,
            "lost": sum(1 for key, case in work["retried"] if first.get(key) != case),
            "twice": sum(1 for n in keys.values() if n > 1),
            "unconfirmed": 0,
        }
    )
    return checks


def check_history() -> dict:
    """Over the whole trail: no case accepted twice, no task decided twice."""
    from django.db.models import Count

    from onething.cases.models import Action

    accepted = (
        Action.objects.filter(action__in=["accept", "deem_accepted"])
        .values("case_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    decided = (
        Action.objects.filter(action__in=["approve", "reject"], task__isnull=False)
        .values("task_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    return {"cases accepted twice": accepted, "tasks decided twice": decided}


def check_outbox(outbox_mark: int, deliveries: Path) -> dict:
    """Each notification of the run delivered once: by the database (delivered, one
    attempt) and by the sender's record of what it sent, with which instance."""
    from onething.cases.models import OutboxMessage

    messages = OutboxMessage.objects.filter(pk__gt=outbox_mark)
    lines = deliveries.read_text().split() if deliveries.exists() else []
    sent = Counter(int(message) for message in lines[0::3])
    by_instance = Counter(lines[1::3])
    ids = set(messages.values_list("pk", flat=True))
    return {
        "messages": len(ids),
        "undelivered": messages.filter(delivered_at=None).count(),
        "attempts_not_one": messages.exclude(attempts=1).count(),
        "sent_twice": sum(1 for pk, n in sent.items() if pk in ids and n > 1),
        "never_sent": len(ids - set(sent)),
        "by_instance": dict(sorted(by_instance.items())),
    }
