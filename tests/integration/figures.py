"""The dashboard's figures two ways (not a test module): as the platform shows them, and
computed straight from the cases in Python; the dashboard's tests compare the two."""

import statistics

from django.utils import timezone

from onething.cases.models import Case
from onething.evaluation.dashboard import Filters, figures


def direct(filters: Filters) -> dict:
    """The figures computed straight from the cases, in Python, as a supervisor would."""
    from onething.cases.models import Task
    from onething.evaluation.models import Rating

    def selected(case) -> bool:
        filed_on = timezone.localdate(case.submitted_at)
        prefix = filters.jurisdiction.rstrip("0")
        return (
            (not prefix or case.window.startswith(prefix) or case.place.startswith(prefix))
            and (not filters.package or case.package_id == filters.package)
            and (
                not filters.department
                or Task.objects.filter(case=case, department=filters.department).exists()
            )
            and (not filters.start or filed_on >= filters.start)
            and (not filters.end or filed_on <= filters.end)
        )

    cases = [c for c in Case.objects.exclude(state="draft") if selected(c)]
    finished = [c for c in cases if c.ready_at is not None]
    days = sorted(c.days_taken for c in cases if c.days_taken is not None)
    ratings = [r for r in Rating.objects.filter(removed=False) if r.case in cases]
    return {
        "filed": len(cases),
        "accepted": sum(1 for c in cases if c.accepted_at),
        "finished": len(finished),
        "on_time": sum(1 for c in finished if timezone.localdate(c.ready_at) <= c.due_date),
        "average_days": round(statistics.fmean(days), 1) if days else None,
        "p90_days": days[-(-len(days) * 9 // 10) - 1] if days else None,  # nearest rank
        "ratings": len(ratings),
        "good_ratings": sum(1 for r in ratings if r.level >= 3),
        "packages": sorted(
            (
                package,
                sum(1 for c in cases if c.package_id == package),
                sum(1 for c in finished if c.package_id == package),
            )
            for package in {c.package_id for c in cases}
        ),
    }


def shown(filters: Filters) -> dict:
    result = figures(filters)
    return {
        **{name: getattr(result, name) for name in direct(Filters()) if name != "packages"},
        "packages": sorted((r["package_id"], r["filed"], r["finished"]) for r in result.packages),
    }
