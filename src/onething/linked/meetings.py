"""联合审批 through the case engine: schedule a joint meeting, each invited department's
reviewer records its decision at the meeting, and when every department has decided the
items advance together — each approved or rejected by its department's reviewer through
`cases.services`, all in one transaction. Each function checks everything before it
writes: a refusal writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from onething.accounts.models import User
from onething.cases import services as case_services
from onething.cases.lifecycle import TaskState
from onething.cases.models import Task
from onething.catalog.services import current_catalog
from onething.core.access import cases_visible_to, handles_cases, may_work_task, reviews
from onething.core.errors import CaseError, Conflict, Forbidden, InvalidInput, NotFound
from onething.core.roles import Role
from onething.linked.models import JointMeeting, MeetingSeat

OPEN = (TaskState.WORKABLE, TaskState.IN_REVIEW)
MOST_TASKS = 100


@dataclass(frozen=True, slots=True)
class MeetingPlan:
    subject: str
    starts_at: datetime
    venue: str
    departments: Sequence[str]
    task_ids: Sequence[int]


def department_names() -> dict[str, str]:
    current = current_catalog()
    if current is None:
        return {}
    return {d.id: d.name for d in current.catalog.departments.values()}


def package_names() -> dict[str, str]:
    current = current_catalog()
    if current is None:
        return {}
    return {p.id: p.name for p in current.catalog.packages.values()}


def _plan_problems(plan: MeetingPlan, names: dict[str, str]) -> dict[str, str]:
    problems = {}
    if not plan.subject.strip() or len(plan.subject.strip()) > 200:
        problems["subject"] = "请填写会议议题（不超过 200 字）"
    if not plan.venue.strip() or len(plan.venue.strip()) > 200:
        problems["venue"] = "请填写会议地点（不超过 200 字）"
    if timezone.is_naive(plan.starts_at):
        problems["starts_at"] = "会议时间须带时区"
    unknown = [d for d in plan.departments if d not in names]
    if not plan.departments or unknown:
        problems["departments"] = "请选择参会部门" + (
            f"：没有部门 {'、'.join(unknown)}" if unknown else ""
        )
    if not 1 <= len(set(plan.task_ids)) <= MOST_TASKS:
        problems["tasks"] = f"请选择 1 至 {MOST_TASKS} 个审议事项"
    return problems


def _meeting_tasks(actor: User, plan: MeetingPlan, names: dict[str, str]) -> list[Task]:
    ids = sorted(set(plan.task_ids))
    tasks = list(Task.objects.filter(pk__in=ids, case__in=cases_visible_to(actor)).order_by("pk"))
    if len(tasks) != len(ids):
        raise NotFound(
            "所选事项不存在，或不在您可以办理的办件中", {"fields": {"tasks": "事项不存在"}}
        )
    problems = {}
    for task in tasks:
        if task.state not in OPEN:
            problems[f"tasks.{task.pk}"] = f"“{task.item_name}”不在待审批状态"
        elif task.department not in plan.departments:
            name = names.get(task.department, task.department)
            problems[f"tasks.{task.pk}"] = f"“{task.item_name}”的部门{name}未受邀参会"
    busy = JointMeeting.objects.filter(state=JointMeeting.SCHEDULED, tasks__in=tasks)
    for meeting in busy.distinct():
        problems["tasks"] = f"所选事项已列入尚未决定的会议“{meeting.subject}”"
    if problems:
        raise InvalidInput("审议事项有误：" + "；".join(problems.values()), {"fields": problems})
    return tasks


def schedule_meeting(actor: User, plan: MeetingPlan) -> JointMeeting:
    """A joint meeting: its departments invited (every task's department among them)."""
    if not handles_cases(actor) or actor.role not in (Role.CLERK, Role.REVIEWER):
        raise Forbidden("只有窗口或部门工作人员可以组织联合审批会议")
    names = department_names()
    problems = _plan_problems(plan, names)
    if problems:
        raise InvalidInput("会议安排有误：" + "；".join(problems.values()), {"fields": problems})
    with transaction.atomic():
        tasks = _meeting_tasks(actor, plan, names)
        meeting = JointMeeting.objects.create(
            subject=plan.subject.strip(),
            starts_at=plan.starts_at,
            venue=plan.venue.strip(),
            organiser=actor,
            jurisdiction=actor.jurisdiction,
        )
        meeting.tasks.set(tasks)
        MeetingSeat.objects.bulk_create(
            MeetingSeat(meeting=meeting, department=d, department_name=names[d])
            for d in dict.fromkeys(plan.departments)
        )
        return meeting


def meeting_by_public_id(public_id) -> JointMeeting:
    try:
        return JointMeeting.objects.get(public_id=public_id)
    except (JointMeeting.DoesNotExist, ValueError, TypeError):
        raise NotFound("没有找到这个联合审批会议") from None


def meeting_tasks(meeting: JointMeeting) -> list[Task]:
    return list(meeting.tasks.select_related("case").order_by("case__number", "position"))


def record_decision(actor: User, meeting_id, approve: bool, reason: str = "") -> JointMeeting:
    """A department's decision, by its own reviewer; the last one advances every item."""
    reason = reason.strip()
    if not reviews(actor):
        raise Forbidden("只有参会部门的审批人员可以记录本部门的决定")
    if not approve and not reason:
        raise InvalidInput("不同意须写明理由", {"fields": {"reason": "必填"}})
    if len(reason) > 2000:
        raise InvalidInput("意见不超过 2000 字", {"fields": {"reason": "不超过 2000 字"}})
    with transaction.atomic():
        meeting = JointMeeting.objects.select_for_update().filter(public_id=meeting_id).first()
        if meeting is None:
            raise NotFound("没有找到这个联合审批会议")
        if meeting.state != JointMeeting.SCHEDULED:
            raise Conflict("本次会议已经作出决定")
        seat = meeting.seats.filter(department=actor.department).first()
        if seat is None:
            name = department_names().get(actor.department, actor.department)
            raise Forbidden(f"{name}未受邀参加本次联合审批会议，不能记录决定")
        if seat.decided:
            raise Conflict(f"{seat.department_name}已经记录过决定")
        for task in meeting_tasks(meeting):
            if task.department == actor.department and not may_work_task(actor, task):
                raise Forbidden(f"“{task.item_name}”不在您的辖区，应由其办理层级的审批人员决定")
        seat.approve, seat.reason = approve, reason
        seat.decided_by, seat.decided_at = actor, timezone.now()
        seat.save()
        if not meeting.seats.filter(approve__isnull=True).exists():
            _advance(meeting)
        return meeting


def _advance(meeting: JointMeeting) -> None:
    """Every item as its department decided, by the reviewer who decided it."""
    seats = {seat.department: seat for seat in meeting.seats.select_related("decided_by")}
    for task in meeting_tasks(meeting):
        seat = seats[task.department]
        reviewer = seat.decided_by
        note = f"联合审批会议“{meeting.subject}”：{seat.reason or '同意'}"
        try:
            if task.assignee_id is None:
                case_services.claim(reviewer, task.pk)
            if seat.approve:
                case_services.approve(reviewer, task.pk, note=note)
            else:
                case_services.reject(reviewer, task.pk, note)
        except CaseError as exc:
            raise type(exc)(f"“{task.item_name}”无法按会议决定办理：{exc.message}") from None
    meeting.state, meeting.decided_at = JointMeeting.DECIDED, timezone.now()
    meeting.save(update_fields=["state", "decided_at"])
