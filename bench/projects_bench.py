"""定制办 and 打包办 benchmark (issue 15): schedule a 200-item plan over 5 projects with
about 400 dependency edges and 3 joint reviews — check, critical path, slack, the standard
route and the dates over the working-day calendar — and compute a bundle's savings.
Goal: the plan under 10 ms.

Run: python -m bench.projects_bench
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from datetime import date

from onething.calendar import WorkingCalendar
from onething.projects.bundling import ReviewFees, bundle_figures
from onething.projects.planning import JointReview, Plan, PlannedItem, schedule

PROJECTS = ("电网改造一期", "电网改造二期", "充电站", "道路改造", "变电站")
DEPARTMENTS = ("发展改革局", "自然资源局", "生态环境局", "住房城乡建设局", "供电公司")


def two_hundred_items(seed: int = 15) -> Plan:
    """40 items per project; each waits on one or two earlier ones (mostly of its own
    project, one in six of another), and 3 joint reviews sit between the first and the
    second half of the projects they serve."""
    rnd = random.Random(seed)
    reviews = []
    for r, served in enumerate((PROJECTS[:2], PROJECTS[2:4], PROJECTS[1:])):
        feeds = tuple(f"{p}-{k}" for p in served for k in rnd.sample(range(20), 3))
        reviews.append(JointReview(f"review-{r}", f"联合专家评审{r + 1}", 5, served, feeds))
    items = []
    for k in range(40):
        for p, project in enumerate(PROJECTS):
            earlier = [f"{project}-{j}" for j in range(k)]
            others = [f"{other}-{j}" for other in PROJECTS if other != project for j in range(k)]
            after = set(rnd.sample(earlier, min(rnd.choice((1, 2)), len(earlier))))
            if others and rnd.random() < 1 / 3:
                after.add(rnd.choice(others))
            holding = [r.id for r in reviews if project in r.projects]
            review = rnd.choice(holding) if k >= 20 and holding and rnd.random() < 0.2 else ""
            items.append(
                PlannedItem(
                    f"{project}-{k}",
                    f"事项{k}",
                    project,
                    DEPARTMENTS[p],
                    rnd.randint(1, 20),
                    tuple(sorted(after)),
                    review=review,
                )
            )
    return Plan(tuple(items), tuple(reviews), date(2026, 9, 28))


def edges(plan: Plan) -> int:
    return sum(len(i.after) + bool(i.review) for i in plan.items) + sum(
        len(r.after) for r in plan.reviews
    )


def timed(run: Callable[[], object], runs: int, warm_up: int) -> tuple[float, float]:
    """Median and p99 of ``runs`` runs after ``warm_up``, in milliseconds."""
    for _ in range(warm_up):
        run()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    samples.sort()
    return statistics.median(samples) * 1e3, samples[int(len(samples) * 0.99)] * 1e3


def main() -> None:
    plan = two_hundred_items()
    calendar = WorkingCalendar()
    planned = schedule(plan, calendar)
    print(
        f"plan: {len(plan.items)} items over {len(PROJECTS)} projects, {len(plan.reviews)} "
        f"joint reviews, {edges(plan)} dependency edges: {planned.total_days} working days "
        f"(to {planned.end_date}), critical path of {len(planned.critical_path)} nodes; "
        f"standard route {planned.standard_days} days, saved {planned.saved_days} "
        f"({planned.saved_share:.0%})"
    )
    median, p99 = timed(lambda: schedule(plan, calendar), runs=200, warm_up=20)
    print(f"schedule a 200-item plan: median {median:.3f} ms, p99 {p99:.3f} ms (goal: under 10 ms)")
    fees = ReviewFees(base=20_000, per_project=5_000)
    figures = bundle_figures(5, (3, 10, 10), 5, fees, 2)
    print(
        f"bundle of 5: cycle {figures.cycle_separate_days} → {figures.cycle_bundle_days} days "
        f"(−{figures.cycle_saved_share:.0%}), fees {figures.fees_separate} → "
        f"{figures.fees_bundle} yuan (−{figures.fees_saved_share:.0%})"
    )
    median, p99 = timed(lambda: bundle_figures(5, (3, 10, 10), 5, fees, 2), 2000, 200)
    print(f"bundle figures: median {median * 1e3:.1f} µs, p99 {p99 * 1e3:.1f} µs")


if __name__ == "__main__":
    main()
