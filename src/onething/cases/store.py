"""Persistence of a case's transitions, through Django's public APIs only.

A task transition reads the case and its tasks (locked on PostgreSQL; SQLite's write
transaction already holds the only lock there is), changes some task rows and appends
action rows. The reads name only the columns a transition needs (`only`), so the
encrypted form stays in the database; the writes are `save(update_fields=…)` and
`bulk_create`, so that signals, query logging and every field's own conversion apply.

The case's next deadline (下一个期限) is the rule's (`deadlines.next_deadline`): each
service that changes a case or its tasks calls `keep_deadline` after the change, in its
transaction, and the column is written with a plain UPDATE when the date moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from django.db import connection
from django.db.models import Model, Subquery

from onething.cases.deadlines import next_deadline
from onething.cases.lifecycle import CaseState
from onething.cases.models import Action, Case, Task

# Case columns a transition needs (the encrypted form stays in the database).
CASE_FIELDS = (
    "public_id",
    "number",
    "catalog_version",
    "package_id",
    "package_name",
    "answers",
    "applicant",
    "agent",
    "channel",
    "window",
    "place",
    "state",
    "version",
    "submitted_at",
    "window_due",
    "accepted_at",
    "due_date",
    "ready_at",
    "days_taken",
    "deadline",
)
# The task columns a transition may change.
TASK_CHANGES = (
    "state",
    "version",
    "assignee",
    "workable_on",
    "due_date",
    "finished_on",
    "pauses",
    "decision_note",
)


def _locked(queryset, *of: str):
    """The rows locked until the transaction ends, where the database locks rows."""
    if not connection.features.has_select_for_update:
        return queryset
    if of and connection.features.has_select_for_update_of:
        return queryset.select_for_update(of=of)
    return queryset.select_for_update()


def _one(queryset):
    """The row of a lookup by a unique key, or None (no LIMIT, no ORDER BY)."""
    rows = list(queryset.order_by())
    return rows[0] if rows else None


def load_for_task(task_id: int, siblings: bool = True) -> tuple[Case, list[Task]] | None:
    """The case of a task and all its tasks in package order (or only that task), locked
    (the case row first); None if there is no such task."""
    case_of_task = Task.objects.filter(pk=task_id).values("case_id")
    case = _one(_locked(Case.objects.only(*CASE_FIELDS).filter(pk=Subquery(case_of_task))))
    if case is None:
        return None
    tasks = Task.objects.filter(case_id=case.pk) if siblings else Task.objects.filter(pk=task_id)
    loaded = list(_locked(tasks.order_by("position")))
    for task in loaded:
        task.case = case  # no extra query for task.case
    return case, loaded


def load_case(public_id) -> Case | None:
    """A case by its public id, locked, with its catalogue version's number and digest
    (the encrypted form is left in the database: reading it is `Case.form_text`'s job)."""
    cases = (
        Case.objects.select_related("catalog_version")
        .only(*CASE_FIELDS, "catalog_version__number", "catalog_version__digest")
        .filter(public_id=public_id)
    )
    return _one(_locked(cases, "self"))


def save(instances: Sequence[Model], names: Sequence[str]) -> None:
    """Write these columns of these rows (`save(update_fields=…)`)."""
    for instance in instances:
        instance.save(update_fields=names)


def save_tasks(tasks: Sequence[Task]) -> None:
    save(tasks, TASK_CHANGES)


class ActionRow(NamedTuple):
    """One audit record to append."""

    case_id: int
    task_id: int | None
    actor_id: int | None
    actor_role: str
    action: str
    from_state: str
    to_state: str
    note: str
    data: dict


def insert_actions(actions: Sequence[ActionRow]) -> None:
    """Append audit records, each stamped as it is written (one INSERT)."""
    if actions:
        Action.objects.bulk_create([Action(**action._asdict()) for action in actions])


def keep_deadline(case: Case, tasks: Sequence[Task] | None = None) -> None:
    """`Case.deadline` after a change to the case or its tasks, by the rule: one UPDATE
    when it moved. `tasks`: all the case's tasks as they now are (read when not given and
    the case is in progress)."""
    if tasks is not None:
        rows: Sequence[tuple[str, date | None]] = [(t.state, t.due_date) for t in tasks]
    elif case.state == CaseState.IN_PROGRESS:
        rows = list(Task.objects.filter(case_id=case.pk).values_list("state", "due_date"))
    else:
        rows = []
    deadline = next_deadline(case.state, case.window_due, case.due_date, rows)
    if deadline != case.deadline:
        Case.objects.filter(pk=case.pk).update(deadline=deadline)
        case.deadline = deadline


def refresh_deadlines(case_ids: Sequence[int]) -> None:
    """Recompute these cases' next deadline by the rule and write those that moved
    (after changes made outside the services: a bulk load, an edit in the database)."""
    ids = sorted(set(case_ids))
    if not ids:
        return
    tasks: dict[int, list[tuple[str, date | None]]] = {pk: [] for pk in ids}
    for case_id, state, due in Task.objects.filter(case_id__in=ids).values_list(
        "case_id", "state", "due_date"
    ):
        tasks[case_id].append((state, due))
    rows = Case.objects.filter(pk__in=ids).values_list(
        "pk", "state", "window_due", "due_date", "deadline"
    )
    for pk, state, window_due, due_date, stored in rows:
        deadline = next_deadline(state, window_due, due_date, tasks[pk])
        if deadline != stored:
            Case.objects.filter(pk=pk).update(deadline=deadline)
