"""The supervisor's figures (效能监督), computed in the database so they stay fast with
many cases: by jurisdiction, department, package and period.

Every figure can be opened: `cases_behind` gives the cases a figure counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone

from onething.cases.models import Case, Task
from onething.cases.query import jurisdiction_prefix
from onething.evaluation.complaints import CATEGORIES
from onething.evaluation.models import Complaint, Rating, Rectification

FINISHED = Q(ready_at__isnull=False)
ON_TIME = FINISHED & Q(ready_at__date__lte=F("due_date"))  # by the promised date
LATE = FINISHED & Q(ready_at__date__gt=F("due_date"))
GOOD_LEVELS = (3, 4, 5)  # 基本满意 and better: 好评; 不满意 and 非常不满意: 差评


@dataclass(frozen=True, slots=True)
class Filters:
    jurisdiction: str = ""  # a code: the jurisdiction and everything within it
    department: str = ""
    package: str = ""
    start: date | None = None  # filed on or after
    end: date | None = None  # filed on or before

    def cases(self) -> QuerySet[Case]:
        cases = Case.objects.exclude(state="draft")
        if self.jurisdiction:
            prefix = jurisdiction_prefix(self.jurisdiction)
            cases = cases.filter(Q(window__startswith=prefix) | Q(place__startswith=prefix))
        if self.package:
            cases = cases.filter(package_id=self.package)
        if self.department:
            cases = cases.filter(
                pk__in=Task.objects.filter(department=self.department).values("case_id")
            )
        if self.start:
            cases = cases.filter(submitted_at__date__gte=self.start)
        if self.end:
            cases = cases.filter(submitted_at__date__lte=self.end)
        return cases


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
    complaints_by_category: dict[str, int] = field(default_factory=dict)
    open_complaints_by_age: dict[str, int] = field(default_factory=dict)
    packages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.finished if self.finished else None

    @property
    def satisfaction(self) -> float | None:
        return self.good_ratings / self.ratings if self.ratings else None


def figures(filters: Filters, today: date | None = None) -> Figures:
    today = today or timezone.localdate()
    cases = filters.cases()
    counts = cases.aggregate(
        filed=Count("pk"),
        accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
        finished=Count("pk", filter=Q(ready_at__isnull=False)),
        on_time=Count("pk", filter=ON_TIME),
        average_days=Avg("days_taken"),
    )
    result = Figures(
        filed=counts["filed"],
        accepted=counts["accepted"],
        finished=counts["finished"],
        on_time=counts["on_time"],
        average_days=None if counts["average_days"] is None else round(counts["average_days"], 1),
    )
    result.p90_days = _p90(cases.filter(days_taken__isnull=False))
    ratings = Rating.objects.filter(case__in=cases, removed=False).aggregate(
        all=Count("pk"), good=Count("pk", filter=Q(level__in=GOOD_LEVELS))
    )
    result.ratings, result.good_ratings = ratings["all"], ratings["good"]
    result.open_bad_ratings = (
        Rectification.objects.filter(case__in=cases).exclude(state="closed").count()
    )
    complaints = Complaint.objects.all()
    if filters.jurisdiction:
        complaints = complaints.filter(
            jurisdiction__startswith=jurisdiction_prefix(filters.jurisdiction)
        )
    if filters.start:
        complaints = complaints.filter(created_at__date__gte=filters.start)
    if filters.end:
        complaints = complaints.filter(created_at__date__lte=filters.end)
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
    result.packages = _per_package(cases)
    return result


def _p90(cases: QuerySet[Case]) -> int | None:
    """The 90th percentile of working days taken (nearest rank), in the database."""
    total = cases.count()
    if not total:
        return None
    rank = max(0, -(-total * 9 // 10) - 1)  # ceil(0.9 n) - 1, zero-based
    ordered = cases.order_by("days_taken").values_list("days_taken", flat=True)
    return ordered[rank]


def _per_package(cases: QuerySet[Case]) -> list[dict[str, Any]]:
    """Per package: cases, finished, on time, and the measured days."""
    rows = (
        cases.values("package_id", "package_name")
        .annotate(
            filed=Count("pk"),
            finished=Count("pk", filter=Q(ready_at__isnull=False)),
            on_time=Count("pk", filter=ON_TIME),
            average_days=Avg("days_taken"),
        )
        .order_by("-filed", "package_id")
    )
    return [
        {
            **row,
            "average_days": None if row["average_days"] is None else round(row["average_days"], 1),
        }
        for row in rows
    ]


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
