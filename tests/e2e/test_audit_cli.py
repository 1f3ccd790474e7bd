"""`onething audit verify` as an operator runs it: after `onething setup` and a simulated
month, "ok: N records in M chains"; after someone edits the SQLite file behind the app's
back, the broken record named and exit 1."""

import sqlite3

import pytest

from tests.faults import onething_cli


def onething(*args, data_dir):
    """On SQLite whatever the tests run on: the test edits the database file."""
    return onething_cli(*args, data_dir=data_dir, sqlite=True)


def test_verify_says_ok_then_names_what_was_changed_behind_its_back(tmp_path):
    setup = onething("setup", data_dir=tmp_path)
    assert setup.returncode == 0, setup.stderr
    assert (
        "audit.key" in setup.stdout
        and oct((tmp_path / "keys" / "audit.key").stat().st_mode)[-3:] == "600"
    )
    assert onething("demo", "--days", "3", "--per-day", "2", data_dir=tmp_path).returncode == 0
    ok = onething("audit", "verify", data_dir=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    records, chains = (int(n) for n in ok.stdout.split()[1::3])
    assert ok.stdout == f"ok: {records} records in {chains} chains\n" and records > chains > 0
    assert (tmp_path / "audit" / "checkpoint.json").exists()

    database = sqlite3.connect(tmp_path / "onething.sqlite3")
    with pytest.raises(sqlite3.OperationalError, match="onething_audit_open"):
        database.execute("UPDATE cases_action SET note = 'x'")  # fails closed without the app
    case_id, pk, seq = database.execute(
        "SELECT case_id, id, seq FROM cases_action WHERE seq = 2 ORDER BY id LIMIT 1"
    ).fetchone()
    database.execute("DROP TRIGGER cases_action_no_update")  # what the file's owner can do
    database.execute("UPDATE cases_action SET note = '改过' WHERE id = ?", [pk])
    database.commit()
    database.close()
    broken = onething("audit", "verify", data_dir=tmp_path)
    assert broken.returncode == 1
    assert broken.stdout.startswith(
        f"broken: cases_action id {pk} (cases_action:{case_id}, seq {seq}): "
    )
    assert "changed after it was written" in broken.stdout and not broken.stderr
