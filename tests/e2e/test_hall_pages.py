"""预约办 and 延时办 pages over HTTP: a citizen books, sees the confirmation with its QR,
moves and cancels; refusals are shown on the page with their status and nothing is
written; the hall's staff page opens extra sessions and books by phone; who may open
what."""

from datetime import timedelta

import pytest
from django.utils import timezone

from onething.hall.models import Appointment, ExtraSession, Slot
from tests.factories import next_free_slot, page_text, text_of, user

pytestmark = pytest.mark.django_db


def slot_value(slot) -> str:
    return f"{slot.date.isoformat()}T{slot.starts:%H:%M}"


def post_booking(client, chosen, package="open_restaurant", **more):
    data = {"hall": chosen.hall.code, "package": package, "day": chosen.date.isoformat()}
    return client.post("/hall/", {**data, "slot": slot_value(chosen), **more})


def test_a_citizen_books_moves_and_cancels(client, demo):
    client.force_login(user("zhangsan"))
    page = page_text(client.get("/hall/?hall=lishi&package=open_restaurant"))
    assert "A 综合窗口" in page and "余 6" in page
    slot = next_free_slot()
    response = post_booking(client, slot, phone="13900001111")
    assert response.status_code == 302
    made = Appointment.objects.get()
    page = page_text(client.get(response["Location"]))
    assert 'id="appointment-qr"' in page and "data:image/svg+xml;base64," in page
    assert made.code in page and "离石区政务服务中心" in page and "综合窗口" in page
    assert "13900001111" not in page and "139****1111" in page
    other = next_free_slot(skip=1)
    response = client.post(f"/hall/appointments/{made.public_id}/move", {"slot": slot_value(other)})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.slot_id == other.pk
    client.post(f"/hall/appointments/{made.public_id}/cancel")
    made.refresh_from_db()
    assert made.state == Appointment.CANCELLED
    page = page_text(client.get("/hall/mine"))
    assert "我要开餐馆" in page and "已取消" in page


def test_refusals_are_shown_and_nothing_is_written(client, demo):
    client.force_login(user("zhangsan"))
    slot = next_free_slot()
    late = post_booking(client, slot, slot=f"{slot.date.isoformat()}T20:00")
    assert late.status_code == 400 and "办公时间内" in text_of(late)
    none = client.post("/hall/", {"hall": "lishi", "package": "open_restaurant"})
    assert none.status_code == 400 and "请选择预约时段" in text_of(none)
    zoo = client.get("/hall/?hall=lishi&package=open_zoo")
    assert zoo.status_code == 400 and "没有编号为 open_zoo 的一件事" in text_of(zoo)
    Slot.objects.filter(pk=slot.pk).update(booked=slot.capacity)
    full = post_booking(client, slot)
    assert full.status_code == 409 and "已约满" in text_of(full)
    begun = next_free_slot()
    Slot.objects.filter(pk=begun.pk).update(date=timezone.localdate() - timedelta(days=1))
    past = post_booking(client, Slot.objects.get(pk=begun.pk))
    assert past.status_code == 400 and "已经开始或已过去" in text_of(past)
    assert not Appointment.objects.exists()


def test_a_blocked_citizen_is_told_why(client, demo):
    from onething.hall.models import BookingBlock

    zhangsan = user("zhangsan")
    BookingBlock.objects.create(
        person=zhangsan, until=timezone.now() + timedelta(days=30), reason="30 天内 3 次预约未到场"
    )
    client.force_login(zhangsan)
    assert "不能网上预约" in page_text(client.get("/hall/"))
    refused = post_booking(client, next_free_slot())
    assert refused.status_code == 403 and "不能网上预约" in text_of(refused)


def test_who_may_open_what(client, demo):
    client.force_login(user("zhangsan"))
    made_page = post_booking(client, next_free_slot())
    address = made_page["Location"]
    client.force_login(user("yaofang"))
    assert client.get(address).status_code == 404
    assert client.get("/hall/desk/lishi").status_code == 403
    client.force_login(user("clerk_jiaoqu"))
    assert client.get(address).status_code == 404
    assert client.get("/hall/desk/lishi").status_code == 404
    assert client.get("/hall/").status_code == 403  # booking online is the citizen's
    client.force_login(user("clerk_lishi"))
    assert client.get(address).status_code == 200
    client.logout()
    assert client.get("/hall/").status_code == 302  # to the log-in page


def test_the_staff_page_opens_a_session_and_books_by_phone(client, demo):
    client.force_login(user("supervisor_lishi"))
    assert client.get("/hall/desk/").status_code == 302  # straight to the one hall
    page = page_text(client.get("/hall/desk/lishi"))
    assert "09:00–12:00、13:30–17:30" in page and "周六上午延时服务" in page
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    bad = client.post(
        "/hall/desk/lishi/sessions", {"date": day, "starts": "20:00", "ends": "18:00"}
    )
    assert bad.status_code == 400 and "结束时间应晚于开始时间" in text_of(bad)
    good = client.post(
        "/hall/desk/lishi/sessions",
        {"date": day, "starts": "18:00", "ends": "20:00", "note": "晚间延时"},
    )
    assert good.status_code == 302
    assert ExtraSession.objects.filter(note="晚间延时").exists()
    assert "晚间延时" in page_text(client.get("/hall/desk/lishi"))

    client.force_login(user("clerk_lishi"))
    page = page_text(client.get("/hall/desk/lishi?package=retirement"))
    assert "C 社保窗口" in page
    slot = next_free_slot(kind="social")
    data = {"package": "retirement", "slot": slot_value(slot), "id_number": "142331198503151231"}
    response = client.post("/hall/desk/lishi/phone", data)
    assert response.status_code == 302
    made = Appointment.objects.get()
    assert made.channel == Appointment.PHONE and made.applicant == user("zhangsan")
    unknown = client.post("/hall/desk/lishi/phone", {**data, "id_number": "110101199001011234"})
    assert unknown.status_code == 404 and "身份证号码" in text_of(unknown)
    today = page_text(client.get("/hall/desk/lishi"))
    assert "142331198503151231" not in today


def test_the_admin_pages_speak_chinese_and_mask_phones(client, demo):
    from onething.accounts.models import User
    from onething.hall import booking
    from onething.hall.models import Hall
    from tests.factories import booking_of, english_words

    made = booking.book(user("zhangsan"), booking_of(next_free_slot(), phone="13900001111"))
    client.force_login(User.objects.create_superuser("root", password="set-up-only-2026"))
    hall = Hall.objects.get(code="lishi")
    for address in [
        "/admin/hall/hall/",
        f"/admin/hall/hall/{hall.pk}/change/",
        "/admin/hall/extrasession/",
        "/admin/hall/appointment/",
        f"/admin/hall/appointment/{made.pk}/change/",
        "/admin/hall/bookingblock/add/",
        "/admin/hall/afterhoursservice/",
    ]:
        page = page_text(client.get(address))
        assert not english_words(page), (address, english_words(page))
        assert "13900001111" not in page
