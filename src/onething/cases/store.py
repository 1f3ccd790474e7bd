"""Lean persistence for task transitions: a few fixed SQL statements per change.

A task transition reads the case and its tasks (locked on PostgreSQL), changes some
task rows and appends action rows. Building those statements through the ORM's query
compiler costs more than running them, so the SQL is written once per process from
the models' own metadata (tables, columns, and each field's conversion to the
database) and reused: one SELECT for the case, one for its tasks, one UPDATE run for
the changed tasks and one INSERT run for the new actions.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import Model
from django.db.models.base import ModelState
from django.utils import timezone

from onething.cases.lifecycle import TASK_RUNNING, CaseState
from onething.cases.models import Action, Case, Task
from onething.catalog.models import CatalogVersion

# Case columns a task transition needs (the encrypted form stays in the database).
_CASE_FIELDS = (
    "id",
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
    "accepted_at",
    "due_date",
    "ready_at",
    "days_taken",
)
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
TASK_COLUMNS = (
    "case",
    "position",
    "item_id",
    "item_name",
    "department",
    "jurisdiction",
    "after",
    "kind",
    "promised_days",
    *TASK_CHANGES,
)
_ACTION_FIELDS = (
    "case",
    "task",
    "actor",
    "actor_role",
    "action",
    "from_state",
    "to_state",
    "note",
    "data",
    "at",
)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _fields(model: type[Model], names: Sequence[str]):
    return [model._meta.get_field(name) for name in names]


@lru_cache(maxsize=8)
def _select_case_sql(vendor: str) -> str:
    columns = ", ".join(_quote(f.column) for f in _fields(Case, _CASE_FIELDS))
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return (
        f"SELECT {columns} FROM {_quote(Case._meta.db_table)} WHERE {_quote('id')} = "
        f"(SELECT {_quote('case_id')} FROM {_quote(Task._meta.db_table)} WHERE {_quote('id')} = %s)"
        f"{lock}"
    )


@lru_cache(maxsize=8)
def _select_tasks_sql(vendor: str, by: str) -> str:
    columns = ", ".join(_quote(f.column) for f in Task._meta.concrete_fields)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return (
        f"SELECT {columns} FROM {_quote(Task._meta.db_table)} WHERE {_quote(by)} = %s "
        f"ORDER BY {_quote('position')}{lock}"
    )


@lru_cache(maxsize=64)
def _update_sql(model: type[Model], names: tuple[str, ...], vendor: str) -> str:
    assignments = ", ".join(f"{_quote(f.column)} = %s" for f in _fields(model, names))
    return f"UPDATE {_quote(model._meta.db_table)} SET {assignments} WHERE {_quote('id')} = %s"


@lru_cache(maxsize=8)
def _select_case_by_public_id_sql(vendor: str) -> str:
    case_table, version_table = _quote(Case._meta.db_table), _quote(CatalogVersion._meta.db_table)
    columns = ", ".join(f"c.{_quote(f.column)}" for f in _fields(Case, _CASE_FIELDS))
    lock = " FOR UPDATE OF c" if connection.features.has_select_for_update_of else ""
    return (
        f"SELECT {columns}, v.{_quote('number')}, v.{_quote('digest')} FROM {case_table} c "
        f"JOIN {version_table} v ON v.{_quote('id')} = c.{_quote('catalog_version_id')} "
        f"WHERE c.{_quote('public_id')} = %s{lock}"
    )


@lru_cache(maxsize=8)
def _insert_actions_sql(vendor: str) -> str:
    columns = ", ".join(_quote(f.column) for f in _fields(Action, _ACTION_FIELDS))
    placeholders = ", ".join(["%s"] * len(_ACTION_FIELDS))
    return f"INSERT INTO {_quote(Action._meta.db_table)} ({columns}) VALUES ({placeholders})"


@lru_cache(maxsize=8)
def deadline_sql(vendor: str, cases: int) -> str:
    """Set `Case.deadline` (下一个期限) for `cases` ids from its state and its tasks: one
    statement, portable between SQLite and PostgreSQL."""
    case, task = _quote(Case._meta.db_table), _quote(Task._meta.db_table)
    running = ", ".join(f"'{state.value}'" for state in TASK_RUNNING)
    due = f"{case}.{_quote('due_date')}"
    earliest = f"MIN(t.{_quote('due_date')})"
    ids = ", ".join(["%s"] * cases)
    return (
        f"UPDATE {case} SET {_quote('deadline')} = CASE {_quote('state')} "
        f"WHEN '{CaseState.SUBMITTED.value}' THEN {_quote('window_due')} "
        f"WHEN '{CaseState.IN_PROGRESS.value}' THEN ("
        f"SELECT CASE WHEN {earliest} IS NULL THEN {due} "
        f"WHEN {due} IS NULL OR {earliest} < {due} THEN {earliest} ELSE {due} END "
        f"FROM {task} t WHERE t.{_quote('case_id')} = {case}.{_quote('id')} "
        f"AND t.{_quote('state')} IN ({running})) "
        f"ELSE NULL END WHERE {_quote('id')} IN ({ids})"
    )


# Fields whose Python value is already what the database driver takes.
_PLAIN = (
    models.AutoField,
    models.BigAutoField,
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.BooleanField,
)


def _connection():
    """The default connection itself (the `connection` proxy costs a lookup per use)."""
    return connections[DEFAULT_DB_ALIAS]


class _Statements:
    """Run the fixed statements. On SQLite they go to the driver's own cursor, inside the
    transaction Django opened: Django's cursor wrapper rewrites every statement's %s
    placeholders with a regular expression and adds layers that cost more than SQLite
    takes to run them. Errors still come out as Django's database errors."""

    def __init__(self) -> None:
        self.real = _connection()
        self.sqlite = self.real.vendor == "sqlite"

    def __enter__(self) -> _Statements:
        if self.sqlite:
            self.real.ensure_connection()
            self.real.validate_no_broken_transaction()
            self.cursor = self.real.connection.cursor()
        else:
            self.cursor = self.real.cursor()
        return self

    def __exit__(self, *exc_info) -> None:
        self.cursor.close()

    def execute(self, sql: str, params) -> None:
        if self.sqlite:
            with self.real.wrap_database_errors:
                self.cursor.execute(_qmark(sql), params)
        else:
            self.cursor.execute(sql, params)

    def executemany(self, sql: str, rows) -> None:
        if self.sqlite:
            with self.real.wrap_database_errors:
                self.cursor.executemany(_qmark(sql), rows)
        else:
            self.cursor.executemany(sql, rows)

    def fetchone(self):
        return self.cursor.fetchone()

    def fetchall(self):
        return self.cursor.fetchall()


@lru_cache(maxsize=128)
def _qmark(sql: str) -> str:
    """SQLite's placeholders (the statements here have no literal % in them)."""
    return sql.replace("%s", "?")


@lru_cache(maxsize=16)
def _readers(model: type[Model], names: tuple[str, ...] | None, vendor: str):
    """Per column: the converters the ORM would apply to a value read from this backend."""
    real = _connection()
    fields = model._meta.concrete_fields if names is None else _fields(model, names)
    readers = []
    for field in fields:
        column = field.get_col(model._meta.db_table)
        converters = list(real.ops.get_db_converters(column))
        converters += column.get_db_converters(real)
        readers.append(tuple(converters))
    return tuple(f.attname for f in fields), tuple(readers)


@lru_cache(maxsize=64)
def _writers(model: type[Model], names: tuple[str, ...], vendor: str):
    """Per column: how the ORM would prepare a value for this backend, or None where the
    value goes to the driver as it is (a foreign key's target id, a string, an integer)."""
    writers = []
    for field in _fields(model, names):
        target = field.target_field if field.is_relation else field
        # Exactly Django's own classes: a subclass (an encrypted text field) prepares its
        # value itself and must never be written as it is.
        plain = type(target) in _PLAIN
        writers.append(None if plain else field.get_db_prep_save)
    return tuple(f.attname for f in _fields(model, names)), tuple(writers)


def _row(instance: Model, attnames, writers, real) -> list:
    values = []
    for attname, writer in zip(attnames, writers, strict=True):
        value = getattr(instance, attname)
        values.append(value if writer is None or value is None else writer(value, real))
    return values


def _rows(model: type[Model], instances: Sequence[Model], names: tuple[str, ...]) -> list[list]:
    real = _connection()
    attnames, writers = _writers(model, names, real.vendor)
    return [_row(instance, attnames, writers, real) for instance in instances]


def _from_row(model: type[Model], names: tuple[str, ...] | None, row) -> Model:
    """A model instance from a row, as `Model.from_db` makes it but without running
    `__init__` (the columns not read stay deferred and load on first use)."""
    real = _connection()
    attnames, readers = _readers(model, names, real.vendor)
    instance = model.__new__(model)
    values = instance.__dict__
    for attname, value, converters in zip(attnames, row, readers, strict=True):
        for converter in converters:
            value = converter(value, None, real)
        values[attname] = value
    state = ModelState()
    state.adding = False
    state.db = DEFAULT_DB_ALIAS
    values["_state"] = state
    return instance


@lru_cache(maxsize=8)
def _select_case_and_tasks_sql(vendor: str, siblings: bool) -> str:
    """One statement for the case and its tasks (SQLite, where the write transaction
    already holds the only lock there is; PostgreSQL locks the case row first instead)."""
    case_columns = ", ".join(f"c.{_quote(f.column)}" for f in _fields(Case, _CASE_FIELDS))
    task_columns = ", ".join(f"t.{_quote(f.column)}" for f in Task._meta.concrete_fields)
    task_table, case_table = _quote(Task._meta.db_table), _quote(Case._meta.db_table)
    which = (
        f"t.{_quote('case_id')} = (SELECT {_quote('case_id')} FROM {task_table} "
        f"WHERE {_quote('id')} = %s)"
        if siblings
        else f"t.{_quote('id')} = %s"
    )
    return (
        f"SELECT {case_columns}, {task_columns} FROM {task_table} t "
        f"JOIN {case_table} c ON c.{_quote('id')} = t.{_quote('case_id')} "
        f"WHERE {which} ORDER BY t.{_quote('position')}"
    )


def load_for_task(task_id: int, siblings: bool = True) -> tuple[Case, list[Task]] | None:
    """The case of a task and all its tasks in package order (or only that task), locked;
    None if there is no such task."""
    vendor = connection.vendor
    if not connection.features.has_select_for_update:
        with _Statements() as cursor:
            cursor.execute(_select_case_and_tasks_sql(vendor, siblings), [task_id])
            rows = cursor.fetchall()
        if not rows:
            return None
        split = len(_CASE_FIELDS)
        case = _from_row(Case, _CASE_FIELDS, rows[0][:split])
        tasks = [_from_row(Task, None, row[split:]) for row in rows]
        for task in tasks:
            task.case = case
        return case, tasks
    with _Statements() as cursor:
        cursor.execute(_select_case_sql(vendor), [task_id])
        case_row = cursor.fetchone()
        if case_row is None:
            return None
        case = _from_row(Case, _CASE_FIELDS, case_row)
        if siblings:
            cursor.execute(_select_tasks_sql(vendor, "case_id"), [case.pk])
        else:
            cursor.execute(_select_tasks_sql(vendor, "id"), [task_id])
        tasks = [_from_row(Task, None, row) for row in cursor.fetchall()]
    for task in tasks:
        task.case = case  # no extra query for task.case
    return case, tasks


def load_case(public_id) -> Case | None:
    """A case by its public id, locked, with its catalogue version's number and digest
    (the encrypted form is left in the database: reading it is `Case.form_text`'s job)."""
    public_id = Case._meta.get_field("public_id").get_db_prep_value(public_id, connection)
    with _Statements() as cursor:
        cursor.execute(_select_case_by_public_id_sql(connection.vendor), [public_id])
        row = cursor.fetchone()
    if row is None:
        return None
    case = _from_row(Case, _CASE_FIELDS, row[:-2])
    case.catalog_version = CatalogVersion(
        id=case.catalog_version_id, number=row[-2], digest=row[-1]
    )
    return case


def save(instances: Sequence[Model], names: Sequence[str]) -> None:
    """UPDATE these columns of these rows (one prepared statement, run for each row)."""
    if not instances:
        return
    names = tuple(names)
    model = type(instances[0])
    rows = _rows(model, instances, names)
    for row, instance in zip(rows, instances, strict=True):
        row.append(instance.pk)
    with _Statements() as cursor:
        cursor.executemany(_update_sql(type(instances[0]), names, connection.vendor), rows)


def save_tasks(tasks: Sequence[Task]) -> None:
    save(tasks, TASK_CHANGES)


@lru_cache(maxsize=32)
def _insert_sql(model: type[Model], names: tuple[str, ...], vendor: str) -> str:
    columns = ", ".join(_quote(f.column) for f in _fields(model, names))
    placeholders = ", ".join(["%s"] * len(names))
    return f"INSERT INTO {_quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"


def insert(instances: Sequence[Model], names: Sequence[str]) -> None:
    """INSERT rows whose ids nobody needs back (one prepared statement, run for each row)."""
    if not instances:
        return
    names = tuple(names)
    model = type(instances[0])
    rows = _rows(model, instances, names)
    with _Statements() as cursor:
        cursor.executemany(_insert_sql(model, names, connection.vendor), rows)


class ActionRow(NamedTuple):
    """One audit record to append (an `Action` row without the cost of a model instance)."""

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
    """Append audit records, all stamped with the same time (one statement, run per row)."""
    if not actions:
        return
    real = _connection()
    attnames, writers = _writers(Action, _ACTION_FIELDS, real.vendor)
    assert attnames[:-1] == ActionRow._fields, "ActionRow must follow _ACTION_FIELDS"
    at = writers[-1](timezone.now(), real) if writers[-1] else timezone.now()
    rows = []
    for action in actions:
        row = list(action)
        for index, writer in enumerate(writers[:-1]):
            if writer is not None and row[index] is not None:
                row[index] = writer(row[index], real)
        row.append(at)
        rows.append(row)
    case_ids = sorted({action.case_id for action in actions})
    with _Statements() as cursor:
        cursor.executemany(_insert_actions_sql(connection.vendor), rows)
        # Every change to a case comes with its audit record: its next deadline with it.
        cursor.execute(deadline_sql(connection.vendor, len(case_ids)), case_ids)


def refresh_deadlines(case_ids: Sequence[int]) -> None:
    """Recompute these cases' next deadline (after a change made outside the services)."""
    ids = sorted(set(case_ids))
    if ids:
        with _Statements() as cursor:
            cursor.execute(deadline_sql(connection.vendor, len(ids)), ids)


@lru_cache(maxsize=16)
def _select_one_sql(model: type[Model], column: str, vendor: str) -> str:
    columns = ", ".join(_quote(f.column) for f in model._meta.concrete_fields)
    return (
        f"SELECT {columns} FROM {_quote(model._meta.db_table)} WHERE {_quote(column)} = %s LIMIT 1"
    )


def load_one(model: type[Model], column: str, value) -> Model | None:
    """The row of `model` whose (unique) `column` is `value`, every field read and
    converted as the ORM would, or None."""
    with _Statements() as cursor:
        cursor.execute(_select_one_sql(model, column, connection.vendor), [value])
        row = cursor.fetchone()
    return None if row is None else _from_row(model, None, row)
