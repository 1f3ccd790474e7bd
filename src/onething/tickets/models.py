"""取号叫号: a hall's tickets (by appointment, by ID number, walk-in), the day's counters
that number them, and who called and served each one at which window."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from onething.privacy.fields import EncryptedTextField
from onething.privacy.masking import mask_id_number
from onething.tickets.rules import SOURCE_LABELS, STATE_LABELS, Source, State


class TicketCounter(models.Model):
    """The last number given today for a window type: raised by a conditional UPDATE in
    the taker's transaction, so two takers at once never get the same number."""

    hall = models.ForeignKey("hall.Hall", on_delete=models.CASCADE, related_name="+")
    window_type = models.ForeignKey("hall.WindowType", on_delete=models.CASCADE, related_name="+")
    day = models.DateField("日期")
    last = models.PositiveIntegerField("已发号数", default=0)

    class Meta:
        verbose_name = "取号计数"
        verbose_name_plural = "取号计数"
        constraints = [
            models.UniqueConstraint(fields=["window_type", "day"], name="ticket_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.window_type_id}: {self.last}"


class Ticket(models.Model):
    """排队号: one person's place in a hall's queue for a window type, on one day."""

    KIOSK, DESK, API = "kiosk", "desk", "api"
    POINTS = [(KIOSK, "自助取号机"), (DESK, "前台（导服台）"), (API, "接口")]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    hall = models.ForeignKey(
        "hall.Hall", on_delete=models.PROTECT, related_name="tickets", verbose_name="大厅"
    )
    window_type = models.ForeignKey(
        "hall.WindowType",
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name="窗口类型",
    )
    day = models.DateField("日期")
    number = models.CharField("号码", max_length=12)
    source = models.CharField(
        "取号方式", max_length=12, choices=[(s.value, SOURCE_LABELS[s]) for s in Source]
    )
    appointment = models.ForeignKey(
        "hall.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name="预约",
    )
    # An appointment's slot start: from then on it is called before walk-ins (预约优先).
    priority_from = models.DateTimeField("优先叫号起", null=True, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hall_tickets",
        verbose_name="办事人账号",
    )
    id_number = EncryptedTextField("身份证号码", blank=True, default="")
    state = models.CharField(
        "状态",
        max_length=10,
        choices=[(s.value, STATE_LABELS[s]) for s in State],
        default=State.WAITING.value,
    )
    point = models.CharField("取号地点", max_length=10, choices=POINTS, default=KIOSK)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="代为取号人",
    )
    taken_at = models.DateTimeField("取号时间")
    window = models.ForeignKey(
        "hall.ServiceWindow",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name="窗口",
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="叫号人",
    )
    called_at = models.DateTimeField("叫号时间", null=True, blank=True)
    calls = models.PositiveSmallIntegerField("呼叫次数", default=0)
    # The latest call or recall (重呼): the display shows and reads aloud calls by it.
    announced_at = models.DateTimeField("最近呼叫时间", null=True, blank=True)
    served_at = models.DateTimeField("开始办理时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    case = models.PositiveBigIntegerField("受理的办件", null=True, blank=True)

    class Meta:
        verbose_name = "排队号"
        verbose_name_plural = "排队号"
        ordering = ["-taken_at"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "day", "number"], name="ticket_number_once")
        ]
        indexes = [
            models.Index(fields=["window_type", "day", "state"], name="ticket_queue"),
            models.Index(fields=["hall", "day", "called_at"], name="ticket_calls"),
            models.Index(fields=["hall", "taken_at"], name="ticket_hall_time"),
        ]

    def __str__(self) -> str:
        return f"{self.number}（{self.day}）"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[State(self.state)]

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS[Source(self.source)]
