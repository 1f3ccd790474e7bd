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
