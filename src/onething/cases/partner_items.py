"""Items of a case that a partner region implements (跨省通办 多地联办).

A package may hold items that another region's platform implements (户口迁移: 迁出 there,
迁入 here). Such an item is a task of the case like any other, so that the case orders
its dependants and becomes ready only when it is decided; but nobody here works it. It is
held from acceptance (cases/holds.py: its clock not started, nobody able to claim it),
and when the partner's decision comes back the exchange app records it with the function
below — approved (its dependants released, their clocks starting that day, the case
finished when nothing is left) or refused (its dependants cancelled) — by the platform,
with the partner's case number and its certificate in the audit trail.

The cases app knows nothing of partners: the caller says which items, what was decided
and what to record.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from onething.cases import store
from onething.cases.base import local_today
from onething.cases.lifecycle import TASK_TERMINAL, TaskAction, TaskState
from onething.cases.models import Task
from onething.cases.schedule import finish_if_done
from onething.cases.services import TaskWork, conclude_approval
from onething.cases.tasks import TaskNode, to_cancel
from onething.core.events import TaskDecided, publish

FINISHED = {state.value for state in TASK_TERMINAL}


def record_partner_decision(
    case_id: int,
    item_ids: Iterable[str],
    approved: bool,
    note: str,
    data: dict[str, Any] | None = None,
) -> list[str]:
    """Decide the case's named items as the partner region decided them (those still
    open; an item decided before is left as it is), in one transaction. The item ids
    decided."""
    wanted = set(item_ids)
    first = Task.objects.filter(case_id=case_id).values_list("pk", flat=True).first()
    if first is None or not wanted:
        return []
    note = note.strip()[:1000]
    with transaction.atomic():
        work = TaskWork(first, None)
        targets = [t for t in work.tasks if t.item_id in wanted and t.state not in FINISHED]
        for task in targets:
            if task.state in FINISHED:  # cancelled meanwhile, as a dependant of another
                continue
            task.held_for = ""  # 等候外部前置 ends: the partner decided
            if approved:
                conclude_approval(work, task, TaskAction.PARTNER_APPROVE, None, note, data)
            else:
                _reject(work, task, note, data or {})
        return [task.item_id for task in targets]


def _reject(work: TaskWork, task: Task, note: str, data: dict[str, Any]) -> None:
    """The partner refused or rejected the item: it is rejected here, and the items that
    depend on it are cancelled (as a reviewer's rejection does)."""
    today = local_today()
    task.finished_on = today
    task.decision_note = note
    work.step(task, TaskAction.PARTNER_REJECT, None, note=note, data=data)
    by_item = {t.item_id: t for t in work.tasks}
    nodes = [TaskNode(t.item_id, tuple(t.after), TaskState(t.state)) for t in work.tasks]
    for item_id in to_cancel(nodes, task.item_id):
        dependant = by_item[item_id]
        dependant.finished_on = today
        dependant.held_for = ""
        dependant.decision_note = (
            f"前置事项“{task.item_name}”由合作地区不予办理，本事项无法继续办理"
        )
        work.step(dependant, TaskAction.CANCEL, None, note=dependant.decision_note)
    work.flush()
    publish(TaskDecided(work.case.pk, task.pk, task.item_id, task.state))
    finish_if_done(work.case, work.tasks)
    store.keep_deadline(work.case, work.tasks)
