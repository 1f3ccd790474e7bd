"""Querysets compiled to SQL once per process, run again with new values.

**The one module of src/ allowed Django's private ORM internals** (tests/unit/
test_public_django.py keeps every other module to public APIs).

Why. Django builds every statement anew, and for the few reads that every request or
transition makes that costs more than the database takes to answer. Measured on the
2-core VM (SQLite, median per call, 2026-12-04): a case by public id with its applicant,
agent and catalogue version 0.16 ms here against 1.18 ms through the ORM; its tasks with
their assignees 0.13 against 0.67; its timeline 0.14 against 0.63; its materials 0.37
against 1.10; an account 0.06 against 0.34 (0.12 with `Model.objects.raw`). With these
reads through the ORM the case page's p50 went from 23.7 to 32.9 ms (`bench.scale_bench`,
50,000 cases, one pair of runs back to back); a transition's locked reads of the case and
its tasks cost 1.07 ms (ORM) or 0.34 ms (`raw`) against 0.19 ms here, and with them the
service layer made 20-35 % fewer lifecycles/s (`bench.cases_bench`, SQLite): beyond the
15 % the public APIs were allowed to cost (bench/README.md, "Public Django only").

How. A `PreparedQuery` compiles its queryset on first use, notes where the values it was
given sit among the statement's parameters, and later binds new values there, runs the
statement through Django's cursor (logged like every query) and builds the instances as
the ORM's own iterator does (`Model.from_db`, the related-object populators of
`select_related`; `prefetch_related` is left to `prefetch_related_objects`). The queryset
built must have the same SQL for every value: the first runs compile again and compare,
and a shape that changes, or a value that cannot be told apart from a constant of the
statement, is run through the ORM from then on.

What it relies on, Django 5.2 (`CHECKED_WITH`): `QuerySet._iterable_class` (is it
`ModelIterable`), `._known_related_objects`, `._prefetch_related_lookups`, `.query`;
`Query.get_compiler`; of `SQLCompiler`: `as_sql()`, `select` (expression, SQL, alias
triples), `klass_info` (`model`, `select_fields`, `related_klass_infos`), `col_count`,
`annotation_col_map`, `has_composite_fields()`, `get_converters()`;
`django.db.models.query.get_related_populators(klass_info, select, db)` and each
populator's `populate(row, instance)`. tests/integration/test_prepared.py fails on
another Django release until this list is checked against it, checks that each of these
is still there and shaped as used, and that every prepared query of the app gives what
the ORM gives.
"""

from __future__ import annotations

import datetime
import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet, prefetch_related_objects
from django.db.models.query import ModelIterable, get_related_populators

log = logging.getLogger(__name__)
CHECKED_WITH = (5, 2)  # the Django release whose internals this module was checked against
CHECKED_RUNS = 3  # runs that compile again to confirm the statement does not change
AMBIGUOUS_TRIES = 5  # first runs whose values could not be placed, before giving up
_AMBIGUOUS = object()
INT64 = (-(2**63), 2**63 - 1)  # the widest integer column of either database


def _same(value: Any) -> Any:
    return value


def _hex(value: uuid.UUID) -> str:
    return value.hex


@dataclass
class _Plan:
    sql: str
    params: list
    binds: list[tuple[int, int, Callable[[Any], Any]]]  # (parameter, argument, conversion)
    model: type[Model]
    fields: tuple[int, int]
    init_list: list[str]
    populators: list
    converters: list[tuple[int, tuple, Any]]  # (column, the ORM's converters, its expression)
    prefetch: tuple
    checks_left: int = CHECKED_RUNS


def _candidates(arg: Any, ops) -> list[tuple[Callable[[Any], Any], Any]]:
    """How an argument may appear among the parameters: as itself, a UUID as hex, and a
    date or a time as the database adapts it (SQLite is given text)."""
    candidates: list[tuple[Callable[[Any], Any], Any]] = [(_same, arg)]
    if isinstance(arg, uuid.UUID):
        candidates.append((_hex, arg.hex))
    adapt = None
    if type(arg) is datetime.date:
        adapt = ops.adapt_datefield_value
    elif type(arg) is datetime.time and arg.tzinfo is None:
        adapt = ops.adapt_timefield_value
    if adapt is not None:
        adapted = adapt(arg)
        if type(adapted) is not type(arg):  # PostgreSQL's are given as they are
            candidates.append((adapt, adapted))
    return candidates


def _bindings(args: Sequence[Any], params: Sequence[Any], ops):
    """Where each argument sits among the parameters, and how it was converted; None when
    an argument is not found exactly once (it cannot be told from a constant)."""
    binds = []
    for position, arg in enumerate(args):
        candidates = _candidates(arg, ops)
        found = [
            (index, convert)
            for convert, expected in candidates
            for index, param in enumerate(params)
            if type(param) is type(expected) and param == expected
        ]
        if not found and type(arg) is int:  # psycopg's typed integer (Int8: a BigIntegerField)
            found = [
                (index, type(param))
                for index, param in enumerate(params)
                if isinstance(param, int) and type(param) not in (int, bool) and param == arg
            ]
        alike = [expected for _convert, expected in candidates]
        if len(found) != 1 or sum(1 for p in params if any(p == e for e in alike)) > 1:
            return None
        binds.append((found[0][0], position, found[0][1]))
    return binds


def _bound(plan: _Plan, args: Sequence[Any]) -> list:
    """The statement's parameters with these values in their places."""
    params = list(plan.params)
    for index, position, convert in plan.binds:
        params[index] = convert(args[position])
    return params


class PreparedQuery:
    every: list[PreparedQuery] = []  # each one made, for the test that checks them all

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        PreparedQuery.every.append(self)
        self._plans: dict[str, _Plan | None] = {}  # by database vendor; None: not preparable
        self._lock = threading.Lock()
        self._tries = 0

    def all(self, *args: Any) -> list:
        if any(type(arg) is int and not INT64[0] <= arg <= INT64[1] for arg in args):
            # An integer no column can hold (an id typed into an address): the ORM knows
            # it finds nothing; bound as it is, the driver would fail on it.
            return list(self.build(*args))
        connection = connections[DEFAULT_DB_ALIAS]
        vendor = connection.vendor
        plan = self._plans.get(vendor)
        if plan is None:
            if vendor in self._plans:  # known not to be preparable
                return list(self.build(*args))
            return self._first_run(vendor, args)
        if plan.checks_left and not self._confirm(plan, vendor, args):
            return list(self.build(*args))
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, _bound(plan, args))
            rows = cursor.fetchall()
        return self._instances(plan, rows, connection)

    def is_prepared(self, vendor: str) -> bool:
        """Whether the statement is compiled for this database (after a first run)."""
        return self._plans.get(vendor) is not None

    def first(self, *args: Any):
        """The first instance, or None: for a lookup by a unique key (every row is read)."""
        found = self.all(*args)
        return found[0] if found else None

    def _first_run(self, vendor: str, args: Sequence[Any]) -> list:
        queryset = self.build(*args)
        plan = self._plan(queryset, args)
        with self._lock:
            if plan is _AMBIGUOUS:  # the next values may tell them apart; a few tries
                self._tries += 1
                if self._tries >= AMBIGUOUS_TRIES:
                    self._plans[vendor] = None
            else:
                self._plans[vendor] = plan
        return list(queryset)

    def _plan(self, queryset: QuerySet, args: Sequence[Any]) -> Any:
        if (
            queryset._iterable_class is not ModelIterable
            or queryset._known_related_objects
            or queryset.db != DEFAULT_DB_ALIAS
        ):
            return None
        compiler = queryset.query.get_compiler(using=DEFAULT_DB_ALIAS)
        sql, params = compiler.as_sql()
        binds = _bindings(args, params, connections[DEFAULT_DB_ALIAS].ops)
        if binds is None:
            return _AMBIGUOUS
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        columns = [s[0] for s in select[: compiler.col_count]]
        if compiler.has_composite_fields(columns) or compiler.annotation_col_map:
            return None
        converters = compiler.get_converters(columns)
        return _Plan(
            sql=sql,
            params=list(params),
            binds=binds,
            model=klass_info["model"],
            fields=(start, end),
            init_list=[f[0].target.attname for f in select[start:end]],
            populators=get_related_populators(klass_info, select, DEFAULT_DB_ALIAS),
            converters=[(pos, convs, expr) for pos, (convs, expr) in converters.items()],
            prefetch=tuple(queryset._prefetch_related_lookups),
        )

    def _confirm(self, plan: _Plan, vendor: str, args: Sequence[Any]) -> bool:
        """Compile again and compare (the first few runs): the shape must not change."""
        sql, params = self.build(*args).query.get_compiler(using=DEFAULT_DB_ALIAS).as_sql()
        if sql != plan.sql or list(params) != _bound(plan, args):
            log.warning("a prepared query changed with its values; it runs through the ORM")
            with self._lock:
                self._plans[vendor] = None
            return False
        plan.checks_left -= 1
        return True

    def _instances(self, plan: _Plan, rows, connection) -> list:
        start, end = plan.fields
        instances = []
        from_db = plan.model.from_db
        for row in rows:
            if plan.converters:
                row = list(row)
                for pos, convs, expression in plan.converters:
                    value = row[pos]
                    for convert in convs:
                        value = convert(value, expression, connection)
                    row[pos] = value
            instance = from_db(DEFAULT_DB_ALIAS, plan.init_list, row[start:end])
            for populator in plan.populators:
                populator.populate(row, instance)
            instances.append(instance)
        if plan.prefetch and instances:
            prefetch_related_objects(instances, *plan.prefetch)
        return instances
