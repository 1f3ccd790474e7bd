"""Items held for something outside their case (等候外部前置).

The case engine orders a case's own items by its package (cases/tasks.py). A plan that
runs several projects as linked cases (定制办) also has items that wait on another
project's item, or on a joint expert review: such an item is *held*. A held item stays
waiting — its clock not started, nobody able to claim it — until every hold is lifted
and its own predecessors are approved; then it is released as any item is, its clock
starting that day.

Holding is for items nobody has begun: a workable item that is still unclaimed goes
back to waiting; an item already claimed, paused or decided is left as it is (the
caller's page flags it). Each hold and lift is a record in the case's audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction

from onething.calendar.loaded import current_calendar
from onething.cases import store
from onething.cases.base import local_today, role_of, task_step
from onething.cases.deadlines import task_due_date
from onething.cases.lifecycle import TaskAction, TaskState
from onething.cases.models import Task
from onething.cases.schedule import refresh_case_due
from onething.cases.tasks import TaskNode, ready_to_release

HOLDABLE = (TaskState.WAITING, TaskState.WORKABLE)


def _loaded(case_id: int):
    first = Task.objects.filter(case_id=case_id).values_list("pk", flat=True).first()
    loaded = store.load_for_task(first) if first is not None else None
    return loaded if loaded is not None else (None, [])


def _action(task: Task, action: TaskAction, before: str, note: str) -> store.ActionRow:
    return store.ActionRow(
        task.case_id, task.pk, None, role_of(None), action.value, before, task.state, note, {}
    )


def hold_items(case_id: int, holds: Mapping[str, str]) -> list[str]:
    """Hold each named item of the case for its reason (``{item_id: "等待 …"}``); the
    item ids held, in package order. Items begun or decided are left as they are."""
    with transaction.atomic():
        case, tasks = _loaded(case_id)
        changed, actions = [], []
        for task in tasks:
            reason = holds.get(task.item_id, "").strip()
            if not reason or task.state not in HOLDABLE:
                continue
            before, _after = task_step(task, TaskAction.HOLD, None)
            task.held_for = reason[:300]
            task.workable_on = task.due_date = None
            changed.append(task)
            actions.append(_action(task, TaskAction.HOLD, before, reason))
        if changed:
            store.save_tasks(changed)
            store.insert_actions(actions)
            refresh_case_due(case, tasks)
            store.keep_deadline(case, tasks)
        return [task.item_id for task in changed]


def lift_holds(case_id: int, item_ids: Iterable[str], note: str) -> list[str]:
    """Lift the holds of the named items; those whose own predecessors are approved are
    released at once, their clocks starting today. The item ids released."""
    wanted = set(item_ids)
    with transaction.atomic():
        case, tasks = _loaded(case_id)
        lifted = [t for t in tasks if t.item_id in wanted and t.held_for]
        if not lifted:
            return []
        actions = []
        for task in lifted:
            before, _after = task_step(task, TaskAction.LIFT_HOLD, None)
            task.held_for = ""
            actions.append(_action(task, TaskAction.LIFT_HOLD, before, note))
        nodes = [
            TaskNode(t.item_id, tuple(t.after), TaskState(t.state), bool(t.held_for)) for t in tasks
        ]
        ready = set(ready_to_release(nodes))
        today, calendar = local_today(), current_calendar()
        for task in lifted:
            if task.item_id in ready:
                before, _after = task_step(task, TaskAction.RELEASE_READY, None)
                task.workable_on = today
                task.due_date = task_due_date(today, task.promised_days, (), calendar, today)
                actions.append(_action(task, TaskAction.RELEASE_READY, before, note))
        store.save_tasks(lifted)
        store.insert_actions(actions)
        refresh_case_due(case, tasks)
        store.keep_deadline(case, tasks)
        return [task.item_id for task in lifted if task.item_id in ready]
