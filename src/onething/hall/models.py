"""延伸办 at the hall: halls (政务服务大厅), their window types and windows, regular opening
hours, extra sessions (延时办), slots and appointments (预约办), online-booking blocks for
repeated no-shows, and cases accepted outside regular hours.

Slots are generated from the hours by `onething.hall.slots.ensure_slots`; a booking takes a
place in a slot by a conditional UPDATE (`booked < capacity`), so two bookers of the last
place never both win.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from onething.privacy.fields import EncryptedTextField
from onething.privacy.masking import mask_phone


class Hall(models.Model):
    """政务服务大厅: one hall of one jurisdiction."""

    code = models.SlugField("大厅代码", max_length=40, unique=True)
    name = models.CharField("大厅名称", max_length=100)
    jurisdiction = models.CharField("行政区划", max_length=12, db_index=True)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("咨询电话", max_length=40, blank=True)

    class Meta:
        verbose_name = "政务服务大厅"
        verbose_name_plural = "政务服务大厅"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class WindowType(models.Model):
    """服务窗口类型: 综合窗口, 投资项目窗口, 社保窗口…, with its ticket letter and slot sizes."""

    hall = models.ForeignKey(
        Hall, on_delete=models.CASCADE, related_name="window_types", verbose_name="大厅"
    )
    code = models.SlugField("类型代码", max_length=40)
    name = models.CharField("类型名称", max_length=50)
    prefix = models.CharField("号码字母", max_length=2)
    package_ids = models.JSONField("办理的套餐", default=list, blank=True)  # empty: any
    slot_minutes = models.PositiveSmallIntegerField("每个时段（分钟）", default=30)
    slot_capacity = models.PositiveSmallIntegerField("每窗口每时段人数", default=2)

    class Meta:
        verbose_name = "服务窗口类型"
        verbose_name_plural = "服务窗口类型"
        ordering = ["hall", "prefix"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "code"], name="window_type_code_once"),
            models.UniqueConstraint(fields=["hall", "prefix"], name="window_type_prefix_once"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"

    def serves(self, package_id: str) -> bool:
        return not self.package_ids or package_id in self.package_ids


class ServiceWindow(models.Model):
    """One service window (e.g. 3号窗口) of a type."""

    hall = models.ForeignKey(
        Hall, on_delete=models.CASCADE, related_name="windows", verbose_name="大厅"
    )
    window_type = models.ForeignKey(
        WindowType, on_delete=models.CASCADE, related_name="windows", verbose_name="窗口类型"
    )
    number = models.CharField("窗口编号", max_length=20)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "服务窗口"
        verbose_name_plural = "服务窗口"
        ordering = ["hall", "number"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "number"], name="window_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.number}（{self.window_type.name}）"


class OpeningHours(models.Model):
    """Regular hours on a weekday (0 Monday … 6 Sunday); several rows make a split day.

    Public holidays close the hall; a 调休 working weekend opens with Monday's hours.
    """

    WEEKDAYS = [
        (0, "星期一"),
        (1, "星期二"),
        (2, "星期三"),
        (3, "星期四"),
        (4, "星期五"),
        (5, "星期六"),
        (6, "星期日"),
    ]

    hall = models.ForeignKey(
        Hall, on_delete=models.CASCADE, related_name="opening_hours", verbose_name="大厅"
    )
    weekday = models.PositiveSmallIntegerField("星期", choices=WEEKDAYS)
    opens = models.TimeField("开始")
    closes = models.TimeField("结束")

    class Meta:
        verbose_name = "办公时间"
        verbose_name_plural = "办公时间"
        ordering = ["hall", "weekday", "opens"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ExtraSession(models.Model):
    """延时办: an extra session (an evening, a weekend morning) staff opened."""

    hall = models.ForeignKey(
        Hall, on_delete=models.CASCADE, related_name="extra_sessions", verbose_name="大厅"
    )
    date = models.DateField("日期")
    starts = models.TimeField("开始")
    ends = models.TimeField("结束")
    note = models.CharField("说明", max_length=200, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="开设人",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "延时服务时段"
        verbose_name_plural = "延时服务时段"
        ordering = ["hall", "date", "starts"]

    def __str__(self) -> str:
        return f"{self.date} {self.starts:%H:%M}–{self.ends:%H:%M}"


class Slot(models.Model):
    """A bookable time of one window type: `capacity` places, `booked` of them taken."""

    hall = models.ForeignKey(
        Hall, on_delete=models.CASCADE, related_name="slots", verbose_name="大厅"
    )
    window_type = models.ForeignKey(
        WindowType, on_delete=models.CASCADE, related_name="slots", verbose_name="窗口类型"
    )
    date = models.DateField("日期")
    starts = models.TimeField("开始")
    ends = models.TimeField("结束")
    capacity = models.PositiveSmallIntegerField("可约人数")
    booked = models.PositiveSmallIntegerField("已约人数", default=0)
    extra = models.BooleanField("延时办时段", default=False)

    class Meta:
        verbose_name = "预约时段"
        verbose_name_plural = "预约时段"
        ordering = ["date", "starts", "window_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["window_type", "date", "starts"], name="slot_once_a_time"
            )
        ]
        indexes = [models.Index(fields=["hall", "date"], name="slot_hall_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.starts:%H:%M}–{self.ends:%H:%M} {self.window_type.name}"

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)


class Appointment(models.Model):
    """预约: one person's place in a slot, for one package."""

    BOOKED, CANCELLED, ARRIVED, NO_SHOW, SERVED = (
        "booked",
        "cancelled",
        "arrived",
        "no_show",
        "served",
    )
    STATES = [
        (BOOKED, "已预约"),
        (CANCELLED, "已取消"),
        (ARRIVED, "已到场"),
        (NO_SHOW, "未到场（爽约）"),
        (SERVED, "已办理"),
    ]
    WEB, PHONE = "web", "phone"
    CHANNELS = [(WEB, "网上预约"), (PHONE, "电话预约")]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="appointments", verbose_name="时段"
    )
    package_id = models.CharField("套餐编号", max_length=100)
    package_name = models.CharField("套餐名称", max_length=200)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="hall_appointments",
        verbose_name="预约人",
    )
    phone = EncryptedTextField("联系电话", blank=True, default="")
    state = models.CharField("状态", max_length=10, choices=STATES, default=BOOKED)
    code = models.CharField("预约码", max_length=16, unique=True)
    channel = models.CharField("预约渠道", max_length=10, choices=CHANNELS, default=WEB)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="代为预约人",
    )
    created_at = models.DateTimeField("预约时间", auto_now_add=True)
    reminded_at = models.DateTimeField("提醒时间", null=True, blank=True)
    arrived_at = models.DateTimeField("到场时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)

    class Meta:
        verbose_name = "预约"
        verbose_name_plural = "预约"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["applicant", "created_at"], name="appointment_person_recent"),
            models.Index(fields=["state", "slot"], name="appointment_state_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.package_name}（{self.slot}）"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone) if self.phone else ""


class BookingBlock(models.Model):
    """Online booking refused to a person until `until`, e.g. after repeated no-shows."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="booking_blocks",
        verbose_name="被限制人",
    )
    until = models.DateTimeField("限制至")
    reason = models.CharField("原因", max_length=200)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "预约限制"
        verbose_name_plural = "预约限制"
        ordering = ["-until"]
        indexes = [models.Index(fields=["person", "until"], name="booking_block_person")]

    def __str__(self) -> str:
        return f"{self.person}：{self.reason}"


class AfterHoursService(models.Model):
    """延时办: a case accepted outside the hall's regular hours."""

    case_id = models.PositiveBigIntegerField("办件", unique=True)
    hall = models.ForeignKey(
        Hall, on_delete=models.CASCADE, related_name="after_hours", verbose_name="大厅"
    )
    accepted_at = models.DateTimeField("受理时间")
    session = models.ForeignKey(
        ExtraSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
        verbose_name="延时服务时段",
    )

    class Meta:
        verbose_name = "延时服务办件"
        verbose_name_plural = "延时服务办件"
        ordering = ["-accepted_at"]
        indexes = [models.Index(fields=["hall", "accepted_at"], name="after_hours_hall_time")]

    def __str__(self) -> str:
        return f"办件 {self.case_id}（{self.accepted_at:%Y-%m-%d %H:%M}）"
