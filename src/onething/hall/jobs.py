"""The hall's background work, run by the sweep (onething.sweep): reminders the day
before an appointment, through the notification outbox; appointments whose slot ended
without arrival recorded as no-shows (爽约), and repeated no-shows blocking online
booking (settings NO_SHOW_LIMIT within NO_SHOW_WINDOW_DAYS block for NO_SHOW_BLOCK_DAYS).

Each appointment is claimed by a conditional UPDATE before its notice is queued, so a
reminder is sent once even if two rounds overlap.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from onething.cases.base import notify_users
from onething.hall import rules
from onething.hall.models import Appointment, BookingBlock

REMINDER_KIND = "appointment_reminder"
BLOCK_KIND = "booking_blocked"
BATCH = 500


def _local(moment: datetime | None) -> datetime:
    return timezone.localtime(moment or timezone.now()).replace(tzinfo=None)


def _midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def send_reminders(now: datetime | None = None) -> int:
    """Queue a reminder for each booked appointment of tomorrow not yet reminded (and of
    later today when booked before today, a round having been missed); one booked today
    for today is not reminded. The number queued."""
    local = _local(now)
    today = local.date()
    due = (
        Appointment.objects.filter(state=Appointment.BOOKED, reminded_at__isnull=True)
        .filter(
            Q(slot__date=today + timedelta(days=1))
            | Q(slot__date=today, slot__starts__gt=local.time(), created_at__lt=_midnight(today))
        )
        .select_related("slot__hall", "slot__window_type")[:BATCH]
    )
    sent = 0
    for appointment in due:
        with transaction.atomic():
            claimed = Appointment.objects.filter(
                pk=appointment.pk, reminded_at__isnull=True, state=Appointment.BOOKED
            ).update(reminded_at=now or timezone.now())
            if claimed:
                notify_users([appointment.applicant_id], REMINDER_KIND, *_reminder(appointment))
                sent += 1
    return sent


def _reminder(appointment: Appointment) -> tuple[str, str]:
    slot = appointment.slot
    subject = f"预约提醒：{slot.date:%m月%d日} {slot.starts:%H:%M} {slot.hall.name}"
    body = (
        f"您预约了 {slot.date:%Y年%m月%d日} {slot.starts:%H:%M}–{slot.ends:%H:%M} 在"
        f"{slot.hall.name}{slot.window_type.name}办理“{appointment.package_name}”。"
        f"请按时到场，凭预约码 {appointment.code} 取号。如不能前往，请提前取消预约。"
    )
    return subject, body


def record_no_shows(now: datetime | None = None) -> int:
    """Booked appointments whose slot has ended become no-shows; a person who reached
    the limit is blocked from booking online. The number recorded."""
    local = _local(now)
    ended = Appointment.objects.filter(state=Appointment.BOOKED).filter(
        Q(slot__date__lt=local.date()) | Q(slot__date=local.date(), slot__ends__lte=local.time())
    )
    recorded = 0
    with transaction.atomic():
        people = set()
        for pk, person in ended.values_list("pk", "applicant_id")[:BATCH]:
            if Appointment.objects.filter(pk=pk, state=Appointment.BOOKED).update(
                state=Appointment.NO_SHOW
            ):
                recorded += 1
                people.add(person)
        for person in sorted(people):
            _block_if_repeated(person, now or timezone.now())
    return recorded


def _block_if_repeated(person_id: int, now: datetime) -> BookingBlock | None:
    if BookingBlock.objects.filter(person_id=person_id, until__gt=now).exists():
        return None
    since = now - timedelta(days=settings.NO_SHOW_WINDOW_DAYS)
    misses = Appointment.objects.filter(
        applicant_id=person_id, state=Appointment.NO_SHOW, slot__date__gte=since.date()
    ).values_list("slot__date", "slot__ends")
    moments = [timezone.make_aware(datetime.combine(day, ends)) for day, ends in misses]
    until = rules.block_until(
        moments,
        now,
        settings.NO_SHOW_LIMIT,
        settings.NO_SHOW_WINDOW_DAYS,
        settings.NO_SHOW_BLOCK_DAYS,
    )
    if until is None:
        return None
    reason = f"{settings.NO_SHOW_WINDOW_DAYS} 天内 {len(moments)} 次预约未到场"
    block = BookingBlock.objects.create(person_id=person_id, until=until, reason=reason)
    notify_users(
        [person_id],
        BLOCK_KIND,
        "网上预约暂停",
        f"因{reason}，{timezone.localtime(until):%Y年%m月%d日}前不能网上预约；"
        "可电话联系大厅预约或到大厅取号。",
    )
    return block


def hall_round(now: datetime | None = None) -> tuple[int, int]:
    """The sweep's step: (reminders queued, no-shows recorded)."""
    return send_reminders(now), record_no_shows(now)
