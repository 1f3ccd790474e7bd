"""秒批 (instant decisions): when a case is accepted, each workable task whose catalogue
item declares instant rules (catalog/instant.py) is decided by the platform — and so is
one that an approval makes workable later, once that approval is committed — approved
and its certificate issued in the same transaction, exactly as a reviewer's approval
(`services.conclude_approval`) — or, when a rule fails, left to a reviewer. Either way
the rule trace is an action row of the case (the audit trail), shown on the case page
and on the reviewer's page of the task."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from onething.cases import services, store
from onething.cases.base import locked_case
from onething.cases.lifecycle import CaseAction, CaseState, TaskAction, TaskState
from onething.cases.models import Action, Case, Evidence, Task
from onething.cases.window import accept_locked
from onething.catalog.entities import Catalog, Item
from onething.catalog.instant import MaterialLevel, Trace, evaluate
from onething.catalog.services import catalog_by_version_id, guide_for_version_id
from onething.core.events import CaseAccepted, CaseSubmitted, TaskDecided
from onething.intake.validation import validate_form

log = logging.getLogger(__name__)
TRACE_ACTIONS = (TaskAction.AUTO_APPROVE.value, TaskAction.REFER.value)


VERIFIED = ("A", "B")


def on_case_submitted(event: CaseSubmitted) -> None:
    """A handler of `CaseSubmitted`, in the submission's transaction: 即办 — a case with
    nothing left for a person to check is accepted by the platform at once."""
    accept_if_nothing_to_check(event.case_id)


def accept_if_nothing_to_check(case_id: int) -> bool:
    """Accept the submitted case without a person when every item of it is decided by
    its catalogue rules (秒批) and every material the applicant hands in is at trust A
    (a certificate of the library) or B (an original seen — at a kiosk, the ID card its
    reader read); then its items are decided (CaseAccepted). Whether it was accepted."""
    # Most submissions hold an item a person decides: found from the cached catalogue and
    # guide with one small read, before any lock or look at the materials.
    filed = Case.objects.values(
        "public_id", "state", "catalog_version_id", "package_id", "answers"
    ).get(pk=case_id)
    if filed["state"] != CaseState.SUBMITTED or not _all_instant(filed):
        return False
    handed_in = Evidence.objects.filter(case_id=case_id, origin="applicant")
    if handed_in.exclude(trust__in=VERIFIED).exists():
        return False
    accept_locked(locked_case(filed["public_id"]), None, CaseAction.AUTO_ACCEPT)
    return True


def _all_instant(filed: dict[str, Any]) -> bool:
    """Whether every item the case's answers include declares instant rules."""
    version = filed["catalog_version_id"]
    catalog = catalog_by_version_id(version)
    guide = guide_for_version_id(version, filed["package_id"], filed["answers"])
    items = [catalog.items.get(gi.id) for gi in guide.items]
    return bool(items) and all(item is not None and item.instant is not None for item in items)


def on_case_accepted(event: CaseAccepted) -> None:
    """A handler of `CaseAccepted` (cases/apps.py), in the acceptance's transaction."""
    decide_instant_tasks(event.case_id)


def on_task_decided(event: TaskDecided) -> None:
    """A handler of `TaskDecided`: an approval may have made an instant item workable
    (食品小经营店备案 after 个体工商户设立登记). It is decided once that approval is
    committed — the approving service still holds the case's tasks in hand. Most
    approvals release none: one small read (the workable items) tells."""
    if event.state != TaskState.APPROVED or not _instant_workable(event.case_id):
        return
    transaction.on_commit(lambda: _decide_after_commit(event.case_id))


def _decide_after_commit(case_id: int) -> None:
    """The approval is saved already: a failure here leaves the item to its reviewer."""
    try:
        decide_instant_tasks(case_id)
    except Exception:
        log.exception("秒批 after an approval failed for case %s; left to the reviewer", case_id)


def _instant_workable(case_id: int) -> list[tuple[int, Item, Catalog]]:
    """The case's workable tasks whose item has instant rules and no rule trace yet:
    (task id, item, catalogue) — the catalogue is the cached one of the case's version."""
    rows = store.workable_items(case_id)
    if not rows:
        return []
    catalog = catalog_by_version_id(rows[0][2])
    found = [(pk, catalog.items.get(item_id)) for pk, item_id, _version in rows]
    instant = [(pk, item) for pk, item in found if item is not None and item.instant is not None]
    if not instant:
        return []
    traced = set(
        Action.objects.filter(
            case_id=case_id, action__in=TRACE_ACTIONS, task_id__in=[pk for pk, _ in instant]
        ).values_list("task_id", flat=True)
    )
    return [(pk, item, catalog) for pk, item in instant if pk not in traced]


def decide_instant_tasks(case_id: int) -> list[Task]:
    """Decide every workable task of the case whose item has instant rules and that was
    not decided or referred before; those tasks."""
    if not _instant_workable(case_id):  # most cases: no lock taken, nothing to decide
        return []
    with transaction.atomic():  # read again under the write lock
        undecided = _instant_workable(case_id)
        return [_decide(task_id, item, catalog) for task_id, item, catalog in undecided]


def _decide(task_id: int, item: Item, catalog: Catalog) -> Task:
    work = services.TaskWork(task_id, None)
    task = work.task
    trace = trace_for(work.case, item, catalog)
    data = {"instant": trace.as_data()}
    if trace.held:
        note = "秒批：申请材料与申请表符合本事项的全部即办规则，系统自动批准"
        services.conclude_approval(work, task, TaskAction.AUTO_APPROVE, None, note, data)
    else:
        failed = "；".join(f"{r.text}（{r.why}）" for r in trace.failed())
        work.step(task, TaskAction.REFER, None, note=f"未满足：{failed}", data=data)
        work.flush()
    return task


def trace_for(case: Case, item: Item, catalog: Catalog) -> Trace:
    """The item's instant rules evaluated against the case as it stands."""
    assert item.instant is not None
    guide = guide_for_version_id(case.catalog_version_id, case.package_id, case.answers)
    levels = dict(Evidence.objects.filter(case_id=case.pk).values_list("material_id", "trust"))
    materials = [
        MaterialLevel(m.name, levels.get(m.id, ""), m.required)
        for m in guide.materials
        if item.id in m.for_items
    ]
    fields = [f for f in guide.fields if item.id in f.for_items]
    form = case.form
    errors = validate_form(fields, form, services.local_today()).errors
    labels = {field_id: field.label for field_id, field in catalog.fields.items()}
    return evaluate(item.instant, materials, errors, form, labels)


def traces_of(case: Case) -> dict[int, dict[str, Any]]:
    """The latest rule trace of each task of the case that has one: task id -> the
    trace's data (`held`, `basis`, `rules`), with `action` and `at`."""
    rows = Action.objects.filter(case_id=case.pk, action__in=TRACE_ACTIONS).order_by("seq")
    traces: dict[int, dict[str, Any]] = {}
    for row in rows.only("task_id", "action", "data", "at"):
        trace = (row.data or {}).get("instant")
        if row.task_id is not None and trace:
            traces[row.task_id] = {**trace, "action": row.action, "at": row.at}
    return traces
