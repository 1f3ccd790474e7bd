"""The audit trail proves itself (privacy/audit.py, core/audit_chain.py): case actions,
personal-data views and licence events are chained and sealed; `onething audit verify`
(audit_cli.verify_all) names a record changed, deleted or inserted with SQL; triggers
refuse UPDATE and DELETE; a case with actions cannot be deleted. SQLite and PostgreSQL."""

import contextlib
import os
import threading

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Max, ProtectedError

from onething.audit_cli import verify_all
from onething.cases import store
from onething.cases.audit import ACTION_CHAIN
from onething.cases.models import Action, Case
from onething.licences import events, services as licences
from onething.licences.models import LicenceEvent
from onething.privacy.audit import opened, seal_existing
from onething.privacy.models import PersonalDataView
from onething.privacy.services import record_view, show_person
from tests.factories import accepted_pharmacy, decided_pharmacy, user

pytestmark = pytest.mark.django_db
TABLES = ("cases_action", "privacy_personaldataview", "licences_licenceevent")


@contextlib.contextmanager
def trigger_off(table: str):
    """What the table's owner could do, and no one else: change rows behind the trigger
    (PostgreSQL: disabled in this test's transaction; SQLite: opened in this process)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    else:
        with opened():
            yield


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def chains_of(case: Case) -> list[tuple[int, int]]:
    return list(case.actions.order_by("seq").values_list("pk", "seq"))


@pytest.fixture
def trail(issued):
    """The issued pharmacy case with some of each record: a staff member's full view of
    the applicant, a licence looked up and one revoked."""
    clerk = user("clerk_lishi")
    show_person(clerk, issued.applicant, f"受理审核 {issued.number}", full=True)
    licence = issued.licences.first()
    events.record(licence, "lookup", clerk, "查看证照详情")
    licences.revoke(user("r_mpa"), issued.licences.get(type_name="药品经营许可证").number, "测试")
    return issued


def test_every_chain_holds_after_a_whole_case(trail):
    problem, records, chains = verify_all(None)
    stored = Action.objects.count() + PersonalDataView.objects.count()
    stored += LicenceEvent.objects.count()
    assert (problem, records) == ("", stored)
    assert chains == Case.objects.filter(actions__isnull=False).distinct().count() + 2
    seqs = [seq for _pk, seq in chains_of(trail)]
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) > 10
    pks = [pk for pk, _seq in chains_of(trail)]
    assert pks == sorted(pks)  # written in chain order
    assert Action.objects.filter(mac__startswith="sha256:").count() == Action.objects.count()


def test_a_note_changed_with_sql_is_named(trail):
    pk, seq = chains_of(trail)[5]
    with trigger_off("cases_action"):
        sql("UPDATE cases_action SET note = %s WHERE id = %s", ["（事后改过）", pk])
    problem, *_ = verify_all(None)
    assert problem.startswith(f"cases_action id {pk} (cases_action:{trail.pk}, seq {seq}): ")
    assert "changed after it was written" in problem


def test_a_deleted_record_is_named_at_the_next(trail):
    (_, _), (gone, _), (after, seq), *_ = chains_of(trail)
    with trigger_off("cases_action"):
        sql("DELETE FROM cases_action WHERE id = %s", [gone])
    problem, *_ = verify_all(None)
    assert problem == (
        f"cases_action id {after} (cases_action:{trail.pk}, seq {seq}): "
        "the record(s) at seq 2 before it are missing (deleted)"
    )


def test_a_record_inserted_out_of_order_is_named(trail):
    last = trail.actions.order_by("-seq").first()
    first = trail.actions.order_by("seq").first()
    sql(  # a back-dated entry at the chain's end, without the key to seal it
        "INSERT INTO cases_action (case_id, actor_role, action, from_state, to_state, note, "
        "data, at, seq, mac) VALUES (%s, 'clerk', 'edit', '', '', '补记', '{}', %s, %s, %s)",
        [trail.pk, first.at, last.seq + 1, last.mac],
    )
    forged = trail.actions.get(seq=last.seq + 1)
    problem, *_ = verify_all(None)
    assert problem.startswith(f"cases_action id {forged.pk} (cases_action:{trail.pk}, ")
    assert "inserted out of order" in problem


def test_views_and_licence_events_are_checked_too(trail):
    view = PersonalDataView.objects.get()
    with trigger_off("privacy_personaldataview"):
        sql("UPDATE privacy_personaldataview SET purpose = 'x' WHERE id = %s", [view.pk])
        problem, *_ = verify_all(None)
        assert problem.startswith(f"privacy_personaldataview id {view.pk} (privacy_personal")
        sql(
            "UPDATE privacy_personaldataview SET purpose = %s WHERE id = %s",
            [view.purpose, view.pk],
        )
    assert verify_all(None)[0] == ""
    lookup, revoked = LicenceEvent.objects.order_by("seq")
    with trigger_off("licences_licenceevent"):
        sql("DELETE FROM licences_licenceevent WHERE id = %s", [lookup.pk])
    problem, *_ = verify_all(None)
    assert problem == (
        f"licences_licenceevent id {revoked.pk} (licences_licenceevent, seq 2): "
        "the record(s) at seq 1 before it are missing (deleted)"
    )


def test_the_checkpoint_sees_the_last_records_deleted(trail, tmp_path):
    checkpoint = tmp_path / "checkpoint.json"
    assert verify_all(checkpoint)[0] == ""
    last = trail.actions.order_by("-seq").first()
    with trigger_off("cases_action"):
        sql("DELETE FROM cases_action WHERE id = %s", [last.pk])
    assert verify_all(None)[0] == ""  # a chain's last record: no gap the chain can show
    problem, *_ = verify_all(checkpoint)
    assert (
        problem.startswith("cases_action: ")
        and "the last records of a chain were deleted" in problem
    )
    checkpoint.write_text(checkpoint.read_text().replace('"records": ', '"records": 1'))
    assert "the checkpoint was changed" in verify_all(checkpoint)[0]


@pytest.mark.parametrize("table", TABLES)
def test_the_tables_refuse_update_and_delete(trail, table):
    for statement in (f"UPDATE {table} SET seq = seq", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            sql(statement)
    assert verify_all(None)[0] == ""


def test_a_case_with_actions_cannot_be_deleted(trail):
    with pytest.raises(ProtectedError, match=r"Action\.case"):
        trail.delete()
    with pytest.raises(ProtectedError):
        Case.objects.filter(pk=trail.pk).delete()
    assert Case.objects.filter(pk=trail.pk).exists() and verify_all(None)[0] == ""


def test_seals_under_either_profile_verify_and_the_chain_goes_on(demo, settings):
    settings.CRYPTO_PROFILE = "gm"
    case = accepted_pharmacy()
    record_view(user("clerk_lishi"), case.applicant, "姓名", "核验")
    settings.CRYPTO_PROFILE = "intl"
    store.insert_actions([store.ActionRow(case.pk, None, None, "system", "edit", "", "", "", {})])
    macs = [
        mac.partition(":")[0] for mac in case.actions.order_by("seq").values_list("mac", flat=True)
    ]
    assert set(macs[:-1]) == {"sm3"} and macs[-1] == "sha256"
    assert verify_all(None)[0] == ""


def test_sealing_written_records_gives_the_seals_the_writers_gave(trail):
    """The migrations seal the records written before the chain existed this way."""
    before = dict(Action.objects.values_list("pk", "mac"))
    with trigger_off("cases_action"):
        sql("UPDATE cases_action SET mac = ''")
        assert "it has no seal" in verify_all(None)[0]
        assert seal_existing(ACTION_CHAIN, batch=7) == len(before)
    assert dict(Action.objects.values_list("pk", "mac")) == before


def test_the_history_loader_seals_its_chains(demo):
    from onething.demo.history import generate_history

    made = generate_history(40, days=60)
    assert made.actions == Action.objects.count() and made.actions > 40
    problem, records, chains = verify_all(None)
    assert (problem, records, chains) == ("", made.actions, made.cases)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    os.environ.get("ONETHING_TEST_DATABASE") != "postgres",
    reason="PostgreSQL pass: the in-memory SQLite test database has one connection",
)
def test_concurrent_writers_never_fork_a_chain():
    from onething.catalog import DEMO_CATALOG
    from onething.catalog.services import import_catalog
    from onething.web.setup import ensure_demo_accounts

    import_catalog(DEMO_CATALOG.read_bytes(), imported_by="demo")
    ensure_demo_accounts()
    case = decided_pharmacy()
    clerk, applicant, licence = user("clerk_lishi"), case.applicant, case.licences.first()
    failures = []

    def write(n: int) -> None:
        try:
            for i in range(5):
                record_view(clerk, applicant, "姓名", f"并发 {n}-{i}")
                row = store.ActionRow(case.pk, None, clerk.pk, "clerk", "note", "", "", f"{n}", {})
                store.insert_actions([row, row])
                events.record(licence, "lookup", clerk, "并发")
        except Exception as error:  # reported below
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert PersonalDataView.objects.aggregate(m=Max("seq"))["m"] == 30
    assert LicenceEvent.objects.aggregate(m=Max("seq"))["m"] == 30
    assert verify_all(None)[0] == ""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds tables to alter them")
def test_sqlite_gets_its_triggers_back_after_a_migration_rebuilt_a_table(trail):
    from onething.privacy.audit import reprotect_sqlite

    sql('DROP TRIGGER "cases_action_no_delete"')  # as a rebuilt table would lose it
    reprotect_sqlite()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql("DELETE FROM cases_action")


def test_editing_steps_are_chained_checked_and_append_only(demo):
    from onething.editing import services as editing
    from onething.editing.models import EditingStep

    editor = user("editor")
    draft = editing.draft_for(editor)
    row = editing.entry_of(draft, "items", "drug_retail_licence")
    data = dict(row.data, promised_days=row.data["promised_days"] - 1)
    editing.save_entry(editor, "items", "drug_retail_licence", data, row.revision)
    started, saved = EditingStep.objects.order_by("seq")
    assert (started.seq, saved.seq) == (1, 2) and saved.mac.startswith("sha256:")
    assert verify_all(None)[0] == ""
    with pytest.raises(DatabaseError), transaction.atomic():
        sql("UPDATE editing_editingstep SET summary = 'x' WHERE id = %s", [saved.pk])
    with trigger_off("editing_editingstep"):
        sql("UPDATE editing_editingstep SET actor = 'someone' WHERE id = %s", [started.pk])
    problem, *_ = verify_all(None)
    assert problem.startswith(f"editing_editingstep id {started.pk} (editing_editingstep, seq 1)")
