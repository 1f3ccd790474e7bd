"""Who sees which cases: querysets scoped to a user's role and jurisdiction.

GB/T 2260 codes nest, so "within a jurisdiction" is a prefix: 吕梁市 141100 covers
1411xx. A clerk sees the cases filed at windows within their jurisdiction (a city
window oversees its counties'); a reviewer the tasks routed to their department at
their jurisdiction (市县联动 routes a city-only item filed in a county to the city);
a supervisor every case filed or handled within their jurisdiction.
"""

from __future__ import annotations

import uuid

from django.db.models import Exists, OuterRef, Q, QuerySet

from onething.accounts.roles import Role
from onething.cases.models import Action, Case, Evidence, Notice, Task
from onething.web.prepared import PreparedQuery


def jurisdiction_prefix(code: str) -> str:
    """The code prefix shared by a jurisdiction and everything within it."""
    if len(code) == 6 and code.endswith("0000"):
        return code[:2]
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    return code


def within(field: str, prefix: str) -> Q:
    """`field` holds a code within the jurisdiction of `prefix`: equality for a county's
    full code (so that indexes on the field keep their order), a prefix range otherwise."""
    return Q(**{field: prefix}) if len(prefix) == 6 else Q(**{f"{field}__startswith": prefix})


def with_parties(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases read with their applicant, agent and catalogue version in one query; the
    version without its document (~80 KB a row otherwise, on every case read)."""
    return cases.select_related("applicant", "agent", "catalog_version").defer(
        "catalog_version__source"
    )


_case_by_public_id = PreparedQuery(
    lambda public_id: with_parties(Case.objects).filter(public_id=public_id)
)


def case_by_public_id(public_id: uuid.UUID | str) -> Case | None:
    """A case by the id it is known by (in addresses), with its parties; None if none."""
    if not isinstance(public_id, uuid.UUID):
        try:
            public_id = uuid.UUID(str(public_id))
        except ValueError:
            return None
    return _case_by_public_id.first(public_id)


# A case's parts as its page and the API read them, compiled once (web/prepared.py).
_tasks = PreparedQuery(
    lambda case_id: Task.objects.filter(case_id=case_id).select_related("assignee")
)
_tasks_with_their_records = PreparedQuery(
    lambda case_id: (
        Task.objects.filter(case_id=case_id)
        .select_related("assignee")
        .prefetch_related("special_procedures", "notices")
    )
)
_timeline = PreparedQuery(
    lambda case_id: Action.objects.filter(case_id=case_id).select_related("actor")
)
_notices = PreparedQuery(lambda case_id: Notice.objects.filter(case_id=case_id))
_evidence = PreparedQuery(
    lambda case_id: Evidence.objects.filter(case_id=case_id).select_related("licence", "checked_by")
)


def tasks_of(case: Case, with_records: bool = False) -> list[Task]:
    """The case's tasks in order, with their assignees (and with_records: their special
    procedures and notices)."""
    tasks = (_tasks_with_their_records if with_records else _tasks).all(case.pk)
    for task in tasks:
        task.case = case
    return tasks


def timeline_of(case: Case) -> list[Action]:
    """The case's audit trail, oldest first, with the actors."""
    return _timeline.all(case.pk)


def notices_of(case: Case) -> list[Notice]:
    return _notices.all(case.pk)


def evidence_of(case: Case) -> list[Evidence]:
    """The case's materials, with the certificates they stand on and who checked them."""
    return _evidence.all(case.pk)


def cases_for(user) -> QuerySet[Case]:
    cases = Case.objects.all()
    role = user.role
    if role == Role.ADMIN:
        return cases
    if role == Role.APPLICANT:
        return cases.filter(applicant=user)
    if role == Role.AGENT:
        return cases.filter(agent=user)
    if not user.jurisdiction:
        return cases.none()
    prefix = jurisdiction_prefix(user.jurisdiction)
    if role == Role.CLERK:
        return cases.filter(within("window", prefix))
    if role == Role.REVIEWER:
        mine = Task.objects.filter(
            case=OuterRef("pk"), department=user.department, jurisdiction=user.jurisdiction
        )
        return cases.filter(Exists(mine))
    if role == Role.SUPERVISOR:
        # Filed at a window here, or for a place here. Items are routed within the place's
        # own hierarchy (市县联动), so every case with an item handled here is one of
        # them; two prefix ranges on indexed columns stay fast with millions of cases.
        return cases.filter(within("window", prefix) | within("place", prefix))
    return cases.none()


def tasks_for(user) -> QuerySet[Task]:
    """A reviewer's work list: their department's tasks at their jurisdiction."""
    if user.role != Role.REVIEWER or not user.department or not user.jurisdiction:
        return Task.objects.none()
    return Task.objects.filter(department=user.department, jurisdiction=user.jurisdiction)


def can_view_case(user, case: Case) -> bool:
    """`cases_for` asked of one loaded case: decided from its fields, except for a
    reviewer (one query for an item of theirs in it)."""
    role = user.role
    if role == Role.REVIEWER:
        return cases_for(user).filter(pk=case.pk).exists()
    if role == Role.SUPERVISOR:
        if not user.jurisdiction:
            return False
        prefix = jurisdiction_prefix(user.jurisdiction)
        return case.window.startswith(prefix) or case.place.startswith(prefix)
    return can_act_on_case(user, case)


def can_act_on_case(user, case: Case) -> bool:
    """Whether the user may act on the case as their role does (not which action)."""
    role = user.role
    if role == Role.APPLICANT:
        return case.applicant_id == user.pk
    if role == Role.AGENT:
        return case.agent_id == user.pk
    if role == Role.CLERK:
        return bool(user.jurisdiction) and case.window.startswith(
            jurisdiction_prefix(user.jurisdiction)
        )
    return role == Role.ADMIN


def can_work_task(user, task: Task) -> bool:
    return (
        user.role == Role.REVIEWER
        and task.department == user.department
        and task.jurisdiction == user.jurisdiction
    )
