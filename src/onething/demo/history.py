"""`onething demo --cases N`: a year of realistic case history, bulk-loaded, for the
benchmarks that must hold with millions of cases (work lists, overdue lists, case pages,
the dashboard).

Each package is first filed and accepted through the real services (in a transaction
that is rolled back) to learn what a real case of it looks like: its routed tasks,
departments, levels, dependencies and promised days. Then N cases are cloned from those
templates onto a year of filing days with realistic outcomes — most finished (about one
in eight late), some refused, the recent ones still in progress or waiting at the window
— each with its tasks, its audit trail (each case's chain sealed before it is written, so
that `onething audit verify` holds) and, for about half the finished ones, a rating.
Rows go in with COPY on PostgreSQL and in batches on SQLite, then the dashboard's roll-up
is rebuilt.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from onething.accounts.models import User
from onething.calendar.loaded import current_calendar
from onething.cases import services
from onething.cases.audit import seal_new_chains
from onething.cases.deadlines import next_deadline
from onething.cases.lifecycle import CaseAction, CaseState, TaskAction, TaskState
from onething.cases.models import Action, Case, Task
from onething.catalog.services import current_catalog
from onething.demo.simulation import demo_owners, random_filing
from onething.evaluation import rollup
from onething.evaluation.models import Rating

# The Case columns every clone of a template shares.
SHARED = (
    "catalog_version_id",
    "package_id",
    "package_name",
    "answers",
    "form_text",
    "applicant_id",
    "window",
    "place",
)
BATCH = 20_000  # cases per write


@dataclass(frozen=True, slots=True)
class HistoryReport:
    cases: int
    tasks: int
    actions: int
    ratings: int


@dataclass(frozen=True, slots=True)
class Template:
    case: dict[str, Any]  # Case columns that every clone shares
    tasks: list[dict[str, Any]]  # with "offset": working days from acceptance to due
    promised: int  # working days from acceptance to the case's due date


def generate_history(
    cases: int,
    days: int = 365,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> HistoryReport:
    rng = random.Random(seed)
    today = timezone.localdate() - timedelta(days=1)  # history ends yesterday
    templates = _templates(rng)
    if not templates:
        raise services.InvalidInput("请先导入事项目录（onething setup）")
    clerk = User.objects.get(username="clerk_lishi")
    reviewers = {(u.department, u.jurisdiction): u.pk for u in User.objects.filter(role="reviewer")}
    applicants = _applicants(templates, max(1, cases // 10))
    next_case = (Case.objects.aggregate(n=Max("pk"))["n"] or 0) + 1
    next_task = (Task.objects.aggregate(n=Max("pk"))["n"] or 0) + 1
    made = HistoryReport(0, 0, 0, 0)
    while made.cases < cases:
        batch = _Batch(clerk.pk, reviewers)
        for _ in range(min(BATCH, cases - made.cases)):
            filed = today - timedelta(days=int(rng.triangular(0, days, 0)))
            template = rng.choice(templates)
            applicant = rng.choice(applicants[template.case["applicant_id"]])
            first_task = next_task + len(batch.tasks)
            _clone(batch, template, applicant, next_case, first_task, filed, today, rng)
            next_case += 1
        next_task += len(batch.tasks)
        seal_new_chains(batch.actions)  # each new case's audit chain (cases/audit.py)
        with transaction.atomic():
            _write(Case, batch.cases, raw=frozenset({"form_text"}))
            _write(Task, batch.tasks)
            _write(Action, batch.actions)
            _write(Rating, batch.ratings)
        made = HistoryReport(
            made.cases + len(batch.cases),
            made.tasks + len(batch.tasks),
            made.actions + len(batch.actions),
            made.ratings + len(batch.ratings),
        )
        if progress:
            progress(made.cases, cases)
    _after_load()
    rollup.rebuild()
    return made


# --------------------------------------------------------------------------- templates


def _templates(rng: random.Random) -> list[Template]:
    """Two answer combinations of every package, filed and accepted for real, rolled back."""
    current = current_catalog()
    if current is None:
        return []
    catalog = current.catalog
    owners = demo_owners()
    clerk = User.objects.get(username="clerk_lishi")
    calendar = current_calendar()
    today = timezone.localdate()
    found = []
    for package in catalog.packages.values():
        for _ in range(2):
            drawn = random_filing(rng, catalog, package, owners, today)
            if drawn is None:
                continue
            owner, filing, _guide = drawn
            with transaction.atomic():
                try:
                    case, _ = services.file_case(owner, filing)
                    services.accept(clerk, case.public_id)
                except services.CaseError:
                    transaction.set_rollback(True)
                    continue
                case.refresh_from_db()
                tasks = list(Task.objects.filter(case=case).order_by("position").values())
                transaction.set_rollback(True)
            if case.due_date is None:
                continue
            shared = {name: getattr(case, name) for name in SHARED}
            form_text = Case._meta.get_field("form_text")
            shared["form_text"] = form_text.get_db_prep_save(case.form_text, connection)
            for task in tasks:
                task["offset"] = (
                    calendar.working_days_between(today, task["due_date"])
                    if task["due_date"]
                    else 0
                )
            found.append(
                Template(shared, tasks, calendar.working_days_between(today, case.due_date))
            )
    return found


def _applicants(templates: list[Template], count: int) -> dict[int, list[int]]:
    """A pool of applicant accounts (about ten cases each) for each kind of demo owner
    the templates were filed by: people for people's packages, enterprises for theirs."""
    owners = sorted({t.case["applicant_id"] for t in templates})
    kinds = dict(User.objects.filter(pk__in=owners).values_list("pk", "applicant_kind"))
    first = (User.objects.aggregate(n=Max("pk"))["n"] or 0) + 1
    pools: dict[int, list[int]] = {}
    rows = []
    for index, owner in enumerate(owners):
        ids = list(range(first + index * count, first + (index + 1) * count))
        pools[owner] = ids
        for pk in ids:
            rows.append(
                {
                    "id": pk,
                    "username": f"history_{pk}",
                    "password": "!",  # unusable: these accounts cannot log in
                    "role": "applicant",
                    "full_name": f"历史申请人{pk}",
                    "applicant_kind": kinds.get(owner, ""),
                    "date_joined": timezone.now(),
                }
            )
    with transaction.atomic():
        for start in range(0, len(rows), BATCH):
            _write(User, rows[start : start + BATCH])
    return pools


# --------------------------------------------------------------------------- one case


class _Batch:
    def __init__(self, clerk: int, reviewers: dict[tuple[str, str], int]) -> None:
        self.clerk = clerk
        self.reviewers = reviewers  # (department, level): user id
        self.cases: list[dict] = []
        self.tasks: list[dict] = []
        self.actions: list[dict] = []
        self.ratings: list[dict] = []


@cache
def _add(day: date, working_days: int) -> date:
    return current_calendar().add_working_days(day, working_days)


_ZONE = timezone.get_fixed_timezone(8 * 60)  # China Standard Time, no daylight saving


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=_ZONE)


def _clone(
    batch: _Batch,
    template: Template,
    applicant: int,
    case_id: int,
    first_task_id: int,
    filed: date,
    today: date,
    rng: random.Random,
) -> None:
    """One case of the template filed on `filed`, carried as far as today allows."""
    submitted = _at(filed, rng.randint(8, 17), rng.randint(0, 59))
    clock = [submitted]

    def after(moment: datetime) -> datetime:
        """Each step at least a few minutes after the one before."""
        clock[0] = max(moment, clock[0] + timedelta(minutes=rng.randint(2, 30)))
        return clock[0]

    case = {
        **template.case,
        "applicant_id": applicant,
        "id": case_id,
        "public_id": uuid.uuid4(),
        "number": f"{template.case['window']}-{filed:%Y%m%d}-{case_id:06d}",
        "channel": rng.choice(("web", "web", "mobile", "window", "kiosk")),
        "state": CaseState.SUBMITTED,
        "version": 1,
        "created_at": submitted,
        "submitted_at": submitted,
        "window_due": _add(filed, 5),
    }
    batch.cases.append(case)
    clerk = batch.clerk
    actions = [
        _action(
            case_id, None, CaseAction.SUBMIT, "", "submitted", submitted, "applicant", applicant
        )
    ]
    accepted_on = _add(filed, rng.choice((0, 0, 1, 1, 2)))
    if accepted_on > today:  # still waiting at the window
        case["deadline"] = next_deadline(case["state"], case["window_due"], None, ())
        batch.actions.extend(actions)
        return
    if rng.random() < 0.03:  # 不予受理
        case.update(state=CaseState.REFUSED, refusal_reason="不属于本机关受理范围")
        refused = after(_at(accepted_on, 10))
        actions.append(
            _action(
                case_id, None, CaseAction.REFUSE, "submitted", "refused", refused, "clerk", clerk
            )
        )
        batch.actions.extend(actions)
        return
    accepted = after(_at(accepted_on, 10, rng.randint(0, 59)))
    late = rng.random() < 0.12
    taken = (
        template.promised + rng.randint(1, 5)
        if late
        else max(0, template.promised - rng.randint(0, 3))
    )
    ready_on = _add(accepted_on, taken)
    stuck = rng.random() < 0.01  # an old case still open: the overdue list
    finished = ready_on <= today and not stuck
    case.update(
        state=CaseState.IN_PROGRESS,
        accepted_at=accepted,
        due_date=_add(accepted_on, template.promised),
        version=2,
    )
    actions.append(
        _action(
            case_id, None, CaseAction.ACCEPT, "submitted", "in_progress", accepted, "clerk", clerk
        )
    )
    # Each item is done when its share of the time taken has passed (a late case's items
    # stretch with it); an undone item runs once its predecessors are done, else waits.
    stretch = taken / max(1, template.promised)
    approved: set[str] = set()
    for index, shape in enumerate(template.tasks):
        task = {
            k: v for k, v in shape.items() if k not in ("offset", "id", "case_id", "assignee_id")
        }
        task.update(id=first_task_id + index, case_id=case_id, version=2, assignee_id=None)
        reviewer = batch.reviewers.get((task["department"], task["jurisdiction"]))
        done_on = min(ready_on, _add(accepted_on, round(shape["offset"] * stretch)))
        last = index == len(template.tasks) - 1
        if finished or (done_on <= today and not (stuck and last)):
            task.update(
                state=TaskState.APPROVED,
                workable_on=accepted_on,
                due_date=_add(accepted_on, shape["offset"]),
                finished_on=done_on,
                decision_note="同意",
            )
            approved.add(task["item_id"])
            decided = after(_at(done_on, rng.randint(9, 16), rng.randint(0, 59)))
            actions.append(
                _action(
                    case_id,
                    task["id"],
                    TaskAction.APPROVE,
                    "in_review",
                    "approved",
                    decided,
                    "reviewer",
                    reviewer,
                )
            )
        elif approved.issuperset(task["after"]):
            state = rng.choice((TaskState.WORKABLE, TaskState.IN_REVIEW))
            task.update(
                state=state,
                workable_on=accepted_on,
                due_date=_add(accepted_on, shape["offset"]),
                finished_on=None,
            )
            if state == TaskState.IN_REVIEW:
                task["assignee_id"] = reviewer
        else:
            task.update(state=TaskState.WAITING, finished_on=None, workable_on=None, due_date=None)
        batch.tasks.append(task)
    if not finished:
        first = len(batch.tasks) - len(template.tasks)
        mine = [(t["state"], t["due_date"]) for t in batch.tasks[first:]]
        case["deadline"] = next_deadline(case["state"], case["window_due"], case["due_date"], mine)
        batch.actions.extend(actions)
        return
    handed = min(today, _add(ready_on, rng.choice((0, 1, 1, 2))))
    case.update(
        state=CaseState.COMPLETED,
        ready_at=after(_at(ready_on, 16)),
        completed_at=after(_at(handed, 11) if handed > ready_on else _at(ready_on, 17)),
        days_taken=taken,
        version=3 + len(template.tasks),
    )
    actions.append(
        _action(
            case_id,
            None,
            CaseAction.FINISH,
            "in_progress",
            "ready",
            case["ready_at"],
            "system",
            None,
        )
    )
    actions.append(
        _action(
            case_id,
            None,
            CaseAction.HAND_OVER,
            "ready",
            "completed",
            case["completed_at"],
            "clerk",
            clerk,
        )
    )
    batch.actions.extend(actions)
    if rng.random() < 0.5:
        level = rng.choices((5, 4, 3, 2, 1), weights=(55, 25, 10, 6, 4))[0]
        batch.ratings.append(
            {
                "case_id": case_id,
                "stage": "overall",
                "level": level,
                "reasons": [],
                "channel": "web",
                "rater_id": applicant,
                "created_at": case["completed_at"] + timedelta(hours=1),
            }
        )


def _action(case_id, task_id, action, before, after, at, role, actor_id) -> dict:
    return {
        "case_id": case_id,
        "task_id": task_id,
        "actor_id": actor_id,
        "actor_role": role,
        "action": str(action),
        "from_state": str(before),
        "to_state": str(after),
        "at": at,
    }


# --------------------------------------------------------------------------- writing


def _write(model: type[models.Model], rows: list[dict], raw: frozenset[str] = frozenset()) -> None:
    """Append rows, converting each value as the ORM would (`raw`: already converted)."""
    if not rows:
        return
    fields = [
        f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in rows[0])
    ]
    postgres = connection.vendor == "postgresql"
    plan = [
        (f.attname, f.get_default(), None if f.attname in raw else _converter(f, postgres))
        for f in fields
    ]

    def values() -> Iterator[list]:
        for row in rows:
            out = []
            for name, default, convert in plan:
                value = row.get(name, default)
                out.append(value if convert is None or value is None else convert(value))
            yield out

    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if postgres:
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in values():
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(values()))


def _converter(field: models.Field, postgres: bool) -> Callable[[Any], Any] | None:
    """A fast stand-in for `field.get_db_prep_save` for the plain field types."""
    if type(field).__module__.split(".")[0] != "django":
        return lambda value: field.get_db_prep_save(value, connection)  # e.g. encrypted
    if isinstance(field, models.JSONField):
        if postgres:
            from psycopg.types.json import Jsonb

            return Jsonb
        return lambda value: json.dumps(value, ensure_ascii=False)
    if postgres:
        return None  # psycopg adapts dates, times, UUIDs and numbers itself
    if isinstance(field, models.DateTimeField):
        return lambda value: value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(field, models.DateField):
        return date.isoformat
    if isinstance(field, models.UUIDField):
        return lambda value: value.hex
    return None


def _after_load() -> None:
    """Identity sequences past the loaded ids, and fresh planner statistics."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (User, Case, Task):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    # VACUUM sets the visibility maps, so that counts can be index-only scans; it cannot
    # run inside a transaction (a test's), where statistics are all it gets.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
