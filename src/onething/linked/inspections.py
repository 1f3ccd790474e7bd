"""联合验收 through the case engine: schedule a joint inspection of a site (the departments
that must inspect, the items it decides, e.g. 竣工联合验收), each department's reviewer
records its findings and photos on site (from a phone), and when every department has
inspected, each item either passes (approved by its department's reviewer) or gets a
rectification request (整改, the case engine's 补正) due a number of working days later
(the loaded calendar). One joint report PDF. A refusal writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from onething.accounts.models import User
from onething.calendar.loaded import current_calendar
from onething.cases import services as case_services, uploads
from onething.cases.models import Task
from onething.core.access import cases_visible_to, may_work_task, reviews
from onething.core.errors import CaseError, Conflict, Forbidden, InvalidInput, NotFound
from onething.core.roles import Role
from onething.intake.files import UploadRefused, examine
from onething.linked.meetings import OPEN, department_names
from onething.linked.models import InspectedItem, InspectionPhoto, InspectionSeat, JointInspection

PHOTO_BYTES = 5 * 1024 * 1024
MOST_PHOTOS = 9
MOST_RECTIFY_DAYS = 60


@dataclass(frozen=True, slots=True)
class InspectionPlan:
    site: str
    day: date
    departments: Sequence[str]
    task_ids: Sequence[int]


@dataclass(frozen=True, slots=True)
class Findings:
    passed: bool
    text: str = ""
    rectify_days: int | None = None
    photos: Sequence[bytes] = ()


def _plan_problems(plan: InspectionPlan, names: dict[str, str]) -> dict[str, str]:
    problems = {}
    if not plan.site.strip() or len(plan.site.strip()) > 300:
        problems["site"] = "请填写验收地点（不超过 300 字）"
    if plan.day.year < 2000:
        problems["day"] = "请填写验收日期"
    unknown = [d for d in plan.departments if d not in names]
    if not plan.departments or unknown:
        missing = f"：没有部门 {'、'.join(unknown)}" if unknown else ""
        problems["departments"] = "请选择参加验收的部门" + missing
    if not 1 <= len(set(plan.task_ids)) <= 50:
        problems["tasks"] = "请选择 1 至 50 个验收事项"
    return problems


def _inspected_tasks(actor: User, plan: InspectionPlan) -> list[Task]:
    ids = sorted(set(plan.task_ids))
    tasks = list(Task.objects.filter(pk__in=ids, case__in=cases_visible_to(actor)))
    if len(tasks) != len(ids):
        message = "所选事项不存在，或不在您可以办理的办件中"
        raise NotFound(message, {"fields": {"tasks": message}})
    problems = {}
    for task in tasks:
        if task.state not in OPEN:
            problems[f"tasks.{task.pk}"] = f"“{task.item_name}”不在待验收状态"
        elif task.department not in plan.departments:
            problems[f"tasks.{task.pk}"] = f"“{task.item_name}”的审批部门须参加验收"
    busy = JointInspection.objects.filter(state=JointInspection.SCHEDULED, tasks__in=tasks)
    if busy.exists():
        problems["tasks"] = "所选事项已列入尚未完成的联合验收"
    if problems:
        raise InvalidInput("验收事项有误：" + "；".join(problems.values()), {"fields": problems})
    return tasks


def schedule_inspection(actor: User, plan: InspectionPlan) -> JointInspection:
    if getattr(actor, "role", None) not in (Role.CLERK, Role.REVIEWER):
        raise Forbidden("只有窗口或部门工作人员可以组织联合验收")
    names = department_names()
    problems = _plan_problems(plan, names)
    if problems:
        raise InvalidInput("验收安排有误：" + "；".join(problems.values()), {"fields": problems})
    with transaction.atomic():
        tasks = _inspected_tasks(actor, plan)
        inspection = JointInspection.objects.create(
            site=plan.site.strip(),
            day=plan.day,
            organiser=actor,
            jurisdiction=actor.jurisdiction,
        )
        InspectedItem.objects.bulk_create(
            InspectedItem(inspection=inspection, task=t) for t in tasks
        )
        InspectionSeat.objects.bulk_create(
            InspectionSeat(inspection=inspection, department=d, department_name=names[d])
            for d in dict.fromkeys(plan.departments)
        )
        return inspection


def inspected_items(inspection: JointInspection) -> list[InspectedItem]:
    return list(inspection.items.select_related("task__case").order_by("task__case__number", "pk"))


def check_findings(findings: Findings) -> list[str]:
    """The photos' kinds (jpg or png, by content); every problem refused at once."""
    problems = {}
    text = findings.text.strip()
    if len(text) > 2000:
        problems["findings"] = "查验意见不超过 2000 字"
    if not findings.passed:
        if not text:
            problems["findings"] = "不合格须写明问题和整改要求"
        days = findings.rectify_days
        if days is None or not 1 <= days <= MOST_RECTIFY_DAYS:
            problems["rectify_days"] = f"整改期限应为 1 至 {MOST_RECTIFY_DAYS} 个工作日"
    if len(findings.photos) > MOST_PHOTOS:
        problems["photos"] = f"每个部门最多上传 {MOST_PHOTOS} 张现场照片"
    kinds = []
    for index, data in enumerate(findings.photos):
        try:
            facts = examine(data, limit=PHOTO_BYTES)
            if facts.kind not in ("jpg", "png"):
                raise UploadRefused("现场照片只接受 JPG 或 PNG 图片（按文件内容判断）")
            kinds.append(facts.kind)
        except UploadRefused as refused:
            message = str(refused).replace("每份材料", "每张照片")
            problems[f"photos[{index}]"] = f"第 {index + 1} 张照片：{message}"
    if problems:
        raise InvalidInput("查验记录有误：" + "；".join(problems.values()), {"fields": problems})
    return kinds


def record_findings(actor: User, inspection_id, findings: Findings) -> JointInspection:
    """A department's findings and photos, by its own reviewer; the last one concludes."""
    if not reviews(actor):
        raise Forbidden("只有参加验收部门的审批人员可以记录查验意见")
    kinds = check_findings(findings)
    with transaction.atomic():
        inspection = (
            JointInspection.objects.select_for_update().filter(public_id=inspection_id).first()
        )
        if inspection is None:
            raise NotFound("没有找到这个联合验收")
        if inspection.state != JointInspection.SCHEDULED:
            raise Conflict("本次联合验收已经出具验收意见")
        seat = inspection.seats.filter(department=actor.department).first()
        if seat is None:
            name = department_names().get(actor.department, actor.department)
            raise Forbidden(f"{name}不是本次联合验收的参加部门，不能记录查验意见")
        if seat.passed is not None:
            raise Conflict(f"{seat.department_name}已经记录过查验意见")
        for item in inspected_items(inspection):
            if item.task.department == actor.department and not may_work_task(actor, item.task):
                raise Forbidden(f"“{item.task.item_name}”不在您的辖区")
        _save_findings(actor, seat, findings, kinds)
        if not inspection.seats.filter(passed__isnull=True).exists():
            _conclude(inspection)
        return inspection


def _save_findings(actor: User, seat: InspectionSeat, findings: Findings, kinds) -> None:
    seat.passed, seat.findings = findings.passed, findings.text.strip()
    seat.rectify_days = None if findings.passed else findings.rectify_days
    seat.inspected_by, seat.inspected_at = actor, timezone.now()
    seat.save()
    for data, kind in zip(findings.photos, kinds, strict=True):
        digest, name = uploads.put(data)
        InspectionPhoto.objects.create(
            seat=seat, sha256=digest, stored_name=name, kind=kind, size=len(data)
        )


def _conclude(inspection: JointInspection) -> None:
    """Every item passes when every department passed it; otherwise 整改 by a deadline."""
    seats = list(inspection.seats.select_related("inspected_by"))
    failing = [s for s in seats if not s.passed]
    today = timezone.localdate()
    for item in inspected_items(inspection):
        task = item.task
        reviewer = next(s.inspected_by for s in seats if s.department == task.department)
        try:
            if task.assignee_id is None:
                case_services.claim(reviewer, task.pk)
            if not failing:
                case_services.approve(reviewer, task.pk, note=f"联合验收合格：{inspection.site}")
                item.outcome = InspectedItem.PASSED
            else:
                days = max(s.rectify_days or 1 for s in failing)
                item.rectify_by = current_calendar().add_working_days(today, days)
                lines = [f"{s.department_name}：{s.findings}" for s in failing]
                lines.append(f"请于 {item.rectify_by:%Y-%m-%d} 前（{days} 个工作日）整改完毕")
                case_services.request_supplement(reviewer, task.pk, lines, "联合验收整改通知")
                item.outcome = InspectedItem.RECTIFY
        except CaseError as exc:
            raise type(exc)(f"“{task.item_name}”无法按验收结论办理：{exc.message}") from None
        item.save(update_fields=["outcome", "rectify_by"])
    inspection.state, inspection.concluded_at = JointInspection.CONCLUDED, timezone.now()
    inspection.save(update_fields=["state", "concluded_at"])


def inspection_by_public_id(public_id) -> JointInspection:
    try:
        return JointInspection.objects.get(public_id=public_id)
    except (JointInspection.DoesNotExist, ValueError, TypeError):
        raise NotFound("没有找到这个联合验收") from None
