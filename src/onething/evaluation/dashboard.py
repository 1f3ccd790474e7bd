"""The supervisor's figures (效能监督) by jurisdiction, department, package and period,
read from the daily roll-up (`evaluation.rollup`) so they stay fast with millions of cases.

Every figure can be opened: `cases_behind` gives the cases a figure counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from onething.cases.models import Case, Task
from onething.core.access import jurisdiction_prefix, within
from onething.evaluation import rollup
from onething.evaluation.complaints import CATEGORIES
from onething.evaluation.models import Complaint, DailyFigures, Rating, Rectification

ON_TIME = rollup.ON_TIME  # by the promised date
LATE = rollup.LATE


@dataclass(frozen=True, slots=True)
class Filters:
    jurisdiction: str = ""  # a code: the jurisdiction and everything within it
    department: str = ""
    package: str = ""
    start: date | None = None  # filed on or after
    end: date | None = None  # filed on or before

    def cases(self) -> QuerySet[Case]:
        cases = self.scope(rollup.filed_cases(), "submitted_at__date", "window", "place")
        if self.package:
            cases = cases.filter(package_id=self.package)
        if self.department:
            cases = cases.filter(
                pk__in=Task.objects.filter(department=self.department).values("case_id")
            )
        return cases

    def daily_figures(self) -> QuerySet[DailyFigures]:
        """The roll-up rows these filters select: the same cases as `cases()`."""
        rows = self.scope(DailyFigures.objects.all(), "day", "window", "place")
        if self.package:
            rows = rows.filter(package_id=self.package)
        return rows.filter(department=self.department)

    def scope(self, rows: QuerySet, day: str, *places: str) -> QuerySet:
        """`rows` within the jurisdiction (any of the `places` fields) and the period
        (the `day` field)."""
        if self.jurisdiction:
            prefix = jurisdiction_prefix(self.jurisdiction)
            within_any = Q()
            for place in places:
                within_any |= within(place, prefix)
            rows = rows.filter(within_any)
        if self.start:
            rows = rows.filter(**{f"{day}__gte": self.start})
        if self.end:
            rows = rows.filter(**{f"{day}__lte": self.end})
        return rows


@dataclass(slots=True)
class Figures:
    filed: int = 0
    accepted: int = 0
    finished: int = 0
    on_time: int = 0
    average_days: float | None = None
    p90_days: int | None = None
    ratings: int = 0
    good_ratings: int = 0
    open_bad_ratings: int = 0
    visit_ratings: int = 0  # window visits rated (窗口服务), with or without a case
    good_visit_ratings: int = 0
    complaints_by_category: dict[str, int] = field(default_factory=dict)
    open_complaints_by_age: dict[str, int] = field(default_factory=dict)
    packages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.finished if self.finished else None

    @property
    def satisfaction(self) -> float | None:
        return self.good_ratings / self.ratings if self.ratings else None

    @property
    def visit_satisfaction(self) -> float | None:
        return self.good_visit_ratings / self.visit_ratings if self.visit_ratings else None


def figures(filters: Filters, today: date | None = None) -> Figures:
    """The figures for these filters. Case figures come from the daily roll-up (kept
    current by `rollup.refresh`); bad ratings still open and complaints are counted live."""
    today = today or timezone.localdate()
    result = Figures()
    packages: dict[tuple[str, str], dict[str, Any]] = {}
    # One pass over the roll-up's rows (thousands for a province's year): each package's
    # histogram of days taken is summed with its keys as stored, the whole one from those.
    for row in filters.daily_figures().values_list(
        "package_id", "package_name", *rollup.COUNTS, "days_taken", "ratings", "good_ratings"
    ):
        package_id, package_name, filed, accepted, finished, on_time, taken, rated, good = row
        result.ratings += rated
        result.good_ratings += good
        package = packages.get((package_id, package_name))
        if package is None:
            package = packages[(package_id, package_name)] = {
                "package_id": package_id,
                "package_name": package_name,
                **dict.fromkeys(rollup.COUNTS, 0),
                "days": Counter(),
            }
        package["filed"] += filed
        package["accepted"] += accepted
        package["finished"] += finished
        package["on_time"] += on_time
        package["days"].update(taken)
    histogram: Counter[int] = Counter()
    for package in packages.values():
        package["days"] = {int(days): n for days, n in package["days"].items()}
        histogram.update(package["days"])
        for name in rollup.COUNTS:
            setattr(result, name, getattr(result, name) + package[name])
    result.average_days = _average(histogram)
    result.p90_days = _p90(histogram)
    result.packages = sorted(
        (
            {
                **{k: v for k, v in row.items() if k != "days"},
                "average_days": _average(row["days"]),
            }
            for row in packages.values()
        ),
        key=lambda row: (-row["filed"], row["package_id"]),
    )
    result.open_bad_ratings = (
        Rectification.objects.filter(case__in=filters.cases()).exclude(state="closed").count()
    )
    if not (filters.department or filters.package):  # a visit has neither
        visits = filters.scope(
            Rating.objects.filter(case=None, removed=False), "created_at__date", "window"
        )
        counted = visits.aggregate(
            all=Count("pk"), good=Count("pk", filter=Q(level__in=rollup.GOOD_LEVELS))
        )
        result.visit_ratings, result.good_visit_ratings = counted["all"], counted["good"]
    complaints = filters.scope(Complaint.objects.all(), "created_at__date", "jurisdiction")
    by_category = dict(complaints.values_list("category").annotate(n=Count("pk")))
    result.complaints_by_category = {
        label: by_category.get(key, 0) for key, label in CATEGORIES.items()
    }
    still_open = complaints.exclude(state="closed")
    result.open_complaints_by_age = {
        "3 天以内": still_open.filter(created_at__date__gte=today - timedelta(days=3)).count(),
        "4–7 天": still_open.filter(
            created_at__date__lt=today - timedelta(days=3),
            created_at__date__gte=today - timedelta(days=7),
        ).count(),
        "超过 7 天": still_open.filter(created_at__date__lt=today - timedelta(days=7)).count(),
    }
    return result


def _average(histogram: dict[int, int]) -> float | None:
    count = sum(histogram.values())
    if not count:
        return None
    return round(sum(days * n for days, n in histogram.items()) / count, 1)


def _p90(histogram: dict[int, int]) -> int | None:
    """The 90th percentile of working days taken (nearest rank)."""
    count = sum(histogram.values())
    if not count:
        return None
    rank = -(-count * 9 // 10)  # ceil(0.9 n), one-based
    seen = 0
    for days in sorted(histogram):
        seen += histogram[days]
        if seen >= rank:
            return days
    raise AssertionError("unreachable: the ranks add up to the count")


def cases_behind(filters: Filters, figure: str) -> QuerySet[Case]:
    """The cases a figure counts, to open it from the dashboard."""
    cases = filters.cases()
    if figure == "accepted":
        return cases.filter(accepted_at__isnull=False)
    if figure == "finished":
        return cases.filter(ready_at__isnull=False)
    if figure == "late":
        return cases.filter(LATE)
    if figure == "bad":
        return cases.filter(ratings__level__lte=2, ratings__removed=False).distinct()
    return cases
