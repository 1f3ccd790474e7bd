"""core/prepared.py: a queryset compiled once gives what the ORM gives, for every value."""

import logging

import pytest

from onething.accounts.models import User
from onething.cases import services
from onething.cases.models import Case, Task
from onething.cases.query import case_by_public_id, with_parties
from onething.core.prepared import PreparedQuery
from tests.factories import decide_all, hand_over, pharmacy_filing, user

pytestmark = pytest.mark.django_db


def fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.fixture
def two_cases(demo):
    first, _ = services.file_case(user("yaofang"), pharmacy_filing())
    second, _ = services.file_case(user("yaofang"), pharmacy_filing())
    services.accept(user("clerk_lishi"), first.public_id)
    return first, second


def test_each_value_reads_its_own_row_with_what_the_orm_reads(two_cases, django_assert_num_queries):
    for case in [*two_cases, *two_cases]:  # past the checked runs: bound, not compiled
        prepared = case_by_public_id(case.public_id)
        orm = with_parties(Case.objects).get(public_id=case.public_id)
        assert fields(prepared) == fields(orm)
        assert prepared.applicant.username == "yaofang" and prepared.agent is None
        assert prepared.catalog_version.number == orm.catalog_version.number
        assert "source" in prepared.catalog_version.get_deferred_fields()
    with django_assert_num_queries(1):  # the case, its applicant and version: one statement
        case = case_by_public_id(two_cases[1].public_id)
        assert case.applicant.full_name and case.catalog_version.digest
    assert case_by_public_id("not-a-uuid") is None
    assert case_by_public_id("00000000-0000-0000-0000-000000000000") is None


def test_dates_and_times_are_placed_as_the_database_takes_them(demo):
    """SQLite is given a date or a time as text: each value still reads its own row."""
    from onething.hall.models import Slot

    by_moment = PreparedQuery(
        lambda kind, day, starts: Slot.objects.filter(window_type_id=kind, date=day, starts=starts)
    )
    slots = list(Slot.objects.order_by("date", "starts")[:6]) + list(
        Slot.objects.order_by("-date", "-starts")[:6]
    )
    for slot in slots + slots:  # the second round is bound, not compiled
        assert [s.pk for s in by_moment.all(slot.window_type_id, slot.date, slot.starts)] == [
            slot.pk
        ]
    from django.db import connection

    assert by_moment.is_prepared(connection.vendor)


def test_an_integer_no_column_can_hold_finds_nothing(two_cases):
    """An id typed into an address may be any size: nothing found, no driver error."""
    tasks = PreparedQuery(lambda pk: Task.objects.filter(pk=pk))
    some = Task.objects.first()
    for _ in range(5):  # compiled and bound
        assert tasks.first(some.pk) == some
    assert tasks.all(550601537785782622748672) == []
    assert tasks.all(-(2**70)) == []


def test_prefetched_relations_and_empty_results(two_cases):
    tasks = PreparedQuery(
        lambda case_id: (
            Task.objects.filter(case_id=case_id)
            .select_related("assignee")
            .prefetch_related("notices")
        )
    )
    accepted, filed = two_cases
    for _ in range(5):
        read = tasks.all(accepted.pk)
        assert [t.item_id for t in read] == [t.item_id for t in accepted.tasks.all()]
        assert all(list(t.notices.all()) == [] for t in read)
        assert tasks.all(filed.pk) == []


def test_a_query_whose_shape_changes_with_its_values_runs_through_the_orm(demo, caplog):
    # Wrong use: the statement depends on the value. Results stay right.
    by_name = PreparedQuery(
        lambda name: (
            User.objects.filter(username=name)
            if name.startswith("r_")
            else User.objects.filter(username=name, is_active=True)
        )
    )
    with caplog.at_level(logging.WARNING, logger="onething.core.prepared"):
        names = ["yaofang", "r_mpa", "zhangsan", "r_mpa", "clerk_lishi"]
        assert [by_name.first(name).username for name in names] == names
    assert "changed with its values" in caplog.text


def test_a_value_equal_to_a_constant_of_the_statement_still_reads_right(demo):
    # "reviewer" is both the value and a constant: the first run cannot tell which
    # parameter is the value, the next one can; every run reads right.
    same = PreparedQuery(lambda role: User.objects.filter(role=role).exclude(username="reviewer"))
    for role in ["reviewer", "clerk", "reviewer", "applicant"]:
        got = {u.username for u in same.all(role)}
        assert got == set(
            User.objects.filter(role=role)
            .exclude(username="reviewer")
            .values_list("username", flat=True)
        )


def test_a_value_the_orm_converts_reads_right_every_time(demo):
    by_pk = PreparedQuery(lambda pk: User.objects.filter(pk=pk))
    clerk = user("clerk_lishi")
    for _ in range(8):  # a string for an integer key cannot be placed: the ORM runs it
        assert by_pk.first(str(clerk.pk)) == clerk
    assert by_pk.first(clerk.pk) == clerk


# --------------------------------------------------------------------------- the app's own


def snapshot(instance, related: tuple[str, ...] = ()) -> dict:
    """What was read of an instance: its loaded fields, which were deferred, and the same
    of the related objects select_related read along (reading them must not query)."""
    deferred = instance.get_deferred_fields()
    found = {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.attname not in deferred
    }
    found["deferred"] = sorted(deferred)
    for name in related:
        other = getattr(instance, name)
        found[name] = None if other is None else snapshot(other)
    return found


def app_queries(case, task, token_digest, session_key, special_case=None, booked=None):
    """Each prepared query of src/ with a value to read and the relations it reads along."""
    from onething.accounts import auth, sessions
    from onething.cases import filing, query, store
    from onething.evaluation import views as evaluation_views
    from onething.exchange import handling, joint, panels
    from onething.hall import booking

    return {
        query._case_by_public_id: ((case.public_id,), ("applicant", "agent", "catalog_version")),
        query._tasks: ((case.pk,), ("assignee",)),
        query._open_procedures: (((special_case or case).pk,), ("specialprocedure",)),
        query._timeline: ((case.pk,), ("actor",)),
        query._task_with_case: ((task.pk,), ("case", "assignee")),
        query._notices: ((case.pk,), ()),
        query._evidence: ((case.pk,), ("licence", "checked_by")),
        evaluation_views._case_ratings: ((case.pk,), ()),
        auth._account: ((case.applicant_id,), ()),
        auth._token: ((token_digest,), ("user",)),
        sessions._session: ((session_key,), ()),
        store._case_of_task: ((task.pk,), ()),
        store._tasks_of_case: ((case.pk,), ()),
        store._task: ((task.pk,), ()),
        store._siblings_with_case: ((task.pk,), ("case",)),
        store._task_with_case: ((task.pk,), ("case",)),
        store._case_by_public_id: ((case.public_id,), ("catalog_version",)),
        services._holder_and_form: ((case.pk,), ("applicant",)),
        panels._remote_parts: ((case.pk,), ("partner",)),
        handling._handled_for: ((case.pk,), ("partner",)),
        joint._package_of: ((case.pk,), ()),
        filing._by_key: (((special_case or case).applicant_id, "special"), ()),
        **(_booking_queries(booking, booked) if booked else {}),
    }


def test_every_prepared_query_of_the_app_is_compiled_once_and_reads_what_the_orm_reads(
    demo, client, django_assert_num_queries
):
    from django.db import connection, transaction

    from onething.accounts.models import ApiToken
    from onething.evaluation import services as evaluation

    case, _ = services.file_case(user("yaofang"), pharmacy_filing())
    services.accept(user("clerk_lishi"), case.public_id)
    decide_all(case)  # certificates stand for materials, items have assignees
    hand_over(case)
    evaluation.rate(user("yaofang"), case.public_id, "overall", 5)
    _, secret = ApiToken.issue(user("yaofang"), "test")
    client.force_login(user("yaofang"))
    task = Task.objects.filter(case=case).last()
    special = _case_in_a_special_procedure()
    _forwarded_part_of(case)
    queries = app_queries(
        case, task, ApiToken.digest_of(secret), client.session.session_key, special, _booked()
    )
    made_in_src = {q for q in PreparedQuery.every if q.build.__module__.startswith("onething.")}
    assert made_in_src == set(queries), "a prepared query of src/ is missing from this test"
    for prepared, (args, related) in queries.items():
        with transaction.atomic():  # the store's reads lock their rows
            for _ in range(5):  # compiled, then checked, then bound
                read = prepared.all(*args)
            assert prepared.is_prepared(connection.vendor), prepared.build
            with django_assert_num_queries(0):
                got = [snapshot(instance, related) for instance in read]
            expected = [snapshot(instance, related) for instance in prepared.build(*args)]
        assert got and got == expected, prepared.build


def _booked():
    """预约办: an appointment booked, and its applicant blocked from booking online."""
    from datetime import time, timedelta

    from django.utils import timezone

    from onething.hall.booking import book
    from onething.hall.models import BookingBlock, ExtraSession
    from tests.factories import booking_of, next_free_slot

    appointment = book(user("zhangsan"), booking_of(next_free_slot()))
    until = timezone.now() + timedelta(days=30)
    BookingBlock.objects.create(person=appointment.applicant, until=until, reason="爽约 3 次")
    slot = appointment.slot  # 延时办: an extra session on the appointment's day
    ExtraSession.objects.create(hall=slot.hall, date=slot.date, starts=time(18), ends=time(20))
    return appointment


def _booking_queries(booking, appointment) -> dict:
    from onething.hall import after_hours, hours

    slot, person = appointment.slot, appointment.applicant_id
    return {
        booking._types_at: ((slot.hall.code,), ("hall",)),
        booking._booked_by: ((person, slot.pk, appointment.state), ()),
        booking._slot_at: ((slot.window_type_id, slot.date, slot.starts), ("hall", "window_type")),
        booking._blocks_of: ((person,), ()),
        hours._sessions_on: ((slot.hall_id, slot.date), ()),
        hours._opening_hours: ((slot.hall_id,), ()),
        after_hours._hall_serving: ((slot.hall.jurisdiction,), ()),
    }


def _forwarded_part_of(case) -> None:
    """跨省通办: a partner's part of the case (read by the case page's panel)."""
    from onething.exchange.models import Partner, RemoteCase

    partner = Partner.objects.create(code="yulin", name="榆林市", base_url="http://127.0.0.1:9")
    for direction in (RemoteCase.FORWARDED, RemoteCase.HANDLED):
        RemoteCase.objects.create(
            partner=partner, direction=direction, local_case_id=case.pk,
            package_id="household_move", package_name="户口迁出",
        )  # fmt: skip


def _case_in_a_special_procedure():
    reviewer = user("r_amr_lishi")
    case, _ = services.file_case(user("yaofang"), pharmacy_filing(), idempotency_key="special")
    services.accept(user("clerk_lishi"), case.public_id)
    task = Task.objects.get(case=case, item_id="business_registration")
    services.claim(reviewer, task.pk)
    services.start_special(reviewer, [task.pk], "expert_review", 5, "联合专家评审")
    return case


def test_the_django_internals_prepared_py_relies_on_are_still_there(demo):
    """prepared.py was checked against one Django release; on another, read its list of
    internals against the new source, then change CHECKED_WITH."""
    import inspect

    import django
    from django.db import DEFAULT_DB_ALIAS
    from django.db.models.query import ModelIterable, get_related_populators

    from onething.core import prepared

    assert django.VERSION[:2] == prepared.CHECKED_WITH, (
        f"Django {django.get_version()}: check core/prepared.py's internals against it"
    )
    queryset = with_parties(Case.objects).filter(number="x").prefetch_related("tasks")
    assert queryset._iterable_class is ModelIterable
    assert queryset._known_related_objects == {}
    assert queryset._prefetch_related_lookups == ("tasks",)
    compiler = queryset.query.get_compiler(using=DEFAULT_DB_ALIAS)
    sql, params = compiler.as_sql()
    assert isinstance(sql, str) and list(params) == ["x"]
    assert {"model", "select_fields", "related_klass_infos"} <= set(compiler.klass_info)
    assert compiler.klass_info["model"] is Case
    assert all(len(entry) == 3 for entry in compiler.select)  # (expression, SQL, alias)
    first, last = compiler.klass_info["select_fields"][0], compiler.klass_info["select_fields"][-1]
    assert compiler.select[first][0].target.attname == "id" and last < compiler.col_count
    assert compiler.annotation_col_map == {}
    columns = [entry[0] for entry in compiler.select[: compiler.col_count]]
    assert compiler.has_composite_fields(columns) is False
    converters = compiler.get_converters(columns)
    assert all(isinstance(k, int) and len(v) == 2 for k, v in converters.items())
    assert list(inspect.signature(get_related_populators).parameters) == [
        "klass_info",
        "select",
        "db",
    ]
    populators = get_related_populators(compiler.klass_info, compiler.select, DEFAULT_DB_ALIAS)
    assert len(populators) == 3  # applicant, agent, catalogue version
    assert list(inspect.signature(populators[0].populate).parameters) == ["row", "from_obj"]


def test_a_session_reads_its_row_and_an_unknown_or_expired_one_starts_anew(demo):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from onething.accounts.sessions import SessionStore

    saved = SessionStore()
    saved["who"] = "yaofang"
    saved.save()
    for _ in range(5):  # compiled, then checked, then bound
        assert SessionStore(saved.session_key).load() == {"who": "yaofang"}
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None
    Session.objects.filter(pk=saved.session_key).update(expire_date=timezone.now() - timedelta(1))
    expired = SessionStore(saved.session_key)
    assert expired.load() == {} and expired.session_key is None
    expired["who"] = "zhangsan"
    expired.save()  # under a new key
    assert expired.session_key != saved.session_key
