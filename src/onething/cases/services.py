"""Use cases of the case lifecycle: each one loads, checks, changes and records in one
transaction. Views and the API call these; these call the pure rules.

Every change locks the case row first (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite
takes its write lock at BEGIN), checks the version the caller saw, applies the rule,
writes the changed rows and one `Action` per transition, and queues notifications in
the outbox — all or nothing. A refused or stale request changes nothing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone

from onething.accounts.models import User
from onething.calendar.loaded import current_calendar
from onething.cases import store
from onething.cases.base import (  # the records are also named by this module
    check_version,
    local_today as local_today,
    locked_case,
    notify as notify,
    notify_users as notify_users,
    record as record,
    require,
    role_of,
    task_step,
)
from onething.cases.deadlines import (
    deemed_accepted,
    task_due_date,
)
from onething.cases.delivery import hand_over as hand_over
from onething.cases.filing import (  # filing lives in its own module; named here too
    Filing as Filing,
    file_case as file_case,
    prepare_filing as prepare_filing,
    submit as submit,
    update_draft as update_draft,
    withdraw as withdraw,
)
from onething.cases.lifecycle import (
    TASK_PAUSED,
    CaseAction,
    CaseState,
    TaskAction,
    TaskState,
)
from onething.cases.models import Case, Notice, SpecialProcedure, Task
from onething.cases.outbox import deliver_outbox as deliver_outbox  # the sweep's job
from onething.cases.schedule import finish_if_done, refresh_case_due
from onething.cases.tasks import TaskNode, ready_to_release, to_cancel
from onething.cases.window import (  # the window's decisions, also named by this module
    accept as accept,
    accept_locked,
    complete as complete,
    refuse as refuse,
    request_completion as request_completion,
)
from onething.catalog.services import (
    catalog_by_version_id,
)
from onething.core.access import (
    acts_for_applicant,
    may_work_task,
    require_may_act,
    works_at_window,
)
from onething.core.errors import (  # the refusals, also by this module's name
    CaseError as CaseError,
    Conflict as Conflict,
    Forbidden as Forbidden,
    InvalidInput as InvalidInput,
    NotFound as NotFound,
)
from onething.core.events import Holder, TaskApproved, TaskDecided, publish
from onething.core.prepared import PreparedQuery

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- tasks


class TaskWork:
    """One task transition: the case and all its tasks loaded (locked on PostgreSQL),
    changed in memory, written back: the changed tasks, then one INSERT for the new
    actions (see `store`). Each service then keeps the case's next deadline
    (`store.keep_deadline`), except claim and release, which move no clock."""

    def __init__(self, task_id: int, version: int | None, siblings: bool = True):
        loaded = store.load_for_task(task_id, siblings)
        if loaded is None:
            raise NotFound(f"事项办理 {task_id} 不存在")
        self.case, self.tasks = loaded
        self.task = next(t for t in self.tasks if t.pk == task_id)
        check_version(self.task.version, version, "该事项")
        self.changed: dict[int, Task] = {}
        self.actions: list[store.ActionRow] = []

    def step(
        self,
        task: Task,
        action: TaskAction,
        actor: User | None,
        note: str = "",
        data: dict | None = None,
    ) -> str:
        before, after = task_step(task, action, actor)
        self.changed[task.pk] = task
        self.actions.append(
            store.ActionRow(
                case_id=self.case.pk,
                task_id=task.pk,
                actor_id=actor.pk if actor is not None else None,
                actor_role=role_of(actor),
                action=action.value,
                from_state=before,
                to_state=after,
                note=note,
                data=data or {},
            )
        )
        return before

    def flush(self) -> None:
        store.save_tasks(list(self.changed.values()))
        store.insert_actions(self.actions)
        self.changed, self.actions = {}, []


def _reviewer_work(
    actor: User, task_id: int, version: int | None, siblings: bool = True
) -> TaskWork:
    work = TaskWork(task_id, version, siblings)
    require(may_work_task(actor, work.task), "该事项不在您的部门和辖区")
    return work


def claim(actor: User, task_id: int, version: int | None = None) -> Task:
    with transaction.atomic():
        work = _reviewer_work(actor, task_id, version, siblings=False)
        work.task.assignee_id = actor.pk
        work.step(work.task, TaskAction.CLAIM, actor)
        work.flush()
        return work.task


def release(actor: User, task_id: int, version: int | None = None) -> Task:
    with transaction.atomic():
        work = _reviewer_work(actor, task_id, version, siblings=False)
        require(work.task.assignee_id == actor.pk, "只有承办人可以退回")
        work.task.assignee_id = None
        work.step(work.task, TaskAction.RELEASE, actor)
        work.flush()
        return work.task


def _own_claimed(actor: User, task: Task) -> None:
    require(task.assignee_id == actor.pk, "请先认领该事项（已由他人认领的事项不能办理）")


def approve(actor: User, task_id: int, note: str = "", version: int | None = None) -> Task:
    with transaction.atomic():
        work = _reviewer_work(actor, task_id, version)
        task = work.task
        if task.state == TaskState.IN_REVIEW:
            _own_claimed(actor, task)
        conclude_approval(work, task, TaskAction.APPROVE, actor, note.strip())
        return task


def conclude_approval(
    work: TaskWork,
    task: Task,
    action: TaskAction,
    actor: User | None,
    note: str,
    data: dict | None = None,
) -> None:
    """Approve `task` in the caller's transaction — a reviewer's approval, or the
    platform's (秒批, cases/instant_decisions.py): its successors released, its
    certificate issued, the case finished when nothing is left."""
    task.finished_on = local_today()
    task.decision_note = note
    work.step(task, action, actor, note=note, data=data)
    _release_ready(work)
    work.flush()
    _issue_certificate(work.case, task)
    publish(TaskDecided(work.case.pk, task.pk, task.item_id, task.state))
    finish_if_done(work.case, work.tasks)
    store.keep_deadline(work.case, work.tasks)


# The certificate's holder and the case's form (decrypted by its field), read at every
# approval that issues one: compiled once (core/prepared.py).
_holder_and_form = PreparedQuery(
    lambda case_id: (
        Case.objects.filter(pk=case_id)
        .select_related("applicant")
        .only(
            "form_text",
            "applicant",
            "applicant__full_name",
            "applicant__applicant_kind",
            "applicant__uscc",
            "applicant__id_number",
        )
        .order_by()
    )
)


def _issue_certificate(case: Case, task: Task) -> None:
    """一次办成 ends with results in hand: an item whose catalogue item issues a licence
    type is announced approved (TaskApproved) and the licences app issues its certificate
    in the same transaction; the certificate then stands for the materials of later items
    that asked for it (LicenceIssued, `materials.fulfil_from_licence`)."""
    catalog = catalog_by_version_id(case.catalog_version_id)
    item = catalog.items.get(task.item_id)
    if item is None or item.issues is None:
        return
    found = _holder_and_form.first(case.pk)
    if found is None:
        raise Case.DoesNotExist(f"case {case.pk}")
    form_text, applicant = found.form_text, found.applicant
    name, kind = applicant.full_name, applicant.applicant_kind
    uscc, id_number = applicant.uscc, applicant.id_number
    publish(
        TaskApproved(
            case_id=case.pk,
            task_id=task.pk,
            item_id=task.item_id,
            department=task.department,
            jurisdiction=task.jurisdiction,
            catalog_version_id=case.catalog_version_id,
            holder=Holder(case.applicant_id, name, kind, uscc or "", id_number or ""),
            form=json.loads(form_text) if form_text else {},
        )
    )


def reject(actor: User, task_id: int, reason: str, version: int | None = None) -> Task:
    reason = reason.strip()
    if not reason:
        raise InvalidInput("不予许可须写明理由")
    with transaction.atomic():
        work = _reviewer_work(actor, task_id, version)
        task, case = work.task, work.case
        if task.state == TaskState.IN_REVIEW:
            _own_claimed(actor, task)
        task.finished_on = local_today()
        task.decision_note = reason
        work.step(task, TaskAction.REJECT, actor, note=reason)
        cancelled = _cancel_dependants(work, task)
        work.flush()
        publish(TaskDecided(case.pk, task.pk, task.item_id, task.state))
        Notice.objects.create(
            case=case, task=task, kind="rejection", lines=[reason], issued_by=actor
        )
        names = "、".join(t.item_name for t in cancelled)
        notify(
            case,
            "rejected",
            f"“{task.item_name}”不予许可",
            f"理由：{reason}"
            + (f"。因此以下事项无法继续办理，已终止：{names}" if cancelled else ""),
        )
        finish_if_done(case, work.tasks)
        store.keep_deadline(case, work.tasks)
        return task


def request_supplement(
    actor: User, task_id: int, lines: Sequence[str], text: str = "", version: int | None = None
) -> Notice:
    """补正: the item's clock stops until the applicant supplies what is asked."""
    lines = [line.strip() for line in lines if line and line.strip()]
    if not lines:
        raise InvalidInput("请逐条写明需要补正的内容")
    with transaction.atomic():
        work = _reviewer_work(actor, task_id, version)
        task, case = work.task, work.case
        _own_claimed(actor, task)
        task.pauses = [*task.pauses, [local_today().isoformat(), None]]
        work.step(task, TaskAction.REQUEST_SUPPLEMENT, actor, data={"lines": lines})
        work.flush()
        store.keep_deadline(case, work.tasks)  # its clock stopped: it no longer counts
        notice = Notice.objects.create(
            case=case, task=task, kind="supplement", lines=lines, text=text, issued_by=actor
        )
        notify(
            case,
            "supplement",
            f"“{task.item_name}”需要补正",
            "请补正：" + "；".join(lines) + "。补正期间该事项暂停计时。",
        )
        return notice


def provide_supplement(actor: User, task_id: int, answer: str, version: int | None = None) -> Task:
    answer = answer.strip()
    if not answer:
        raise InvalidInput("请说明补正的内容")
    with transaction.atomic():
        work = TaskWork(task_id, version)
        task, case = work.task, work.case
        require(acts_for_applicant(actor) or works_at_window(actor), "无权为此办件补正")
        require_may_act(actor, case, "无权为此办件补正")
        before = work.step(task, TaskAction.PROVIDE_SUPPLEMENT, actor, note=answer)
        if TaskState(before) in TASK_PAUSED:
            _close_pause(task)
        work.flush()
        Notice.objects.filter(task=task, kind="supplement", answered_at=None).update(
            answered_at=timezone.now(), answer=answer
        )
        refresh_case_due(case, work.tasks)
        store.keep_deadline(case, work.tasks)
        return task


def start_special(
    actor: User,
    task_ids: Iterable[int],
    kind: str,
    days: int,
    title: str,
) -> SpecialProcedure:
    """特殊环节 for one or several tasks (of one or several cases): a joint expert review,
    an inspection, testing or a hearing. Its time does not count against the items."""
    kinds = dict(SpecialProcedure.KINDS)
    if kind not in kinds:
        raise InvalidInput(f"未知的特殊环节 {kind}")
    if not 1 <= days <= 365:
        raise InvalidInput("特殊环节时限应为 1 至 365 个工作日")
    task_ids = sorted(set(task_ids))
    if not task_ids:
        raise InvalidInput("请选择要进入特殊环节的事项")
    today = local_today()
    with transaction.atomic():
        cases = {}
        for case_id in sorted(
            set(Task.objects.filter(pk__in=task_ids).values_list("case__public_id", flat=True)),
            key=str,
        ):
            cases[case_id] = locked_case(case_id)  # a fixed order: no deadlock
        tasks = list(Task.objects.filter(pk__in=task_ids).select_related("case"))
        if len(tasks) != len(task_ids):
            raise NotFound("所选事项不存在")
        procedure = SpecialProcedure.objects.create(
            kind=kind,
            title=title.strip() or kinds[kind],
            days=days,
            started_on=today,
            due_date=current_calendar().add_working_days(today, days),
            created_by=actor,
        )
        for task in tasks:
            require(may_work_task(actor, task), f"“{task.item_name}”不在您的部门和辖区")
            _own_claimed(actor, task)
            before, after = task_step(task, TaskAction.START_SPECIAL, actor)
            task.pauses = [*task.pauses, [today.isoformat(), None]]
            task.save(update_fields=store.TASK_CHANGES)
            procedure.tasks.add(task)
            case = cases[task.case.public_id]
            Notice.objects.create(
                case=case,
                task=task,
                kind="special",
                lines=[f"{kinds[kind]}：{procedure.title}", f"时限 {days} 个工作日"],
                issued_by=actor,
            )
            record(
                case,
                TaskAction.START_SPECIAL,
                actor,
                before,
                after,
                task=task,
                data={"procedure": procedure.pk, "kind": kind, "days": days},
            )
            notify(
                case,
                "special",
                f"“{task.item_name}”进入{kinds[kind]}",
                f"{procedure.title}，时限 {days} 个工作日（至 {procedure.due_date}），"
                "所需时间不计入办理时限。",
            )
        for case in cases.values():
            store.keep_deadline(case)
        return procedure


def end_special(actor: User | None, procedure_id: int, outcome: str = "") -> SpecialProcedure:
    with transaction.atomic():
        procedure = SpecialProcedure.objects.select_for_update().filter(pk=procedure_id).first()
        if procedure is None:
            raise NotFound(f"特殊环节 {procedure_id} 不存在")
        if procedure.ended_on is not None:
            raise Conflict("该特殊环节已经结束")
        tasks = list(procedure.tasks.select_related("case").order_by("case__public_id"))
        for task in tasks:
            case = locked_case(task.case.public_id)
            task.refresh_from_db()
            if actor is not None:
                require(may_work_task(actor, task), f"“{task.item_name}”不在您的部门和辖区")
            if task.state != TaskState.SPECIAL:
                continue
            before, after = task_step(task, TaskAction.END_SPECIAL, actor)
            _close_pause(task)
            task.save(update_fields=store.TASK_CHANGES)
            record(
                case,
                TaskAction.END_SPECIAL,
                actor,
                before,
                after,
                task=task,
                note=outcome.strip(),
                data={"procedure": procedure.pk},
            )
            case_tasks = list(case.tasks.all())
            refresh_case_due(case, case_tasks)
            store.keep_deadline(case, case_tasks)
        procedure.ended_on = local_today()
        procedure.outcome = outcome.strip()
        procedure.save()
        return procedure


def _close_pause(task: Task) -> None:
    today = local_today()
    pauses = [list(p) for p in task.pauses]
    if pauses and pauses[-1][1] is None:
        pauses[-1][1] = today.isoformat()
    task.pauses = pauses
    if task.workable_on is not None:
        task.due_date = task_due_date(
            task.workable_on, task.promised_days, task.pause_list(), current_calendar(), today
        )


def _release_ready(work: TaskWork) -> None:
    """Tasks whose predecessors are all approved become workable; their clocks start today."""
    by_item = {t.item_id: t for t in work.tasks}
    nodes = [
        TaskNode(t.item_id, tuple(t.after), TaskState(t.state), bool(t.held_for))
        for t in work.tasks
    ]
    today = local_today()
    calendar = current_calendar()
    for item_id in ready_to_release(nodes):
        task = by_item[item_id]
        task.workable_on = today
        task.due_date = task_due_date(today, task.promised_days, (), calendar, today)
        work.step(task, TaskAction.RELEASE_READY, None)


def _cancel_dependants(work: TaskWork, rejected: Task) -> list[Task]:
    by_item = {t.item_id: t for t in work.tasks}
    nodes = [TaskNode(t.item_id, tuple(t.after), TaskState(t.state)) for t in work.tasks]
    cancelled = []
    for item_id in to_cancel(nodes, rejected.item_id):
        task = by_item[item_id]
        task.finished_on = local_today()
        task.decision_note = f"前置事项“{rejected.item_name}”不予许可，本事项无法继续办理"
        before = work.step(task, TaskAction.CANCEL, None, note=task.decision_note)
        if TaskState(before) in TASK_PAUSED:
            _close_pause(task)
        cancelled.append(task)
    return cancelled


# --------------------------------------------------------------------------- background work


def deem_overdue_acceptances(today: date | None = None) -> int:
    """Applications the window left undecided for 5 working days are deemed accepted."""
    today = today or local_today()
    calendar = current_calendar()
    done = 0
    candidates = Case.objects.filter(state=CaseState.SUBMITTED, window_due__lt=today)
    for public_id, submitted_at in candidates.values_list("public_id", "submitted_at"):
        if not deemed_accepted(timezone.localdate(submitted_at), today, calendar):
            continue
        try:
            with transaction.atomic():
                case = locked_case(public_id)
                if case.state != CaseState.SUBMITTED:
                    continue  # decided meanwhile
                accept_locked(case, None, CaseAction.DEEM_ACCEPTED)
                done += 1
        except CaseError as exc:
            log.warning("case %s could not be deemed accepted: %s", public_id, exc.message)
    return done
