"""The case's action log as an audit chain: one chain per case (privacy/audit.py says how
chains are kept and verified).

`link_actions` seals a transition's actions after their case's last one, in one round
trip per case: on PostgreSQL the function ``onething_action_chain_head`` (created by
migration 0016) takes the case row FOR UPDATE and then reads the chain's last (seq, seal)
through the (case, seq) index — the read after the lock, so that it sees what the lock's
previous holder committed. The services already hold the case row, so the lock costs
nothing there; a writer that does not (a rating) is serialised all the same. On SQLite
the write transaction already excludes every other writer, and the read is the plain
statement. `seal_new_chains` seals whole new chains in memory, for the history loader.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from onething.cases.models import Action
from onething.core.audit_chain import GENESIS, seal_chain
from onething.privacy.audit import ChainSpec, sealer

# What an action's seal covers, by attribute name.
SEALED_FIELDS = (
    "case_id",
    "task_id",
    "actor_id",
    "actor_role",
    "action",
    "from_state",
    "to_state",
    "note",
    "data",
    "at",
)
ACTION_CHAIN = ChainSpec(Action, SEALED_FIELDS, chain_field="case_id")
_DEFAULTS = {name: Action._meta.get_field(name).get_default() for name in SEALED_FIELDS}


# The chain's head, read after the case row is locked (PostgreSQL: a VOLATILE function,
# whose second statement takes a new snapshot once the first holds the lock).
HEAD_FUNCTION = """
CREATE OR REPLACE FUNCTION onething_action_chain_head(p_case bigint,
    OUT head_seq integer, OUT head_mac varchar) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM 1 FROM cases_case WHERE id = p_case FOR UPDATE;
    SELECT a.seq, a.mac INTO head_seq, head_mac FROM cases_action a
        WHERE a.case_id = p_case ORDER BY a.seq DESC LIMIT 1;
END $$
"""
DROP_HEAD_FUNCTION = "DROP FUNCTION IF EXISTS onething_action_chain_head(bigint)"
_HEAD = {
    "postgresql": "SELECT head_seq, head_mac FROM onething_action_chain_head(%s)",
    "sqlite": 'SELECT "seq", "mac" FROM "cases_action" WHERE "case_id" = %s '
    'ORDER BY "seq" DESC LIMIT 1',
}


def _head(case_id: int) -> tuple[int, str]:
    """(seq, seal) of the case's last action, (0, "") for none; the case row locked."""
    database = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the proxy
    with database.cursor() as cursor:
        cursor.execute(_HEAD[database.vendor], [case_id])
        row = cursor.fetchone()
    return (row[0], row[1]) if row and row[0] is not None else (0, GENESIS)


def link_actions(actions: Sequence[Mapping[str, Any]]) -> tuple[datetime, list[tuple[int, str]]]:
    """The time the new actions (mappings of SEALED_FIELDS but ``at``) are stamped with,
    and the (seq, seal) of each, in order, after its case's last one. Call inside the
    transaction that inserts them: the time is taken once the chain is ours, so that it
    runs forwards along the chain."""
    heads = {case_id: _head(case_id) for case_id in sorted({a["case_id"] for a in actions})}
    key, algorithm = sealer()
    at = timezone.now()
    links = []
    for action in actions:
        stamped = {**action, "at": at}
        chain = ACTION_CHAIN.chain_of(stamped)
        ((seq, mac),) = seal_chain(
            key, algorithm, chain, [ACTION_CHAIN.content(stamped)], heads[action["case_id"]]
        )
        heads[action["case_id"]] = (seq, mac)
        links.append((seq, mac))
    return at, links


def seal_new_chains(rows: Iterable[dict[str, Any]]) -> None:
    """Give each row (a dict of Action columns, new cases only: no action of theirs is
    stored yet) its ``seq`` and ``mac``, each case's rows in the order given (bulk loads)."""
    key, algorithm = sealer()
    heads: dict[Any, tuple[int, str]] = {}
    for row in rows:
        values = {name: row[name] if name in row else _DEFAULTS[name] for name in SEALED_FIELDS}
        case_id = row["case_id"]
        ((seq, mac),) = seal_chain(
            key,
            algorithm,
            ACTION_CHAIN.chain_of(values),
            [ACTION_CHAIN.content(values)],
            heads.get(case_id, (0, GENESIS)),
        )
        heads[case_id] = (seq, mac)
        row["seq"], row["mac"] = seq, mac
