"""web/prepared.py: a queryset compiled once gives what the ORM gives, for every value."""

import logging

import pytest

from onething.accounts.models import User
from onething.cases import services
from onething.cases.models import Case, Task
from onething.cases.query import case_by_public_id, with_parties
from onething.web.prepared import PreparedQuery
from tests.factories import pharmacy_filing, user

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
    with caplog.at_level(logging.WARNING, logger="onething.web.prepared"):
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
