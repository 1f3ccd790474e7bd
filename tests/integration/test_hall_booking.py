"""预约办 through the services: booking, moving, cancelling, the refusals (past, outside
hours, full, blocked), the clerk's phone booking, arrival, reminders and no-shows."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from onething.cases.models import OutboxMessage
from onething.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onething.hall import booking, jobs
from onething.hall.booking import Booking
from onething.hall.hours import day_kind
from onething.hall.models import Appointment, BookingBlock, Slot
from tests.factories import booking_of, next_free_slot, user

pytestmark = pytest.mark.django_db


def test_demo_halls_have_slots_only_in_their_hours(demo):
    slots = Slot.objects.filter(hall__code="jiaoqu")
    assert slots.exists()
    for slot in slots:
        kind = day_kind(slot.date)
        assert slot.extra or kind.working  # regular slots on working days only
        assert time(9) <= slot.starts and slot.ends <= time(17, 30)
        assert not (time(12) < slot.ends <= time(13, 30))  # no slot over lunch
    general = slots.filter(window_type__code="general").first()
    assert general.capacity == 2 * 3  # two a window, three windows


def test_book_then_move_then_cancel_keeps_the_counts(demo):
    zhangsan = user("zhangsan")
    slot = next_free_slot()
    made = booking.book(zhangsan, booking_of(slot, phone="13900001111"))
    assert made.state == Appointment.BOOKED and made.channel == Appointment.WEB
    assert made.slot.window_type.code == "general" and len(made.code) == 10
    assert made.masked_phone != "13900001111" and made.phone == "13900001111"
    slot.refresh_from_db()
    assert slot.booked == 1
    other = next_free_slot(skip=1)
    moved = booking.move(zhangsan, made.public_id, other.date, other.starts)
    assert moved.slot_id == other.pk
    assert Slot.objects.get(pk=slot.pk).booked == 0
    assert Slot.objects.get(pk=other.pk).booked == 1
    booking.cancel(zhangsan, made.public_id)
    assert Slot.objects.get(pk=other.pk).booked == 0
    assert Appointment.objects.get(pk=made.pk).state == Appointment.CANCELLED
    with pytest.raises(Conflict, match="已取消"):
        booking.cancel(zhangsan, made.public_id)


def test_a_package_goes_to_its_window_type(demo):
    slot = next_free_slot("jiaoqu", "project")
    made = booking.book(user("gridco"), booking_of(slot, "grid_rebuild"))
    assert made.slot.window_type.prefix == "B"
    general = next_free_slot("jiaoqu", "general")
    # grid_rebuild is served by the project windows: a general slot's time is not theirs
    # unless the project windows have a slot then too (they share the hours here).
    assert booking.window_type_for(general.hall, "grid_rebuild").code == "project"
    assert booking.window_type_for(general.hall, "open_restaurant").code == "general"
    assert booking.window_type_for(general.hall, "retirement").code == "social"


def test_refusals_name_what_is_wrong_and_write_nothing(demo):
    zhangsan = user("zhangsan")
    slot = next_free_slot()
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(InvalidInput, match=r"不在.*办公时间内"):
        booking.book(zhangsan, Booking("lishi", "open_restaurant", slot.date, time(20, 0)))
    with pytest.raises(InvalidInput, match=r"不在.*办公时间内"):  # past days have no slots
        booking.book(zhangsan, Booking("lishi", "open_restaurant", yesterday, time(9, 0)))
    with pytest.raises(InvalidInput, match="没有编号为 open_zoo 的一件事"):
        booking.book(zhangsan, booking_of(slot, "open_zoo"))
    with pytest.raises(NotFound, match="没有代码为 nowhere"):
        booking.book(zhangsan, Booking("nowhere", "open_restaurant", slot.date, slot.starts))
    with pytest.raises(Forbidden, match="申请人"):
        booking.book(user("clerk_lishi"), booking_of(slot))
    with pytest.raises(InvalidInput, match="联系电话"):
        booking.book(zhangsan, booking_of(slot, phone="12345"))
    Slot.objects.filter(pk=slot.pk).update(booked=slot.capacity)
    with pytest.raises(Conflict, match="已约满"):
        booking.book(zhangsan, booking_of(slot))
    assert not Appointment.objects.exists()


def test_a_slot_already_begun_is_refused(demo):
    slot = next_free_slot()
    Slot.objects.filter(pk=slot.pk).update(date=timezone.localdate() - timedelta(days=1))
    with pytest.raises(InvalidInput, match="已经开始或已过去"):
        booking.book(user("zhangsan"), booking_of(Slot.objects.get(pk=slot.pk)))


def test_the_last_place_goes_to_one_booker_only(demo):
    slot = next_free_slot()
    Slot.objects.filter(pk=slot.pk).update(booked=slot.capacity - 1)
    booking.book(user("zhangsan"), booking_of(slot))
    with pytest.raises(Conflict, match="约满"):
        booking.book(user("yaofang"), booking_of(slot))
    assert Slot.objects.get(pk=slot.pk).booked == slot.capacity
    assert Appointment.objects.count() == 1


def test_a_clerk_books_for_a_caller_by_phone(demo):
    slot = next_free_slot()
    made = booking.book_by_phone(user("clerk_lishi"), "142331198503151231", booking_of(slot))
    assert made.applicant == user("zhangsan") and made.channel == Appointment.PHONE
    assert made.booked_by == user("clerk_lishi")
    with pytest.raises(Forbidden, match="离石区政务服务中心的工作人员"):
        booking.book_by_phone(user("clerk_jiaoqu"), "142331198503151231", booking_of(slot))
    with pytest.raises(NotFound, match="身份证号码"):
        booking.book_by_phone(user("clerk_lishi"), "110101199001011234", booking_of(slot))


def test_others_cannot_touch_an_appointment(demo):
    made = booking.book(user("zhangsan"), booking_of(next_free_slot()))
    with pytest.raises(NotFound):
        booking.cancel(user("yaofang"), made.public_id)
    with pytest.raises(NotFound):
        booking.cancel(user("clerk_jiaoqu"), made.public_id)  # another jurisdiction
    booking.cancel(user("clerk_lishi"), made.public_id)  # the hall's staff may


def test_arrival_by_code_only_on_the_day(demo):
    slot = next_free_slot()
    made = booking.book(user("zhangsan"), booking_of(slot))
    if slot.date != timezone.localdate():
        with pytest.raises(InvalidInput, match="不是今天"):
            booking.mark_arrived(made.code)
        Slot.objects.filter(pk=slot.pk).update(date=timezone.localdate())
    arrived = booking.mark_arrived(made.code.lower())
    assert arrived.state == Appointment.ARRIVED and arrived.arrived_at
    with pytest.raises(Conflict, match="已到场"):
        booking.mark_arrived(made.code)
    assert booking.mark_served(made.code).state == Appointment.SERVED
    with pytest.raises(NotFound):
        booking.mark_arrived("NOSUCHCODE")


def test_a_reminder_goes_out_the_day_before_once(demo):
    slot = next_free_slot()
    made = booking.book(user("zhangsan"), booking_of(slot))
    from datetime import datetime

    two_days_before = timezone.make_aware(datetime.combine(slot.date - timedelta(days=2), time(10)))
    assert jobs.send_reminders(two_days_before) == 0
    day_before = timezone.make_aware(datetime.combine(slot.date - timedelta(days=1), time(10)))
    assert jobs.send_reminders(day_before) == 1
    assert jobs.send_reminders(day_before) == 0
    notice = OutboxMessage.objects.get(kind=jobs.REMINDER_KIND)
    assert notice.recipient == user("zhangsan") and made.code in notice.body
    assert Appointment.objects.get(pk=made.pk).reminded_at is not None


def test_three_no_shows_block_online_booking(demo, settings):
    from datetime import datetime

    zhangsan = user("zhangsan")
    made = [booking.book(zhangsan, booking_of(next_free_slot(skip=n))) for n in range(4)]
    last = max((a.slot for a in made[:3]), key=lambda s: (s.date, s.starts))
    after = timezone.make_aware(datetime.combine(last.date, last.ends)) + timedelta(minutes=1)
    Appointment.objects.filter(pk=made[3].pk).update(state=Appointment.ARRIVED)
    assert jobs.record_no_shows(after) == 3
    assert Appointment.objects.filter(state=Appointment.NO_SHOW).count() == 3
    block = BookingBlock.objects.get(person=zhangsan)
    assert block.until > after + timedelta(days=29)
    assert OutboxMessage.objects.filter(kind=jobs.BLOCK_KIND, recipient=zhangsan).exists()
    # online booking refused (now is before the block's end), by phone still possible
    with pytest.raises(Forbidden, match="不能网上预约"):
        booking.book(zhangsan, booking_of(next_free_slot(skip=5)))
    booking.book_by_phone(user("clerk_lishi"), "142331198503151231", booking_of(next_free_slot()))


def test_two_no_shows_do_not_block(demo, settings):
    from datetime import datetime

    settings.NO_SHOW_LIMIT = 3
    zhangsan = user("zhangsan")
    made = [booking.book(zhangsan, booking_of(next_free_slot(skip=n))) for n in range(2)]
    last = max((a.slot for a in made), key=lambda s: (s.date, s.starts))
    after = timezone.make_aware(datetime.combine(last.date, last.ends)) + timedelta(minutes=1)
    assert jobs.record_no_shows(after) == 2
    assert not BookingBlock.objects.exists()


def test_the_sweep_runs_the_halls_step(demo, monkeypatch):
    from onething import sweep

    monkeypatch.setattr(sweep, "hall_round", lambda: (2, 1))
    report = sweep.sweep()
    assert report.appointments_reminded == 2 and report.no_shows == 1
    assert report.line().endswith(", 2 appointment reminders, 1 no-shows")
    monkeypatch.setattr(sweep, "hall_round", lambda: (0, 0))
    assert "appointment" not in sweep.sweep().line()


def test_moving_is_refused_clearly_and_keeps_the_old_place(demo):
    zhangsan = user("zhangsan")
    slot, full = next_free_slot(), next_free_slot(skip=1)
    made = booking.book(zhangsan, booking_of(slot))
    with pytest.raises(InvalidInput, match="相同"):
        booking.move(zhangsan, made.public_id, slot.date, slot.starts)
    Slot.objects.filter(pk=full.pk).update(booked=full.capacity)
    with pytest.raises(Conflict, match="已约满"):
        booking.move(zhangsan, made.public_id, full.date, full.starts)
    with pytest.raises(InvalidInput, match="办公时间内"):
        booking.move(zhangsan, made.public_id, slot.date, time(22, 0))
    assert Appointment.objects.get(pk=made.pk).slot_id == slot.pk
    assert Slot.objects.get(pk=slot.pk).booked == 1
    Slot.objects.filter(pk=slot.pk).update(date=timezone.localdate() - timedelta(days=1))
    with pytest.raises(Conflict, match="已经开始"):
        booking.cancel(zhangsan, made.public_id)


def test_slots_the_hours_no_longer_give_are_withdrawn_unless_booked(demo):
    from onething.hall.hours import ensure_slots
    from onething.hall.models import Hall, OpeningHours

    hall = Hall.objects.get(code="lishi")
    ahead = Slot.objects.filter(
        hall=hall, window_type__code="general", extra=False, date__gt=timezone.localdate()
    )
    booked = ahead.order_by("date", "starts").first()
    booking.book(user("zhangsan"), booking_of(booked))
    OpeningHours.objects.filter(hall=hall).delete()  # the hall closes its regular hours
    ensure_slots(hall)
    left = Slot.objects.filter(hall=hall, extra=False)
    assert list(left) == [booked]  # the booked one stays for its booker
    assert Slot.objects.filter(hall=hall, extra=True).exists()  # the Saturday session


def test_a_booking_for_later_today_made_today_is_not_reminded(demo):
    from datetime import datetime

    slot = next_free_slot()
    made = booking.book(user("zhangsan"), booking_of(slot))
    morning = timezone.make_aware(datetime.combine(slot.date, time(0, 1)))
    Appointment.objects.filter(pk=made.pk).update(created_at=morning)
    assert jobs.send_reminders(morning) == 0  # booked on the day, for the day
    Appointment.objects.filter(pk=made.pk).update(created_at=morning - timedelta(days=2))
    assert jobs.send_reminders(morning) == 1  # booked before, the day-before round missed
