"""``onething audit``: the audit trail proves itself.

``verify`` walks every chain of the three audit tables (case actions, personal-data views,
licence events: privacy/audit.py) and recomputes each seal with the audit key. It prints
``ok: N records in M chains`` (exit 0), or names the first record that does not hold —
``broken: <table> id <id> (<chain>, seq <n>): <what differs>`` — and exits 1.

A chain cut short at its end leaves no gap to find, so each run that holds writes a
checkpoint, sealed with the audit key: how many records each table had up to which id
(``<data dir>/audit/checkpoint.json``, or ``--checkpoint-file PATH``). The next run reports a
table that now has fewer of those records. After restoring an older backup on purpose,
remove the checkpoint (``--no-checkpoint`` skips it for one run).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from onething import paths
from onething.bootstrap import setup_django

EXIT_BROKEN = 1

app = typer.Typer(
    name="audit",
    help="审计: check that the audit trail is whole.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def audit() -> None:
    """The audit trail: case actions, personal-data views, licence events, editing steps."""


def default_checkpoint() -> Path:
    return paths.data_dir() / "audit" / "checkpoint.json"


def _specs():
    from onething.cases.audit import ACTION_CHAIN
    from onething.editing.services import STEP_CHAIN
    from onething.licences.events import EVENT_CHAIN
    from onething.privacy.services import VIEW_CHAIN

    return [ACTION_CHAIN, VIEW_CHAIN, EVENT_CHAIN, STEP_CHAIN]


def _walk(spec, key, tally) -> tuple[str, dict[str, int]]:
    """The first break in the table ("" if none), and what it held: {up_to, records}."""
    from onething.core.audit_chain import first_break
    from onething.privacy.audit import sealed_records

    held = {"up_to": 0, "records": 0}

    def counted():
        for record in sealed_records(spec):
            held["up_to"] = max(held["up_to"], record.id)
            yield record

    before = tally.records
    broken = first_break(counted(), key, tally)
    held["records"] = tally.records - before
    if broken is None:
        return "", held
    return f"{spec.table} id {broken.id} ({broken.chain}, seq {broken.seq}): {broken.what}", held


def _checkpoint_seal(key, body: dict[str, Any]) -> str:
    return key.seal("sha256", "audit checkpoint", 1, "", [body])


def _read_checkpoint(path: Path, key) -> tuple[dict[str, Any] | None, str]:
    """(what the checkpoint says, or None; a problem with the file, or "")."""
    try:
        document = json.loads(path.read_text())
        body, seal = document["body"], document["seal"]
    except FileNotFoundError:
        return None, ""
    except (OSError, ValueError, KeyError, TypeError):
        return None, f"{path}: not a checkpoint this command wrote"
    if not isinstance(seal, str) or not key.holds("audit checkpoint", 1, "", [body], seal):
        return None, f"{path}: the checkpoint was changed (its seal does not hold)"
    return body, ""


def _shortened(spec, body: dict[str, Any]) -> str:
    """A table that has fewer of the records the checkpoint counted ("" if none)."""
    held = body.get("tables", {}).get(spec.table)
    if not held:
        return ""
    left = spec.model._default_manager.filter(pk__lte=held["up_to"]).count()
    if left >= held["records"]:
        return ""
    return (
        f"{spec.table}: {held['records']} records up to id {held['up_to']} held at "
        f"{body.get('at', '?')}, {left} are left: the last records of a chain were deleted"
    )


def _write_checkpoint(path: Path, key, tables: dict[str, dict[str, int]]) -> None:
    from django.utils import timezone

    body = {"at": timezone.now().isoformat(timespec="seconds"), "tables": tables}
    text = json.dumps({"body": body, "seal": _checkpoint_seal(key, body)}, indent=2)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".checkpoint.")
    with os.fdopen(descriptor, "w") as file:
        file.write(text + "\n")
    os.replace(temporary, path)


def verify_all(checkpoint: Path | None) -> tuple[str, int, int]:
    """(the first problem or "", records, chains): every chain, then the checkpoint; a
    run that holds writes the new checkpoint."""
    from onething.core.audit_chain import ChainKey, Tally
    from onething.privacy.crypto import audit_key

    key, tally, tables = ChainKey(audit_key()), Tally(), {}
    body, problem = _read_checkpoint(checkpoint, key) if checkpoint else (None, "")
    if problem:
        return problem, 0, 0
    for spec in _specs():
        problem, tables[spec.table] = _walk(spec, key, tally)
        if not problem and body is not None:
            problem = _shortened(spec, body)
        if problem:
            return problem, tally.records, tally.chains
    if checkpoint is not None:
        _write_checkpoint(checkpoint, key, tables)
    return "", tally.records, tally.chains


@app.command("verify")
def verify(
    checkpoint_file: Annotated[
        Path | None,
        typer.Option(help="The checkpoint (default: <data dir>/audit/checkpoint.json)."),
    ] = None,
    use_checkpoint: Annotated[
        bool, typer.Option("--checkpoint/--no-checkpoint", help="Compare with the checkpoint.")
    ] = True,
) -> None:
    """Check every audit chain: 'ok: N records in M chains' (exit 0), or the first broken
    record — table, id and what differs (exit 1)."""
    setup_django()
    path = (checkpoint_file or default_checkpoint()) if use_checkpoint else None
    problem, records, chains = verify_all(path)
    if problem:
        typer.echo(f"broken: {problem}")
        raise typer.Exit(EXIT_BROKEN)
    typer.echo(f"ok: {records} records in {chains} chains")
