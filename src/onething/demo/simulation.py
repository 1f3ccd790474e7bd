"""`onething demo`: a realistic month of cases for the dashboard — arrivals on working
days, acceptance within the window's limit, departments finishing mostly on time with
some delays, handovers, ratings (mostly good, some bad) and a few complaints.

Cases go through the real services (so every rule and record applies) and their
timestamps are then moved back to the simulated days.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from onething.accounts.models import User
from onething.calendar.loaded import current_calendar
from onething.cases import materials, services
from onething.cases.lifecycle import TaskState
from onething.cases.models import Case, Task
from onething.catalog.entities import Catalog, Package
from onething.catalog.guide import Guide, build_guide, resolve_answers
from onething.catalog.services import current_catalog
from onething.demo import hall_month
from onething.evaluation import complaint_services, services as evaluation
from onething.evaluation.complaints import CATEGORIES
from onething.evaluation.ratings import BAD_REASONS, GOOD_REASONS
from onething.evaluation.rollup import rebuild
from onething.intake.samples import sample_form

PLACE = "141102"  # 离石区: the demo has a window and reviewers there and at 吕梁市


@dataclass(frozen=True, slots=True)
class SimulationReport:
    days: int
    cases: int
    finished: int
    ratings: int
    complaints: int
    assisted: int = 0  # 帮办代办 among the cases
    appointments: int = 0  # not cancelled, no-shows included
    no_shows: int = 0
    tickets: int = 0
    after_hours: int = 0
    home_visits: int = 0  # their cases are among the cases


def simulate_month(
    days: int = 30,
    per_day: int = 8,
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SimulationReport:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    calendar = current_calendar()
    current = current_catalog()
    if current is None:
        raise services.InvalidInput("请先导入事项目录（onething setup）")
    catalog = current.catalog
    applicants = demo_owners()
    clerk = User.objects.get(username="clerk_lishi")
    reviewers = {(u.department, u.jurisdiction): u for u in User.objects.filter(role="reviewer")}
    # not 多地联办: a partner region's items need a partner node (docs/exchange.md §8)
    packages = [
        p
        for p in catalog.packages.values()
        if p.items and not any(catalog.items[e.item].by_partner for e in p.items)
    ]
    hall = hall_month.begin(rng, clerk, list(applicants.values()))
    made = finished = rated = complained = 0
    start = today - timedelta(days=days)
    for offset in range(days):
        day = start + timedelta(days=offset)
        if progress:
            progress(offset + 1, days)
        if not calendar.is_working_day(day):
            continue
        for _ in range(rng.randint(per_day // 2, per_day + per_day // 2)):
            drawn = random_filing(rng, catalog, rng.choice(packages), applicants, day)
            if drawn is None:
                continue
            owner, filing, guide = drawn
            try:
                case = hall_month.file_case(hall, owner, filing, day)
            except services.CaseError:
                continue  # an answer combination the demo cannot route: skip it
            made += 1
            accepted_on = calendar.add_working_days(day, rng.choice([0, 0, 1, 1, 2]))
            if accepted_on > today:
                move_case_back(case, day, None, None, None)
                continue
            services.accept(clerk, case.public_id)
            promised = guide.stats.days_parallel
            late = rng.random() < 0.12
            taken = promised + rng.randint(1, 5) if late else max(0, promised - rng.randint(0, 3))
            ready_on = calendar.add_working_days(accepted_on, taken)
            if ready_on > today:
                move_case_back(case, day, accepted_on, None, None, promised)
                continue
            _decide(case, reviewers)
            case.refresh_from_db()
            if case.state != "ready":
                move_case_back(case, day, accepted_on, None, None, promised)
                continue
            materials.check_all(clerk, case.public_id)  # the originals, at the handover
            services.hand_over(clerk, case.public_id)
            finished += 1
            handed = min(today, calendar.add_working_days(ready_on, 1))
            move_case_back(case, day, accepted_on, ready_on, handed, promised)
            if rng.random() < 0.7:
                level = rng.choices([5, 4, 3, 2, 1], weights=[55, 25, 10, 6, 4])[0]
                reasons = [rng.choice(BAD_REASONS if level <= 2 else GOOD_REASONS)]
                evaluation.rate(owner, case.public_id, "overall", level, reasons)
                rated += 1
        if rng.random() < 0.5:
            complaint_services.file_complaint(
                complaint_services.ComplaintFiling(
                    kind="complaint",
                    category=rng.choice(list(CATEGORIES)),
                    text="演示数据：办事过程中遇到的问题",
                    jurisdiction=PLACE,
                )
            )
            complained += 1
    hall_month.simulate_hall(hall, start, days, [p.id for p in packages])
    rebuild()  # the cases' timestamps moved: recompute every day of the roll-up
    made += hall.home_visits
    counts = (hall.appointments, hall.no_shows, hall.tickets, hall.after_hours)
    return SimulationReport(
        days, made, finished, rated, complained, hall.assisted, *counts, hall.home_visits
    )


def demo_owners() -> dict[str, User]:
    """The demo accounts that file: an enterprise's packages, and a citizen's."""
    return {
        "enterprise": User.objects.get(username="yaofang"),
        "citizen": User.objects.get(username="zhangsan"),
    }


def random_filing(
    rng: random.Random, catalog: Catalog, package: Package, owners: dict[str, User], day: date
) -> tuple[User, services.Filing, Guide] | None:
    """A filing of `package` at 离石区 with random answers and a sample form, by the
    owner its audience calls for; None when the answers leave no item to apply for."""
    answers = {
        question.id: rng.choice(["true", "false"])
        if question.type == "boolean"
        else rng.choice(question.choices)
        for question in package.questions
        if question.type == "boolean" or question.choices
    }
    guide = build_guide(catalog, package, resolve_answers(package, answers))
    if not guide.items:
        return None
    owner = owners.get(package.audience or "enterprise", owners["enterprise"])
    return owner, services.Filing(package.id, answers, PLACE, sample_form(guide.fields, day)), guide


def _decide(case: Case, reviewers) -> None:
    """Every department approves its items as they become workable."""
    while True:
        workable = list(Task.objects.filter(case=case, state=TaskState.WORKABLE))
        if not workable:
            return
        for task in workable:
            reviewer = reviewers[(task.department, task.jurisdiction)]
            services.claim(reviewer, task.pk)
            services.approve(reviewer, task.pk, "同意")


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def move_case_back(case: Case, filed, accepted, ready, completed, promised: int = 0) -> None:
    """Put the case's timestamps on the simulated days; the deadlines follow them."""
    calendar = current_calendar()
    changes: dict = {
        "submitted_at": _at(filed, 9),
        "window_due": calendar.add_working_days(filed, 5),
    }
    if accepted is not None:
        changes.update(
            accepted_at=_at(accepted, 10),
            due_date=calendar.add_working_days(accepted, promised),
        )
    if ready is not None:
        changes.update(
            ready_at=_at(ready, 15),
            completed_at=_at(completed, 11),
            days_taken=calendar.working_days_between(accepted, ready),
        )
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(**changes)
