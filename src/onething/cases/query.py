"""A case and its parts as the pages and the API read them (who may see which cases is
decided in `onething.core.access`)."""

from __future__ import annotations

import uuid

from django.db.models import F, Q, QuerySet

from onething.cases.models import Action, Case, Evidence, Notice, SpecialProcedure, Task
from onething.core.prepared import PreparedQuery

# Cases decided by their promised date (承诺时限) or after it: the lists and the figures.
FINISHED = Q(ready_at__isnull=False)
ON_TIME = FINISHED & Q(ready_at__date__lte=F("due_date"))
LATE = FINISHED & Q(ready_at__date__gt=F("due_date"))


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


# A case's parts as its page and the API read them, compiled once (core/prepared.py).
_tasks = PreparedQuery(
    lambda case_id: Task.objects.filter(case_id=case_id).select_related("assignee")
)
_task_with_case = PreparedQuery(
    lambda task_id: Task.objects.filter(pk=task_id).select_related("case", "assignee")
)
# The open special procedures (特别程序) of a case's items, as (procedure, item) links.
_open_procedures = PreparedQuery(
    lambda case_id: SpecialProcedure.tasks.through.objects.filter(
        task__case_id=case_id, specialprocedure__ended_on__isnull=True
    ).select_related("specialprocedure")
)
_timeline = PreparedQuery(
    lambda case_id: Action.objects.filter(case_id=case_id).select_related("actor")
)
_notices = PreparedQuery(lambda case_id: Notice.objects.filter(case_id=case_id))
_evidence = PreparedQuery(
    lambda case_id: Evidence.objects.filter(case_id=case_id).select_related("licence", "checked_by")
)


def tasks_of(case: Case) -> list[Task]:
    """The case's tasks in order, with their assignees."""
    tasks = _tasks.all(case.pk)
    for task in tasks:
        task.case = case
    return tasks


def task_by_id(task_id: int) -> Task | None:
    """An item with its case and assignee (what an action on it answers with), or None."""
    return _task_with_case.first(task_id)


def open_procedures_of(case: Case) -> dict[int, SpecialProcedure]:
    """Each item's open special procedure, by task id (one statement for the case)."""
    return {link.task_id: link.specialprocedure for link in _open_procedures.all(case.pk)}


def timeline_of(case: Case) -> list[Action]:
    """The case's audit trail, oldest first, with the actors."""
    return _timeline.all(case.pk)


def notices_of(case: Case) -> list[Notice]:
    return _notices.all(case.pk)


def evidence_of(case: Case) -> list[Evidence]:
    """The case's materials, with the certificates they stand on and who checked them."""
    return _evidence.all(case.pk)
