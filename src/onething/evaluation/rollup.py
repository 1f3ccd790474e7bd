"""The dashboard's daily roll-up (日汇总): case figures per filing day, window, place,
package and department, so the supervisor's dashboard reads a few thousand rows however
many cases there are.

The roll-up follows the audit trail. Every change to a case or its ratings appends an
audit record (`cases.Action`); `refresh` finds the filing days of the cases touched since
it last ran and recomputes those days from the cases themselves, so a figure is always
what the cases say, never a running count that could drift. The background sweep
refreshes every minute and the dashboard refreshes before it reads; `rebuild` recomputes
every day (after a bulk load).

Audit ids are handed out before their transactions commit, so a smaller id may become
visible after a larger one. The watermark therefore only moves past an id once every
transaction open when it was read must have finished (`SETTLE`), and the ids in between
are read again — recomputing a day twice costs a little; skipping one would be wrong.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from onething.cases.models import Action, Case, Task
from onething.evaluation.models import DailyFigures, FiguresWatermark

GOOD_LEVELS = (3, 4, 5)  # 基本满意 and better: 好评; 不满意 and 非常不满意: 差评
SETTLE = timedelta(seconds=60)  # longer than any transaction that records an action
BUCKET = ("day", "window", "place", "package_id", "package_name", "department")
COUNTS = ("filed", "accepted", "finished", "on_time")


def finished(prefix: str = "") -> Q:
    return Q(**{f"{prefix}ready_at__isnull": False})


def on_time(prefix: str = "") -> Q:
    """Finished by the promised date (承诺时限)."""
    return finished(prefix) & Q(**{f"{prefix}ready_at__date__lte": F(f"{prefix}due_date")})


def late(prefix: str = "") -> Q:
    return finished(prefix) & Q(**{f"{prefix}ready_at__date__gt": F(f"{prefix}due_date")})


@dataclass(frozen=True, slots=True)
class RefreshReport:
    days: int  # filing days recomputed
    rows: int  # roll-up rows written


def filed_cases() -> QuerySet[Case]:
    """The cases the dashboard counts: every application that was handed in."""
    return Case.objects.exclude(state="draft").filter(submitted_at__isnull=False)


def rebuild() -> RefreshReport:
    """Recompute every day (after a bulk load or a simulated month)."""
    with transaction.atomic():
        mark = _watermark(wait=True)
        assert mark is not None
        newest = Action.objects.aggregate(newest=Max("pk"))["newest"] or 0
        report = _recompute(None)
        _advance(mark, newest)
        return report


def refresh(wait: bool = False) -> RefreshReport | None:
    """Recompute the days of the cases changed since the last refresh. Returns None
    without waiting when another process is refreshing (unless `wait`)."""
    with transaction.atomic():
        mark = _watermark(wait)
        if mark is None:
            return None
        newest = Action.objects.aggregate(newest=Max("pk"))["newest"] or 0
        report = RefreshReport(0, 0)
        if newest > mark.read_from:
            touched = Action.objects.filter(pk__gt=mark.read_from).values("case_id")
            days = set(
                filed_cases()
                .filter(pk__in=touched)
                .annotate(filed_on=TruncDate("submitted_at"))
                .values_list("filed_on", flat=True)
                .distinct()
            )
            report = _recompute(days)
        _advance(mark, newest)
        return report


def _watermark(wait: bool) -> FiguresWatermark | None:
    FiguresWatermark.objects.get_or_create(pk=1)
    # Row lock on PostgreSQL: one refresher at a time, across every instance.
    return FiguresWatermark.objects.select_for_update(skip_locked=not wait).filter(pk=1).first()


def _advance(mark: FiguresWatermark, newest: int) -> None:
    now = timezone.now()
    recent = [*mark.recent, [now.isoformat(), newest]]
    settled = [entry for entry in recent if datetime.fromisoformat(entry[0]) <= now - SETTLE]
    if settled:
        mark.read_from = max(mark.read_from, settled[-1][1])
    # Keep the entries not yet settled, and the newest settled one.
    mark.recent = settled[-1:] + [e for e in recent if e not in settled]
    mark.refreshed_at = now
    mark.save()


def _filed_within(days: Iterable[date]) -> Q:
    """Cases filed on these local days, as ranges the index on submitted_at can use."""
    ranges: list[list[date]] = []
    for day in sorted(days):
        if ranges and ranges[-1][1] + timedelta(days=1) == day:
            ranges[-1][1] = day
        else:
            ranges.append([day, day])
    condition = Q(pk__in=[])
    for first, last in ranges:
        condition |= Q(
            submitted_at__gte=timezone.make_aware(datetime.combine(first, time.min)),
            submitted_at__lt=timezone.make_aware(
                datetime.combine(last + timedelta(days=1), time.min)
            ),
        )
    return condition


def _recompute(days: set[date] | None) -> RefreshReport:
    cases = filed_cases()
    stale = DailyFigures.objects.all()
    if days is not None:
        if not days:
            return RefreshReport(0, 0)
        cases = cases.filter(_filed_within(days))
        stale = stale.filter(day__in=days)
    buckets: dict[tuple, dict] = {}

    def bucket(row: dict) -> dict:
        key = tuple(row.get(name, "") for name in BUCKET)
        found = buckets.get(key)
        if found is None:
            found = buckets[key] = {
                **dict(zip(BUCKET, key, strict=True)),
                **dict.fromkeys(COUNTS, 0),
                "days_taken": defaultdict(int),
                "ratings": 0,
                "good_ratings": 0,
            }
        return found

    for prefix, source in (("", cases), ("case__", _one_task_per_department(cases))):
        if prefix:  # on tasks: the case's fields, and the task's department
            names: tuple[str, ...] = ("department",)
            place = {name: F(f"case__{name}") for name in BUCKET[1:5]}
        else:
            names, place = BUCKET[1:5], {}
        place["day"] = TruncDate(f"{prefix}submitted_at")
        rows = (
            source.values(*names, **place, taken=F(f"{prefix}days_taken"))
            .annotate(
                filed=Count("pk"),
                accepted=Count("pk", filter=Q(**{f"{prefix}accepted_at__isnull": False})),
                finished=Count("pk", filter=finished(prefix)),
                on_time=Count("pk", filter=on_time(prefix)),
            )
            .order_by()
        )
        for row in rows:
            figures = bucket(row)
            for name in COUNTS:
                figures[name] += row[name]
            if row["taken"] is not None:
                figures["days_taken"][str(row["taken"])] += row["filed"]
        ratings = f"{prefix}ratings"
        counted = Q(**{f"{ratings}__removed": False})
        rated = (
            source.values(*names, **place)
            .annotate(
                rated=Count(ratings, filter=counted),
                good=Count(ratings, filter=counted & Q(**{f"{ratings}__level__in": GOOD_LEVELS})),
            )
            .filter(rated__gt=0)
            .order_by()
        )
        for row in rated:
            figures = bucket(row)
            figures["ratings"] += row["rated"]
            figures["good_ratings"] += row["good"]
    stale.delete()
    made = DailyFigures.objects.bulk_create(
        (DailyFigures(**{**b, "days_taken": dict(b["days_taken"])}) for b in buckets.values()),
        batch_size=2000,
    )
    recomputed = days if days is not None else {row.day for row in made}
    return RefreshReport(len(recomputed), len(made))


def _one_task_per_department(cases: QuerySet[Case]) -> QuerySet[Task]:
    """One task for each (case, department): the department's view of the cases."""
    first = (
        Task.objects.filter(case__in=cases)
        .values("case_id", "department")
        .annotate(first=Min("pk"))
        .values("first")
    )
    return Task.objects.filter(pk__in=first)
