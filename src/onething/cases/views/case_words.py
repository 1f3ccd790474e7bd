"""A case told in words and chips: its deadlines (正常、临近、超期), how far its items have
got, how they came out, and what happens next in the applicant's words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from onething.calendar.loaded import current_calendar
from onething.cases.deadlines import (
    DEADLINE_STATE_LABELS,
    deadline_state,
    working_days_left,
)
from onething.cases.lifecycle import (
    TASK_PAUSED,
    TASK_TERMINAL,
    CaseState,
    TaskState,
)
from onething.cases.models import (
    Case,
    Task,
)

CLOSED_TASK_STATES = [state.value for state in TASK_TERMINAL]


@dataclass(frozen=True, slots=True)
class Deadline:
    """A due date with its deadline state, for a coloured chip."""

    due: date
    state: str
    label: str
    days_left: int | None

    @property
    def hint(self) -> str:
        if self.state in ("done", "paused") or self.days_left is None:
            return ""
        if self.days_left < 0:
            return f"已超 {-self.days_left} 个工作日"
        if self.days_left == 0:
            return "今日到期"
        return f"剩 {self.days_left} 个工作日"


def deadline_of(
    due: date | None,
    today: date,
    *,
    paused: bool = False,
    finished_on: date | None = None,
) -> Deadline | None:
    if due is None:
        return None
    calendar = current_calendar()
    state = deadline_state(
        due,
        today,
        calendar,
        settings.DEADLINE_WARNING_DAYS,
        paused=paused,
        finished_on=finished_on,
    )
    left = None if finished_on else working_days_left(due, today, calendar)
    return Deadline(due, state.value, DEADLINE_STATE_LABELS[state], left)


def case_deadline(case: Case, today: date) -> Deadline | None:
    """The window's decision date while submitted, the case's due date while in progress."""
    if case.state == CaseState.SUBMITTED:
        return deadline_of(case.window_due, today)
    if case.state == CaseState.IN_PROGRESS:
        # An item past its own due date makes the case late, even if the package's date
        # is still ahead (the supervisor must see it). `deadline` (下一个期限, kept with
        # every audit record) is the earlier of the package's date and its running items'.
        if case.deadline is not None and case.deadline < today:
            return deadline_of(case.deadline, today)
        return deadline_of(case.due_date, today)
    if case.state in (CaseState.READY, CaseState.COMPLETED) and case.due_date:
        finished = timezone.localdate(case.ready_at) if case.ready_at else today
        return deadline_of(case.due_date, today, finished_on=finished)
    return None


def task_deadline(task: Task, today: date) -> Deadline | None:
    return deadline_of(
        task.due_date,
        today,
        paused=TaskState(task.state) in TASK_PAUSED,
        finished_on=task.finished_on,
    )


def progress(tasks: list[Task]) -> tuple[int, int]:
    """(finished, all) of a case's items."""
    return sum(1 for t in tasks if t.state in CLOSED_TASK_STATES), len(tasks)


@dataclass(frozen=True, slots=True)
class Outcome:
    """How the items came out: what the applicant collects, and what was refused."""

    approved: int
    rejected: list[str]
    cancelled: list[str]

    @property
    def summary(self) -> str:
        parts = [f"{self.approved} 项准予许可"]
        if self.rejected:
            parts.append(f"{len(self.rejected)} 项不予许可（{'、'.join(self.rejected)}）")
        if self.cancelled:
            parts.append(f"{len(self.cancelled)} 项因前置事项未获许可而终止")
        return "，".join(parts)


def outcome(tasks: list[Task]) -> Outcome:
    return Outcome(
        approved=sum(1 for t in tasks if t.state == TaskState.APPROVED),
        rejected=[t.item_name for t in tasks if t.state == TaskState.REJECTED],
        cancelled=[t.item_name for t in tasks if t.state == TaskState.CANCELLED],
    )


def next_step(case: Case, tasks: list[Task], place_name: Callable[[str], str]) -> str:
    """What happens next, in the applicant's words."""
    state = CaseState(case.state)
    if state == CaseState.DRAFT:
        return "请检查后提交申请"
    if state == CaseState.SUBMITTED:
        return f"等待{place_name(case.window)}窗口受理（{case.window_due} 前作出决定）"
    if state == CaseState.AWAITING_COMPLETION:
        return "请按一次性告知书一次补齐材料"
    if state == CaseState.IN_PROGRESS:
        waiting = [t.item_name for t in tasks if t.state == TaskState.SUPPLEMENT]
        if waiting:
            return "请补正：" + "、".join(waiting)
        refused = outcome(tasks).rejected
        if refused:
            return (
                f"{'、'.join(refused)}不予许可（理由见该事项）；"
                f"其余事项各部门并联办理中，预计 {case.due_date} 前办结"
            )
        return f"各部门并联办理中，预计 {case.due_date} 前办结"
    if state == CaseState.READY:
        result = outcome(tasks)
        if result.rejected:
            return f"已全部办结（{result.summary}），请到{place_name(case.window)}窗口领取结果"
        return f"已全部办结，请到{place_name(case.window)}窗口一次领取全部结果"
    if state == CaseState.COMPLETED:
        result = outcome(tasks)
        if result.rejected:
            return f"已办结（{result.summary}），结果已领取"
        return "已办结，结果已领取"
    if state == CaseState.REFUSED:
        return "不予受理：" + case.refusal_reason
    return "申请已撤回"
