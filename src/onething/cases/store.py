"""Persistence of a case's transitions: a few statements per change.

A task transition reads the case and its tasks (locked on PostgreSQL; SQLite's write
transaction already holds the only lock there is), changes some task rows and appends
action rows. Building those few statements through the query compiler at every step
costs more than running them:
- the reads (the case and its tasks, locked) are querysets compiled once per process
  (`core/prepared.py`, the one module allowed the ORM's internals: it says why, and its
  test fails when a Django release changes what it relies on); they name only the
  columns a transition needs, so the encrypted form stays in the database;
- the writes (changed rows, audit records) are fixed statements written once per process
  from the models' metadata and run through Django's cursor, each value prepared by its
  field's own `get_db_prep_save` (an encrypted field is encrypted), logged as every query
  is. Rows other services create go through `bulk_create` or `save()` where they are made.

The case's next deadline (下一个期限) is the rule's (`deadlines.next_deadline`): each
service that changes a case or its tasks calls `keep_deadline` after the change, in its
transaction, and the column is written with a plain UPDATE when the date moved.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Model, QuerySet, Subquery

from onething.cases import audit
from onething.cases.deadlines import next_deadline
from onething.cases.lifecycle import CaseState, TaskState
from onething.cases.models import Action, Case, Task
from onething.core.prepared import PreparedQuery

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
    "held_for",
)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _locked(rows: QuerySet, *of: str) -> QuerySet:
    """Rows locked until the transaction ends, where the database locks rows (SQLite's
    write transaction already holds the only lock there is)."""
    return rows.select_for_update(of=of)


# The reads of every transition, compiled once (core/prepared.py says why and how).
# PostgreSQL locks the case row first, then its tasks; on SQLite, whose write transaction
# already holds the only lock there is, one statement reads the tasks with their case.
_case_of_task = PreparedQuery(
    lambda task_id: _locked(
        Case.objects.only(*CASE_FIELDS)
        .filter(pk=Subquery(Task.objects.filter(pk=task_id).values("case_id")))
        .order_by()
    )
)
_tasks_of_case = PreparedQuery(
    lambda case_id: _locked(Task.objects.filter(case_id=case_id).order_by("position"))
)
_task = PreparedQuery(lambda task_id: _locked(Task.objects.filter(pk=task_id).order_by()))
_WITH_CASE = ("case", *(f"case__{name}" for name in CASE_FIELDS))
_siblings_with_case = PreparedQuery(
    lambda task_id: (
        Task.objects.filter(case_id=Subquery(Task.objects.filter(pk=task_id).values("case_id")))
        .select_related("case")
        .only(*(f.name for f in Task._meta.concrete_fields), *_WITH_CASE)
        .order_by("position")
    )
)
_task_with_case = PreparedQuery(
    lambda task_id: (
        Task.objects.filter(pk=task_id)
        .select_related("case")
        .only(*(f.name for f in Task._meta.concrete_fields), *_WITH_CASE)
        .order_by()
    )
)
_case_by_public_id = PreparedQuery(
    lambda public_id: _locked(
        Case.objects.select_related("catalog_version")
        .only(*CASE_FIELDS, "catalog_version__number", "catalog_version__digest")
        .filter(public_id=public_id)
        .order_by(),
        "self",  # not its catalogue version
    )
)


def load_for_task(task_id: int, siblings: bool = True) -> tuple[Case, list[Task]] | None:
    """The case of a task and all its tasks in package order (or only that task), locked
    (the case row first); None if there is no such task."""
    if connection.features.has_select_for_update:
        case = _case_of_task.first(task_id)
        if case is None:
            return None
        tasks = _tasks_of_case.all(case.pk) if siblings else _task.all(task_id)
    else:
        tasks = (_siblings_with_case if siblings else _task_with_case).all(task_id)
        if not tasks:
            return None
        case = tasks[0].case
    for task in tasks:
        task.case = case  # one instance for all
    return case, tasks


def load_case(public_id) -> Case | None:
    """A case by its public id, locked, with its catalogue version's number and digest
    (the encrypted form is left in the database: reading it is `Case.form_text`'s job).
    A public id that is no UUID raises ValueError."""
    if not isinstance(public_id, uuid.UUID):
        public_id = uuid.UUID(str(public_id))
    return _case_by_public_id.first(public_id)


@lru_cache(maxsize=32)
def _fields(model: type[Model], names: tuple[str, ...]) -> tuple:
    return tuple(model._meta.get_field(name) for name in names)


@lru_cache(maxsize=32)
def _update_sql(model: type[Model], names: tuple[str, ...], vendor: str) -> str:
    fields = _fields(model, names)
    assignments = ", ".join(f"{_quote(field.column)} = %s" for field in fields)
    table, pk = _quote(model._meta.db_table), _quote(model._meta.pk.column)
    return f"UPDATE {table} SET {assignments} WHERE {pk} = %s"


def _database():
    """This thread's connection itself: `django.db.connection` is a proxy that looks it up
    again at each attribute a field's conversion reads (≈ 20 a row)."""
    return connections[DEFAULT_DB_ALIAS]


def _values(instance: Model, fields, database) -> list:
    """The instance's values as the database takes them (each field's own conversion)."""
    return [field.get_db_prep_save(getattr(instance, field.attname), database) for field in fields]


def save(instances: Sequence[Model], names: Sequence[str]) -> None:
    """UPDATE these columns of these rows: one fixed statement, run for each row."""
    if not instances:
        return
    model, names = type(instances[0]), tuple(names)
    fields = _fields(model, names)
    database = _database()
    rows = [[*_values(instance, fields, database), instance.pk] for instance in instances]
    with database.cursor() as cursor:
        cursor.executemany(_update_sql(model, names, database.vendor), rows)


@lru_cache(maxsize=32)
def _update_where_sql(model: type[Model], names: tuple[str, ...], where: tuple[str, ...]) -> str:
    fields, keys = _fields(model, names), _fields(model, where)
    assignments = ", ".join(f"{_quote(field.column)} = %s" for field in fields)
    conditions = " AND ".join(f"{_quote(field.column)} = %s" for field in keys)
    return f"UPDATE {_quote(model._meta.db_table)} SET {assignments} WHERE {conditions}"


def update_where(model: type[Model], values: dict, where: dict) -> int:
    """UPDATE these columns of the rows whose columns equal `where` (no NULL there): one
    fixed statement, each value prepared by its field; how many rows it changed."""
    database = _database()
    names, keys = tuple(values), tuple(where)
    params = [
        *(f.get_db_prep_save(values[f.name], database) for f in _fields(model, names)),
        *(f.get_db_prep_save(where[f.name], database) for f in _fields(model, keys)),
    ]
    with database.cursor() as cursor:
        cursor.execute(_update_where_sql(model, names, keys), params)
        return cursor.rowcount


@lru_cache(maxsize=32)
def _insert_sql(model: type[Model], vendor: str) -> tuple[str, tuple]:
    fields = tuple(f for f in model._meta.concrete_fields if not f.primary_key)
    columns = ", ".join(_quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {_quote(model._meta.db_table)} ({columns}) VALUES ({marks})", fields


def insert(instances: Sequence[Model]) -> None:
    """INSERT new rows of one model whose ids nobody reads afterwards (a notice, the
    outbox's messages): one fixed statement, each value prepared by its field (defaults
    and auto_now as `save()` takes them); the instances are left without their ids."""
    if not instances:
        return
    database = _database()
    sql, fields = _insert_sql(type(instances[0]), database.vendor)
    rows = [
        [f.get_db_prep_save(f.pre_save(row, True), database) for f in fields] for row in instances
    ]
    with database.cursor() as cursor:
        cursor.executemany(sql, rows)


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


# The columns written, in ActionRow's order, the time, and the record's place and seal in
# its case's audit chain (cases/audit.py).
ACTION_FIELDS = (*(name.removesuffix("_id") for name in ActionRow._fields), "at", "seq", "mac")


@lru_cache(maxsize=8)
def _insert_actions_sql(vendor: str) -> str:
    fields = _fields(Action, ACTION_FIELDS)
    columns = ", ".join(_quote(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {_quote(Action._meta.db_table)} ({columns}) VALUES ({values})"


def insert_actions(actions: Sequence[ActionRow]) -> None:
    """Append audit records, all stamped with the same time and sealed into their case's
    chain (cases/audit.py: the case row locked, the chain's last seal read, in this
    transaction): one fixed statement, run for each record."""
    if not actions:
        return
    fields = _fields(Action, ACTION_FIELDS)
    database = _database()
    with transaction.atomic(savepoint=False):
        at, links = audit.link_actions([action._asdict() for action in actions])
        rows = [
            [
                f.get_db_prep_save(v, database)
                for f, v in zip(fields, (*action, at, *link), strict=True)
            ]
            for action, link in zip(actions, links, strict=True)
        ]
        with database.cursor() as cursor:
            cursor.executemany(_insert_actions_sql(database.vendor), rows)


@lru_cache(maxsize=8)
def _workable_sql(vendor: str) -> str:
    task, case = _quote(Task._meta.db_table), _quote(Case._meta.db_table)
    return (
        f"SELECT t.id, t.item_id, c.catalog_version_id FROM {task} t "
        f"JOIN {case} c ON c.id = t.case_id WHERE t.case_id = %s AND t.state = %s "
        "ORDER BY t.position"
    )


def workable_items(case_id: int) -> list[tuple[int, str, int]]:
    """(task id, item id, the case's catalogue version id) of the case's workable tasks,
    in package order: one fixed statement (秒批 asks it after every approval)."""
    database = _database()
    with database.cursor() as cursor:
        cursor.execute(_workable_sql(database.vendor), [case_id, TaskState.WORKABLE.value])
        return [tuple(row) for row in cursor.fetchall()]


def deadline_of(case: Case, tasks: Sequence[Task] | None = None) -> date | None:
    """The case's next deadline by the rule, as the case and its tasks now are in memory
    (`tasks` read when not given and the case is in progress)."""
    if tasks is not None:
        rows: Sequence[tuple[str, date | None]] = [(t.state, t.due_date) for t in tasks]
    elif case.state == CaseState.IN_PROGRESS:
        rows = list(Task.objects.filter(case_id=case.pk).values_list("state", "due_date"))
    else:
        rows = []
    return next_deadline(case.state, case.window_due, case.due_date, rows)


def keep_deadline(case: Case, tasks: Sequence[Task] | None = None) -> None:
    """`Case.deadline` after a change to the case or its tasks, by the rule: one UPDATE
    when it moved. `tasks`: all the case's tasks as they now are (read when not given and
    the case is in progress)."""
    deadline = deadline_of(case, tasks)
    if deadline != case.deadline:
        case.deadline = deadline
        save([case], ("deadline",))


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
