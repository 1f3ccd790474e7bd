"""A case's clock after acceptance: its promised date (承诺办结期限) from the package's
schedule as it really runs, and the moment every item is decided (ready for the one
handover). Called inside the transaction of the change that moved a task."""

from __future__ import annotations

from django.utils import timezone

from onething.calendar.loaded import current_calendar
from onething.cases import store
from onething.cases.base import case_step, local_today, notify, record, save_case
from onething.cases.deadlines import Schedule, ScheduledTask, projected_due_dates
from onething.cases.lifecycle import CaseAction, TaskState
from onething.cases.models import Case, Delivery, Task
from onething.cases.tasks import TaskNode, all_finished


def schedule_of(case: Case, tasks: list[Task]) -> Schedule:
    """Each task's date (finished, due, or projected while it waits) and the case's."""
    return projected_due_dates(
        [
            ScheduledTask(
                item=t.item_id,
                after=tuple(t.after),
                promised_days=t.promised_days,
                state=TaskState(t.state),
                workable_on=t.workable_on,
                finished_on=t.finished_on,
                pauses=t.pause_list(),
            )
            for t in tasks
        ],
        current_calendar(),
        timezone.localdate(case.accepted_at),
        local_today(),
    )


def refresh_case_due(case: Case, tasks: list[Task]) -> None:
    if case.accepted_at is None:
        return
    schedule = schedule_of(case, tasks)
    # The promised date (承诺办结期限) only moves later — when a clock stops for 补正 or a
    # special procedure — never earlier: finishing early is measured against it.
    if schedule.due is not None and (case.due_date is None or schedule.due > case.due_date):
        case.due_date = schedule.due
        store.save([case], ("due_date",))


def finish_if_done(case: Case, tasks: list[Task]) -> None:
    """Every item decided: the case is ready for the one handover, and the applicant is
    told how the results will reach them."""
    nodes = [TaskNode(t.item_id, tuple(t.after), TaskState(t.state)) for t in tasks]
    if not all_finished(nodes):
        refresh_case_due(case, tasks)
        return
    before, after = case_step(case, CaseAction.FINISH, None)
    case.ready_at = timezone.now()
    if case.accepted_at is not None:
        case.days_taken = current_calendar().working_days_between(
            timezone.localdate(case.accepted_at), timezone.localdate(case.ready_at)
        )
    save_case(case, "ready_at", "days_taken")
    record(case, CaseAction.FINISH, None, before, after)
    approved = sum(1 for t in tasks if t.state == TaskState.APPROVED)
    method = Delivery.objects.filter(case_id=case.pk).values_list("method", flat=True).first()
    how = {
        "post": "结果将按您选择的邮寄地址寄出，寄出后告知运单号。",
        "electronic": "电子证照已存入“我的证照”，窗口确认后即完成电子送达。",
    }.get(method or "", "请到受理窗口一次领取全部结果，也可以在办件页面改选邮寄或电子送达。")
    notify(
        case,
        "ready",
        f"“{case.package_name}”已全部办结",
        f"{approved} 个事项准予许可。{how}",
    )
