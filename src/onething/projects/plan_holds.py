"""定制办 runs as linked cases: a plan's step waits for its predecessors in other projects
and for its joint review, not only for the items of its own case.

The case engine orders a case's own items by its package. A step of a running plan
whose predecessors are elsewhere — another project's item, a joint review, or an item
of its own project that the package does not put before it — is *held* in its case
(cases/holds.py) from the moment the case is accepted, its clock not started and nobody
able to claim it; each time a predecessor finishes (an item approved, a joint review
recorded by the coordinator) the plan lifts the holds of the steps that wait on nothing
more, and the engine releases them as any item, their clocks starting that day.

The handlers run in the transaction of the acceptance or the decision that caused them
(core/events.py): a hold is never missing for an accepted case.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from django.db import connection, transaction
from django.utils import timezone

from onething.accounts.models import User
from onething.cases.holds import hold_items, lift_holds
from onething.cases.lifecycle import TaskState
from onething.cases.models import Task
from onething.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onething.core.events import CaseAccepted, TaskDecided
from onething.projects.models import CustomPlan, PlanProject, PlanReview, PlanStep, Project
from onething.projects.plan_services import coordinates, plan_by_public_id


def _running_steps(plan_id: int) -> list[PlanStep]:
    return list(
        PlanStep.objects.filter(plan_id=plan_id)
        .select_related("plan_project__project")
        .order_by("position")
    )


def _finished(plan_id: int, steps: list[PlanStep]) -> set[str]:
    """The keys of the plan's nodes that are done: steps approved, reviews recorded."""
    case_of = {s.key: s.plan_project.project.case_id for s in steps if s.plan_project.project}
    approved = set(
        Task.objects.filter(
            case_id__in={c for c in case_of.values() if c}, state=TaskState.APPROVED
        ).values_list("case_id", "item_id")
    )
    done = {s.key for s in steps if (case_of.get(s.key), s.item_id) in approved}
    reviews = PlanReview.objects.filter(plan_id=plan_id, finished_on__isnull=False)
    return done | set(reviews.values_list("key", flat=True))


def _outside(step: PlanStep, task_after: Iterable[str], by_key: dict[str, PlanStep]) -> list[str]:
    """What the step waits on that its own case does not order: predecessors of other
    projects, reviews, items of its project not before it in the package."""
    own = set(task_after)
    waits = [*step.after, *filter(None, [step.review_key])]
    return [
        key
        for key in waits
        if key not in by_key
        or by_key[key].plan_project_id != step.plan_project_id
        or by_key[key].item_id not in own
    ]


def _reason(keys: list[str], by_key: dict[str, PlanStep], names: dict[str, str]) -> str:
    parts = []
    for key in keys:
        step = by_key.get(key)
        parts.append(f"{step.item_name}（{step.plan_project.name}）" if step else names[key])
    return "等待定制办方案中的前置事项办结：" + "、".join(parts)


def _holds_for(plan_id: int, case_id: int | None = None) -> dict[int, dict[str, str]]:
    """{case id: {item id: reason}} for the plan's steps whose outside predecessors are
    not all finished (of one case, or of every case)."""
    steps = _running_steps(plan_id)
    by_key = {s.key: s for s in steps}
    names = dict(PlanReview.objects.filter(plan_id=plan_id).values_list("key", "name"))
    finished = _finished(plan_id, steps)
    cases = {s.plan_project.project.case_id for s in steps if s.plan_project.project}
    cases = {case_id} & cases if case_id is not None else cases - {None}
    afters = {
        (t.case_id, t.item_id): t.after
        for t in Task.objects.filter(case_id__in=cases).only("case_id", "item_id", "after")
    }
    holds: dict[int, dict[str, str]] = {}
    for step in steps:
        case = step.plan_project.project.case_id if step.plan_project.project else None
        if case not in cases or (case, step.item_id) not in afters:
            continue
        pending = [
            k for k in _outside(step, afters[(case, step.item_id)], by_key) if k not in finished
        ]
        holds.setdefault(case, {})
        if pending:
            holds[case][step.item_id] = _reason(pending, by_key, names)
    return holds


@lru_cache(maxsize=4)
def _plan_of_case_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    plan, link = quote(CustomPlan._meta.db_table), quote(PlanProject._meta.db_table)
    project = quote(Project._meta.db_table)
    return (
        f"SELECT p.id FROM {plan} p JOIN {link} pp ON pp.plan_id = p.id "
        f"JOIN {project} pr ON pr.id = pp.project_id WHERE pr.case_id = %s AND p.state = %s"
    )


def _plan_of_case(case_id: int) -> int | None:
    """The running plan the case is a project of (a case is one project, a project in
    one plan). Asked at every acceptance and approval, of any case: a fixed statement."""
    with connection.cursor() as cursor:
        cursor.execute(_plan_of_case_sql(connection.vendor), [case_id, CustomPlan.RUNNING])
        row = cursor.fetchone()
    return row[0] if row else None


def hold_on_acceptance(event: CaseAccepted) -> None:
    """A plan's case accepted: hold its steps that wait on something outside it."""
    plan_id = _plan_of_case(event.case_id)
    if plan_id is None:
        return
    holds = _holds_for(plan_id, event.case_id).get(event.case_id, {})
    if holds:
        hold_items(event.case_id, holds)


def release_waiting(plan_id: int, note: str) -> None:
    """Lift the holds of the plan's steps that wait on nothing unfinished any more."""
    still = _holds_for(plan_id)
    held = Task.objects.filter(case_id__in=still.keys()).exclude(held_for="")
    for case_id, item_id in held.values_list("case_id", "item_id"):
        if item_id not in still[case_id]:
            lift_holds(case_id, [item_id], note)


def release_on_decision(event: TaskDecided) -> None:
    """A plan's item approved: the steps that waited only on it (and on other finished
    nodes) are released, in whichever project's case they are."""
    if event.state != TaskState.APPROVED:
        return
    plan_id = _plan_of_case(event.case_id)
    if plan_id is not None:
        release_waiting(plan_id, "定制办方案中的前置事项已办结")


def finish_review(actor: User, plan_public_id, review_key: str, outcome: str) -> PlanReview:
    """The coordinator records a joint review held (联合评审): its experts' conclusion. The
    steps that waited on it are released. Refused before the nodes it examines are done."""
    if not coordinates(actor):
        raise Forbidden("只有编制方案的部门可以登记联合评审结论")
    if not outcome.strip():
        raise InvalidInput("请填写专家评审结论", {"fields": {"outcome": "必填"}})
    plan = plan_by_public_id(actor, plan_public_id)
    with transaction.atomic():
        review = PlanReview.objects.select_for_update().filter(plan=plan, key=review_key).first()
        if review is None:
            raise NotFound("方案中没有这个联合评审")
        if plan.state != CustomPlan.RUNNING:
            raise Conflict("方案启动后才能登记联合评审结论")
        if review.finished_on is not None:
            raise Conflict("该联合评审的结论已经登记")
        steps = _running_steps(plan.pk)
        missing = [key for key in review.after if key not in _finished(plan.pk, steps)]
        if missing:
            by_key = {s.key: s for s in steps}
            names = dict(PlanReview.objects.filter(plan=plan).values_list("key", "name"))
            reason = _reason(missing, by_key, names).split("：", 1)[1]
            raise Conflict(f"联合评审审查的前置事项尚未办结：{reason}")
        review.finished_on = timezone.localdate()
        review.outcome = outcome.strip()[:2000]
        review.recorded_by = actor
        review.save(update_fields=["finished_on", "outcome", "recorded_by"])
        release_waiting(plan.pk, f"联合评审“{review.name}”已完成")
        return review
