"""预约办 and 延时办 through the REST API: halls, free slots, booking, moving and
cancelling, the clerk's phone booking, extra sessions, and each refusal's status and
message."""

from datetime import timedelta

import pytest
from django.utils import timezone

from onething.hall.models import Appointment, ExtraSession, Slot
from tests.factories import next_free_slot

pytestmark = pytest.mark.django_db


def _body(slot, package="open_restaurant", **more):
    return {
        "hall": slot.hall.code,
        "package_id": package,
        "day": slot.date.isoformat(),
        "starts": slot.starts.strftime("%H:%M"),
        **more,
    }


def test_halls_and_free_slots(api):
    status, halls = api.call("zhangsan", "get", "/halls")
    assert status == 200 and [h["code"] for h in halls] == ["jiaoqu", "lishi"]
    assert {t["prefix"] for t in halls[0]["window_types"]} == {"A", "B", "C"}
    status, offer = api.call("gridco", "get", "/halls/jiaoqu/slots?package_id=grid_rebuild")
    assert status == 200 and offer["window_type"]["prefix"] == "B"
    assert offer["slots"] and all(s["free"] > 0 for s in offer["slots"])
    status, answer = api.call("zhangsan", "get", "/halls/jiaoqu/slots?package_id=open_zoo")
    assert status == 400 and "open_zoo" in answer["detail"]
    status, answer = api.call("zhangsan", "get", "/halls/nowhere/slots?package_id=newborn")
    assert status == 404 and "nowhere" in answer["detail"]


def test_book_move_cancel(api):
    slot, other = next_free_slot(), next_free_slot(skip=1)
    status, made = api.call("zhangsan", "post", "/appointments", _body(slot, phone="13900001111"))
    assert status == 201, made
    assert made["window_name"] == "综合窗口" and made["state"] == "booked"
    assert made["phone"] != "13900001111" and made["phone"].endswith("1111")
    assert len(made["code"]) == 10
    status, mine = api.call("zhangsan", "get", "/appointments")
    assert status == 200 and [a["id"] for a in mine] == [made["id"]]
    move = {"day": other.date.isoformat(), "starts": other.starts.strftime("%H:%M")}
    status, moved = api.call("zhangsan", "post", f"/appointments/{made['id']}/move", move)
    assert status == 200 and moved["starts"].startswith(other.starts.strftime("%H:%M"))
    assert Slot.objects.get(pk=slot.pk).booked == 0 and Slot.objects.get(pk=other.pk).booked == 1
    status, cancelled = api.call("zhangsan", "post", f"/appointments/{made['id']}/cancel")
    assert status == 200 and cancelled["state"] == "cancelled"
    status, again = api.call("zhangsan", "post", f"/appointments/{made['id']}/cancel")
    assert status == 409 and "已取消" in again["detail"]
    status, _ = api.call("yaofang", "get", f"/appointments/{made['id']}")
    assert status == 404


def test_refusals(api):
    slot = next_free_slot()
    late = _body(slot, starts="20:00")
    status, answer = api.call("zhangsan", "post", "/appointments", late)
    assert status == 400 and "不在" in answer["detail"] and "办公时间内" in answer["detail"]
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    status, answer = api.call("zhangsan", "post", "/appointments", _body(slot, day=yesterday))
    assert status == 400 and "办公时间内" in answer["detail"]
    status, answer = api.call("clerk_lishi", "post", "/appointments", _body(slot))
    assert status == 403 and "申请人" in answer["detail"]
    Slot.objects.filter(pk=slot.pk).update(booked=slot.capacity)
    status, answer = api.call("zhangsan", "post", "/appointments", _body(slot))
    assert status == 409 and "已约满" in answer["detail"]
    status, answer = api.call("zhangsan", "post", "/appointments", {"hall": "lishi"})
    assert status == 400 and "package_id" in answer["fields"]
    assert not Appointment.objects.exists()


def test_phone_booking_and_sessions_by_staff(api):
    slot = next_free_slot()
    body = _body(slot, id_number="142331198503151231")
    status, made = api.call("clerk_lishi", "post", "/halls/lishi/phone-appointments", body)
    assert status == 201 and made["channel"] == "phone", made
    status, answer = api.call("clerk_jiaoqu", "post", "/halls/lishi/phone-appointments", body)
    assert status == 403
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    session = {"date": day, "starts": "18:00", "ends": "20:00", "note": "晚间延时"}
    status, opened = api.call("supervisor_lishi", "post", "/halls/lishi/sessions", session)
    assert status == 201 and opened["note"] == "晚间延时"
    status, answer = api.call("supervisor_lishi", "post", "/halls/lishi/sessions", session)
    assert status == 400 and "重叠" in answer["detail"]
    status, answer = api.call("clerk_jiaoqu", "post", "/halls/lishi/sessions", session)
    assert status == 404
    backwards = {**session, "starts": "20:00", "ends": "19:00"}
    status, answer = api.call("clerk_lishi", "post", "/halls/lishi/sessions", backwards)
    assert status == 400 and "结束时间应晚于开始时间" in answer["fields"]["ends"]
    status, listed = api.call("clerk_lishi", "get", "/halls/lishi/sessions")
    assert status == 200 and day in [s["date"] for s in listed]
    assert ExtraSession.objects.filter(hall__code="lishi", note="晚间延时").count() == 1
    evening = Slot.objects.filter(hall__code="lishi", date=day, extra=True)
    assert evening.exists()  # the session's slots are bookable


def test_times_are_local_clock_times(api):
    slot = next_free_slot()
    with_offset = _body(slot, starts=slot.starts.strftime("%H:%M:00+08:00"))
    status, made = api.call("zhangsan", "post", "/appointments", with_offset)
    assert status == 201 and made["starts"] == slot.starts.strftime("%H:%M")
    status, halls = api.call("zhangsan", "get", "/halls")
    assert halls[1]["hours"][0] == {"weekday": 0, "opens": "09:00", "closes": "12:00"}
