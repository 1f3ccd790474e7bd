"""联合审批: a joint meeting (联合审批会议) of the departments concerned, deciding items
(tasks) of one or several cases or projects together.

The organiser (window or department staff) schedules it with a time, a place, a subject,
the departments invited (a `MeetingSeat` each) and the tasks it decides; every task's
department is invited. At the meeting each department's own reviewer records its
decision on its seat; when every seat has decided, the tasks advance together through
the case engine (approved or rejected by that reviewer), in one transaction.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class JointMeeting(models.Model):
    """联合审批会议: one meeting, its departments and the items it decides."""

    SCHEDULED, DECIDED = "scheduled", "decided"
    STATES = [(SCHEDULED, "待会议决定"), (DECIDED, "已决定")]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.CharField("会议议题", max_length=200)
    starts_at = models.DateTimeField("会议时间")
    venue = models.CharField("会议地点", max_length=200)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="组织人",
    )
    jurisdiction = models.CharField("组织单位（行政区划）", max_length=12, db_index=True)
    tasks = models.ManyToManyField(
        "cases.Task", related_name="joint_meetings", verbose_name="审议事项"
    )
    state = models.CharField("状态", max_length=10, choices=STATES, default=SCHEDULED)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "联合审批会议"
        verbose_name_plural = "联合审批会议"
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.subject}（{self.starts_at:%Y-%m-%d %H:%M}）"


class MeetingSeat(models.Model):
    """One invited department at a meeting, and its decision once its reviewer records it."""

    meeting = models.ForeignKey(JointMeeting, on_delete=models.CASCADE, related_name="seats")
    department = models.CharField("部门", max_length=50)
    department_name = models.CharField("部门名称", max_length=100)
    approve = models.BooleanField("同意", null=True, blank=True)
    reason = models.TextField("意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="决定人",
    )
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)

    class Meta:
        verbose_name = "参会部门"
        verbose_name_plural = "参会部门"
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "department"], name="seat_once_a_meeting")
        ]

    def __str__(self) -> str:
        return self.department_name

    @property
    def decided(self) -> bool:
        return self.approve is not None


class JointInspection(models.Model):
    """联合验收: the departments that must inspect a site together, and its items."""

    SCHEDULED, CONCLUDED = "scheduled", "concluded"
    STATES = [(SCHEDULED, "待验收"), (CONCLUDED, "已出具验收意见")]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    site = models.CharField("验收地点", max_length=300)
    day = models.DateField("验收日期")
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="组织人"
    )
    jurisdiction = models.CharField("组织单位（行政区划）", max_length=12, db_index=True)
    tasks = models.ManyToManyField(
        "cases.Task", through="InspectedItem", related_name="joint_inspections"
    )
    state = models.CharField("状态", max_length=10, choices=STATES, default=SCHEDULED)
    concluded_at = models.DateTimeField("出具时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "联合验收"
        verbose_name_plural = "联合验收"
        ordering = ["-day", "-created_at"]

    def __str__(self) -> str:
        return f"{self.site}（{self.day}）"


class InspectedItem(models.Model):
    """One item inspected: passed, or a rectification (整改) due on a working day."""

    PASSED, RECTIFY = "passed", "rectify"
    OUTCOMES = [(PASSED, "验收通过"), (RECTIFY, "限期整改")]

    inspection = models.ForeignKey(JointInspection, on_delete=models.CASCADE, related_name="items")
    task = models.ForeignKey("cases.Task", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField("结论", max_length=10, choices=OUTCOMES, blank=True)
    rectify_by = models.DateField("整改期限", null=True, blank=True)

    class Meta:
        verbose_name = "验收事项"
        verbose_name_plural = "验收事项"
        ordering = ["inspection", "pk"]


class InspectionSeat(models.Model):
    """One department that must inspect, and its findings once recorded."""

    inspection = models.ForeignKey(JointInspection, on_delete=models.CASCADE, related_name="seats")
    department = models.CharField("部门", max_length=50)
    department_name = models.CharField("部门名称", max_length=100)
    passed = models.BooleanField("合格", null=True, blank=True)
    findings = models.TextField("查验意见", blank=True)
    rectify_days = models.PositiveSmallIntegerField("整改期限（工作日）", null=True, blank=True)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="查验人",
    )
    inspected_at = models.DateTimeField("查验时间", null=True, blank=True)

    class Meta:
        verbose_name = "验收部门"
        verbose_name_plural = "验收部门"
        ordering = ["inspection", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "department"], name="inspection_seat_once"
            )
        ]

    def __str__(self) -> str:
        return self.department_name


class Reinspection(models.Model):
    """复验: a department that found faults inspects the rectification — passed, or still
    failing with a new period in working days."""

    seat = models.ForeignKey(InspectionSeat, on_delete=models.CASCADE, related_name="reinspections")
    passed = models.BooleanField("复验合格")
    findings = models.TextField("复验意见", blank=True)
    rectify_days = models.PositiveSmallIntegerField("再次整改期限（工作日）", null=True, blank=True)
    rectify_by = models.DateField("再次整改期限", null=True, blank=True)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="复验人"
    )
    inspected_at = models.DateTimeField("复验时间", auto_now_add=True)

    class Meta:
        verbose_name = "复验"
        verbose_name_plural = "复验"
        ordering = ["seat", "pk"]

    def __str__(self) -> str:
        return f"{self.seat.department_name}复验（{'合格' if self.passed else '仍不合格'}）"


class InspectionPhoto(models.Model):
    """A photo taken on site: stored by content, encrypted, in the uploads store."""

    seat = models.ForeignKey(InspectionSeat, on_delete=models.CASCADE, related_name="photos")
    reinspection = models.ForeignKey(
        Reinspection,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name="复验",
    )  # taken at a re-inspection; none: at the joint inspection
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=200)
    kind = models.CharField("格式", max_length=4)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "现场照片"
        verbose_name_plural = "现场照片"
        ordering = ["seat", "pk"]
