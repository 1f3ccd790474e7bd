"""The audit chain in the database: sealing records as they are written, reading them
back to verify, and keeping the tables append-only (the rule is core/audit_chain.py).

Four kinds of audit record are chained, each table naming its chains:

| table                      | its chains                 | one writer at a time by          |
|----------------------------|----------------------------|----------------------------------|
| `cases_action`             | one a case: ``…:<case>``   | the case row, FOR UPDATE         |
| `privacy_personaldataview` | one for the table          | a transaction's advisory lock    |
| `licences_licenceevent`    | one for the table          | a transaction's advisory lock    |
| `editing_editingstep`      | one for the table          | a transaction's advisory lock    |

Appending runs in a transaction: take the chain's lock, read its last (seq, seal), seal the
new records after it, insert them. The lock is held until the transaction ends, so the
next writer of that chain reads a head that includes these records: concurrent
transactions never fork a chain. A case's actions are written by the case services, which
already hold the case row (cases/store.py takes it anyway, so a writer that did not — a
rating — is serialised too); the two single-chain tables take PostgreSQL's
``pg_advisory_xact_lock`` on the table's name. On SQLite every write transaction holds the
database's one write lock from BEGIN (IMMEDIATE), which serialises every append. Behind
the locks a unique (chain, seq) index refuses a fork outright.

Bulk loads seal their rows too: the history loader (demo/history.py, COPY) writes new
cases only, so it seals each new case's chain in memory (`cases.audit.seal_new_chains`)
before the COPY. There is no unsealed "loaded history" segment: every record verifies the
same way.

Append-only: a trigger refuses UPDATE and DELETE on these tables (`protect`, run by
their migrations). On PostgreSQL it raises for every role, the owner's included; there is
no maintenance switch (a setting any session could set would open the tables to the very
role they guard against). A schema migration that must rewrite rows disables the trigger
as the table's owner, inside its own transaction. TRUNCATE is not covered (the test
suite's flush uses it): the app's role needs no TRUNCATE privilege. On SQLite, where any
process that can write the file can do anything, the trigger guards against mistakes; it
asks ``onething_audit_open()``, which this process answers (`opened`: only the test
suite, to tear a test's data down), and a connection without that function (the sqlite3
shell) fails closed. Deleting a case is refused: actions point at it with PROTECT.

`onething audit verify` (audit_cli.py) walks every chain and names the first record that
does not hold. A chain cut short at its end leaves no gap; the verifier keeps a sealed
checkpoint (`<data dir>/audit/checkpoint.json`: how many records each table had up to
which id when it last held) and reports a table that has fewer now.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from django.db import connection, transaction
from django.db.models import Model, Q
from django.utils import timezone

from onething.core import crypto_profile
from onething.core.audit_chain import GENESIS, ChainKey, Sealed, seal_chain
from onething.privacy.crypto import audit_key

# The append-only tables (each app names its chain: cases/audit.py, licences/events.py,
# privacy/services.py).
APPEND_ONLY = (
    "cases_action",
    "licences_licenceevent",
    "privacy_personaldataview",
    "editing_editingstep",  # 事项编制's steps (editing/services.py)
)


_PLAIN = (str, int, bool, type(None))


def plain(value: Any) -> Any:
    """A stored value as the seal covers it: times in UTC to the microsecond, JSON as
    the database gives it back."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        utc = value.astimezone(UTC).replace(tzinfo=None)
        return utc.isoformat(timespec="microseconds") + "Z"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return json.loads(json.dumps(value)) if value else {}
    if isinstance(value, list | tuple):
        return json.loads(json.dumps(value)) if value else []
    return value


@dataclass(frozen=True)
class ChainSpec:
    """What of a table is sealed (`fields`, attribute names) and how it is split into
    chains (`chain_field`; None: one chain for the whole table)."""

    model: type[Model]
    fields: tuple[str, ...]
    chain_field: str | None = None

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def chain_of(self, values: Mapping[str, Any]) -> str:
        if self.chain_field is None:
            return self.table
        return f"{self.table}:{values[self.chain_field]}"

    def content(self, values: Mapping[str, Any]) -> list[Any]:
        return [plain(values[name]) for name in self.fields]

    def content_of(self, record: Model) -> list[Any]:
        return self.content({name: getattr(record, name) for name in self.fields})


@lru_cache(maxsize=2)
def _chain_key(master: bytes) -> ChainKey:
    return ChainKey(master)


def sealer() -> tuple[ChainKey, str]:
    """The audit key and the MAC algorithm new seals use (the crypto profile's)."""
    return _chain_key(audit_key()), crypto_profile.current().seal


def advisory_lock(name: str) -> None:
    """Hold PostgreSQL's transaction-scoped advisory lock `name` until the transaction
    ends (SQLite: its write transaction already excludes every other writer)."""
    if connection.vendor != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(f"audit:{name}".encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def last_link(spec: ChainSpec, chain_value: Any = None) -> tuple[int, str]:
    """(seq, seal) of a chain's last record; (0, "") for an empty chain."""
    records = spec.model._default_manager.all()
    if spec.chain_field is not None:
        records = records.filter(**{spec.chain_field: chain_value})
    found = records.order_by("-seq").values_list("seq", "mac").first()
    return found if found is not None else (0, GENESIS)


def append(spec: ChainSpec, records: Sequence[Model]) -> None:
    """Seal these new records of a single-chain table after its last one and insert them,
    stamped now (one transaction, the chain's lock held to its end)."""
    if not records:
        return
    with transaction.atomic(savepoint=False):
        advisory_lock(spec.table)
        key, algorithm = sealer()
        now = timezone.now()  # once the chain is ours: times run forwards along it
        for record in records:
            record.at = now
        contents = [spec.content_of(record) for record in records]
        links = seal_chain(key, algorithm, spec.table, contents, last_link(spec))
        for record, (seq, mac) in zip(records, links, strict=True):
            record.seq, record.mac = seq, mac
        spec.model._default_manager.bulk_create(records)


# --------------------------------------------------------------------------- reading


def sealed_records(spec: ChainSpec, chunk: int = 5000) -> Iterator[Sealed]:
    """Every record of the table as the verifier reads it, in chain order."""
    names = ["pk", "seq", "mac", *spec.fields]
    if spec.chain_field is not None and spec.chain_field not in names:
        names.append(spec.chain_field)
    order = ["seq"] if spec.chain_field is None else [spec.chain_field, "seq"]
    rows = spec.model._default_manager.order_by(*order).values_list(*names)
    for row in rows.iterator(chunk_size=chunk):
        values = dict(zip(names, row, strict=True))
        yield Sealed(
            id=values["pk"],
            chain=spec.chain_of(values),
            seq=values["seq"],
            content=tuple(spec.content(values)),
            mac=values["mac"] or "",
            at=plain(values["at"]) if "at" in values else "",
        )


def _after(spec: ChainSpec, values: Mapping[str, Any]) -> Q:
    """The rows after this one in (chain, id) order."""
    if spec.chain_field is None:
        return Q(pk__gt=values["pk"])
    chain = values[spec.chain_field]
    return Q(**{f"{spec.chain_field}__gt": chain}) | Q(
        **{spec.chain_field: chain, "pk__gt": values["pk"]}
    )


def seal_existing(spec: ChainSpec, batch: int = 2000) -> int:
    """Seal every record of a table, in id order per chain (the migration that brings in
    the chain, over the records written before it); how many were sealed. Read a batch at
    a time after the last one sealed, so that no cursor stays open over rows it changes."""
    key, algorithm = sealer()
    names = ["pk", *spec.fields]
    if spec.chain_field is not None and spec.chain_field not in names:
        names.append(spec.chain_field)
    order = ["pk"] if spec.chain_field is None else [spec.chain_field, "pk"]
    current, head = "", (0, GENESIS)
    rows = spec.model._default_manager.order_by(*order)
    count, where = 0, Q()
    while page := list(rows.filter(where).values_list(*names)[:batch]):
        sealed = []
        for row in page:
            values = dict(zip(names, row, strict=True))
            chain = spec.chain_of(values)
            if chain != current:
                current, head = chain, (0, GENESIS)
            ((seq, mac),) = seal_chain(key, algorithm, chain, [spec.content(values)], head)
            head = (seq, mac)
            sealed.append(spec.model(pk=values["pk"], seq=seq, mac=mac))
        count += spec.model._default_manager.bulk_update(sealed, ["seq", "mac"])
        where = _after(spec, values)
    return count


# --------------------------------------------------------------------------- append-only

_open = False


def _is_open() -> int:
    return 1 if _open else 0


@contextmanager
def opened() -> Iterator[None]:
    """The SQLite triggers let UPDATE and DELETE through in this process meanwhile (the
    test suite, tearing a test's data down). PostgreSQL's triggers do not ask."""
    global _open
    before, _open = _open, True
    try:
        yield
    finally:
        _open = before


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """connection_created: the function the SQLite triggers ask."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("onething_audit_open", 0, _is_open)


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def protect_sql(vendor: str, table: str) -> list[str]:
    """The statements that make `table` append-only."""
    refused = f"{table}: audit records are append-only"
    if vendor == "postgresql":
        function = _quoted(f"{table}_append_only")
        return [
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{refused} (% refused)', TG_OP USING ERRCODE = '42501', "
            "HINT = 'onething audit verify checks them; nothing changes or deletes them'; "
            "END $$",
            f"DROP TRIGGER IF EXISTS {function} ON {_quoted(table)}",
            f"CREATE TRIGGER {function} BEFORE UPDATE OR DELETE ON {_quoted(table)} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {_quoted(f'{table}_no_{what.lower()}')} "
            f"BEFORE {what} ON {_quoted(table)} WHEN NOT onething_audit_open() "
            f"BEGIN SELECT RAISE(ABORT, '{refused} ({what} refused)'); END"
            for what in ("UPDATE", "DELETE")
        ]
    return []


def unprotect_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        function = _quoted(f"{table}_append_only")
        return [
            f"DROP TRIGGER IF EXISTS {function} ON {_quoted(table)}",
            f"DROP FUNCTION IF EXISTS {function}()",
        ]
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {_quoted(f'{table}_no_{w}')}" for w in ("update", "delete")
        ]
    return []


def protect(schema_editor, table: str) -> None:
    """Migrations: make `table` append-only."""
    for statement in protect_sql(schema_editor.connection.vendor, table):
        schema_editor.execute(statement, params=None)


def unprotect(schema_editor, table: str) -> None:
    for statement in unprotect_sql(schema_editor.connection.vendor, table):
        schema_editor.execute(statement, params=None)


def reprotect_sqlite(using: str = "default", **kwargs) -> None:
    """post_migrate: SQLite rebuilds a table to alter it, which drops its triggers; put
    them back on the append-only tables that exist."""
    from django.db import connections

    target = connections[using]
    if target.vendor != "sqlite":
        return
    existing = set(target.introspection.table_names())
    with target.cursor() as cursor:
        for table in APPEND_ONLY:
            if table in existing:
                for statement in protect_sql("sqlite", table):
                    cursor.execute(statement)
