"""The dashboard's daily roll-up (日汇总): case figures per filing day, window, place,
package and department, so the supervisor's dashboard reads a few thousand rows however
many cases there are.

The roll-up follows the audit trail. Every change to a case or its ratings appends an
audit record (`cases.Action`); `refresh` finds the cases touched since it last ran and
recomputes their packages on their filing days from the cases themselves, so a figure is
always what the cases say, never a running count that could drift. The background sweep
refreshes every minute, and a dashboard view before it reads when little waits;
`rebuild` recomputes every day (after a bulk load).

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
from django.db.models import Case as DbCase, Count, Max, Min, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from onething.cases import query as cases_query
from onething.cases.models import Action, Case, Task
from onething.core.database import exclusive
from onething.evaluation.models import DailyFigures, FiguresWatermark, Rating
from onething.evaluation.ratings import Level, is_bad

GOOD_LEVELS = tuple(level.value for level in Level if not is_bad(level))  # 好评
SETTLE = timedelta(seconds=60)  # longer than any transaction that records an action
LOCK = "figures-rollup"  # one refresher at a time, across every instance
BUCKET = ("day", "window", "place", "package_id", "package_name", "department")
COUNTS = ("filed", "accepted", "finished", "on_time")


FINISHED, ON_TIME, LATE = cases_query.FINISHED, cases_query.ON_TIME, cases_query.LATE


@dataclass(frozen=True, slots=True)
class RefreshReport:
    days: int  # filing days recomputed
    rows: int  # roll-up rows written


def filed_cases() -> QuerySet[Case]:
    """The cases the dashboard counts: every application that was handed in."""
    return Case.objects.exclude(state="draft").filter(submitted_at__isnull=False)


def rebuild() -> RefreshReport:
    """Recompute every day (after a bulk load or a simulated month)."""
    with exclusive(LOCK, wait=True):
        newest = Action.objects.aggregate(newest=Max("pk"))["newest"] or 0
        report = _recompute(None)
        # Everything recorded before SETTLE ago is in what was just recomputed: newest
        # first, the scan stops at the first such record.
        settled = (
            Action.objects.filter(at__lt=timezone.now() - SETTLE)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        _advance(newest, at_least=settled or 0)
        return report


def refresh(wait: bool = False, most: int | None = None) -> RefreshReport | None:
    """Recompute the days of the cases changed since the last refresh. Returns None
    without waiting when another process is refreshing (unless `wait`), or when more than
    `most` audit records wait (a page then shows the figures of the last sweep instead of
    doing the sweep's work). Each (day, packages) group is replaced in a transaction of
    its own, so that writers wait for one group at most, never for the whole refresh."""
    if most is not None and _waiting_more_than(most):
        return None
    with exclusive(LOCK, wait=wait) as held:
        if not held:
            return None
        read_from = _mark().read_from
        newest = Action.objects.aggregate(newest=Max("pk"))["newest"] or 0
        report = RefreshReport(0, 0)
        if newest > read_from:
            touched = Action.objects.filter(pk__gt=read_from).values("case_id")
            packages: dict[date, set[str]] = defaultdict(set)
            for filed_on, package_id in (
                filed_cases()
                .filter(pk__in=touched)
                .annotate(filed_on=TruncDate("submitted_at"))
                .values_list("filed_on", "package_id")
                .distinct()
            ):
                packages[filed_on].add(package_id)
            report = _recompute_packages(packages) if packages else report
        _advance(newest)
        return report


def refreshed_at() -> datetime | None:
    """When the roll-up was last brought up to date."""
    return FiguresWatermark.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()


def _waiting_more_than(most: int) -> bool:
    read_from = FiguresWatermark.objects.filter(pk=1).values_list("read_from", flat=True).first()
    waiting = Action.objects.filter(pk__gt=read_from or 0).order_by("pk").values("pk")
    return waiting[most : most + 1].exists()


def _mark() -> FiguresWatermark:
    return FiguresWatermark.objects.get_or_create(pk=1)[0]


def _advance(newest: int, at_least: int = 0) -> None:
    """Note this refresh; move the watermark past what has settled."""
    with transaction.atomic():
        _mark()
        mark = FiguresWatermark.objects.select_for_update().get(pk=1)
        now = timezone.now()
        recent = [*mark.recent, [now.isoformat(), newest]]
        settled = [e for e in recent if datetime.fromisoformat(e[0]) <= now - SETTLE]
        mark.read_from = max(mark.read_from, at_least, settled[-1][1] if settled else 0)
        # Keep the entries not yet settled, and the newest settled one.
        mark.recent = settled[-1:] + [e for e in recent if e not in settled]
        mark.refreshed_at = now
        mark.save()


def _runs(days: Iterable[date], longest: int = 31) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) runs of at most `longest` days."""
    runs: list[list[date]] = []
    for day in sorted(days):
        if runs and runs[-1][1] + timedelta(days=1) == day and (day - runs[-1][0]).days < longest:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(first, last) for first, last in runs]


def _recompute(days: set[date] | None) -> RefreshReport:
    """Recompute the roll-up of these filing days (None: every day), a run of days at a
    time: each run is one range of the index on submitted_at, read as one row per case
    and folded into the day's buckets here."""
    if days is None:
        first = filed_cases().aggregate(first=Min("submitted_at"))["first"]
        if first is None:
            DailyFigures.objects.all().delete()
            return RefreshReport(0, 0)
        start, end = timezone.localdate(first), timezone.localdate()
        DailyFigures.objects.filter(Q(day__lt=start) | Q(day__gt=end)).delete()
        days = {start + timedelta(days=n) for n in range((end - start).days + 1)}
    rows = 0
    for first, last in _runs(days):
        buckets = _fold(_filed_between(first, last))
        rows += _replace(DailyFigures.objects.filter(day__gte=first, day__lte=last), buckets)
    return RefreshReport(len(days), rows)


def _recompute_packages(packages: dict[date, set[str]]) -> RefreshReport:
    """Recompute only the touched packages of each touched filing day: a change to one
    case rereads the cases of its day and package, not the whole day."""
    rows = 0
    for day, touched in sorted(packages.items()):
        cases = _filed_between(day, day).filter(package_id__in=sorted(touched))
        rows += _replace(DailyFigures.objects.filter(day=day, package_id__in=touched), _fold(cases))
    return RefreshReport(len(packages), rows)


def _filed_between(first: date, last: date) -> QuerySet[Case]:
    """The cases filed from `first` to `last` (local days): one range of submitted_at."""
    return filed_cases().filter(
        submitted_at__gte=timezone.make_aware(datetime.combine(first, time.min)),
        submitted_at__lt=timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min)),
    )


def _replace(stale: QuerySet[DailyFigures], buckets: list[dict]) -> int:
    with transaction.atomic():
        stale.delete()
        made = DailyFigures.objects.bulk_create(
            (DailyFigures(**{**b, "days_taken": dict(b["days_taken"])}) for b in buckets),
            batch_size=2000,
        )
    return len(made)


def _fold(cases: QuerySet[Case]) -> list[dict]:
    """The buckets of these cases: one per (day, window, place, package) for all of them,
    and one more per department with an item in them."""
    flag = {  # 1 or 0 per case
        name: DbCase(When(condition, then=Value(1)), default=Value(0))
        for name, condition in (
            ("is_accepted", Q(accepted_at__isnull=False)),
            ("is_finished", FINISHED),
            ("is_on_time", ON_TIME),
        )
    }
    rows = list(
        cases.annotate(filed_on=TruncDate("submitted_at"), **flag)
        .values_list(
            "pk",
            "filed_on",
            "window",
            "place",
            "package_id",
            "package_name",
            "is_accepted",
            "is_finished",
            "is_on_time",
            "days_taken",
        )
        .order_by()
    )
    # Ratings and departments by explicit ids, each a lookup on the case_id index (as a
    # subquery the planner may join all tasks by hashing).
    ratings: dict[int, tuple[int, int]] = {}
    departments: dict[int, list[str]] = defaultdict(list)
    ids = [row[0] for row in rows]
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        for case_id, rated, good in (
            Rating.objects.filter(case_id__in=chunk, removed=False)
            .values("case_id")
            .annotate(rated=Count("pk"), good=Count("pk", filter=Q(level__in=GOOD_LEVELS)))
            .values_list("case_id", "rated", "good")
            .order_by()
        ):
            ratings[case_id] = (rated, good)
        for case_id, department in (
            Task.objects.filter(case_id__in=chunk)
            .values_list("case_id", "department")
            .distinct()
            .order_by()
        ):
            departments[case_id].append(department)
    buckets: dict[tuple, dict] = {}
    for row in rows:
        case_id, *where, accepted, done, in_time, taken = row
        rated, good = ratings.get(case_id, (0, 0))
        for department in ("", *departments.get(case_id, ())):
            key = (*where, department)
            figures = buckets.get(key)
            if figures is None:
                figures = buckets[key] = {
                    **dict(zip(BUCKET, key, strict=True)),
                    **dict.fromkeys(COUNTS, 0),
                    "days_taken": defaultdict(int),
                    "ratings": 0,
                    "good_ratings": 0,
                }
            figures["filed"] += 1
            figures["accepted"] += accepted
            figures["finished"] += done
            figures["on_time"] += in_time
            if taken is not None:
                figures["days_taken"][str(taken)] += 1
            figures["ratings"] += rated
            figures["good_ratings"] += good
    return list(buckets.values())
