"""取号叫号 over HTTP: the kiosk (anyone) and the front desk (the hall's clerks) take
tickets, the slip, the window console (叫号 … 办结), the display and its fragment; the
refusals — calling with no one waiting (409), a foreign or expired appointment code, a
bad ID number — answered with the message and nothing written; the same through the API."""

from datetime import time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from onething.tickets.models import Ticket
from tests.factories import (
    appointment_today,
    as_user,
    english_words,
    page_text,
    text_of,
    walk_in,
    window_of,
)

pytestmark = pytest.mark.django_db
KIOSK = "/hall/lishi/tickets?kiosk=1"


def test_the_kiosk_takes_a_walk_in_and_shows_the_slip(client, demo):
    page = page_text(client.get(KIOSK))
    assert "自助取号" in page and "综合窗口" in page and "凭预约码取号" in page
    assert not english_words(page)
    response = client.post(KIOSK, {"kiosk": "1", "way": "walk_in", "window_type": "general"})
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and str(ticket.public_id) in response["Location"]
    slip = page_text(client.get(response["Location"]))
    assert "A001" in slip and "综合窗口" in slip and "0 人" in slip and "打印排队号" in slip
    walk_in()
    second = Ticket.objects.get(number="A002")
    assert "1 人" in page_text(client.get(f"/hall/lishi/tickets/{second.public_id}"))
    assert client.get(f"/hall/jiaoqu/tickets/{second.public_id}").status_code == 404


def test_an_appointment_code_at_the_kiosk(client, demo):
    booked = appointment_today()
    response = client.post(KIOSK, {"kiosk": "1", "way": "appointment", "code": booked.code})
    assert response.status_code == 302
    slip = page_text(client.get(response["Location"]))
    assert "预约取号" in slip and "我要开餐馆" in slip


@pytest.mark.parametrize(
    ("hall", "days", "message"),
    [
        ("jiaoqu", 0, "不是离石区政务服务中心的"),
        ("lishi", -1, "已过期"),
    ],
)
def test_a_foreign_or_expired_code_is_refused_on_the_page(client, demo, hall, days, message):
    booked = appointment_today(
        hall=hall, day=timezone.localdate() + timedelta(days=days), starts=time(9)
    )
    response = client.post(KIOSK, {"kiosk": "1", "way": "appointment", "code": booked.code})
    assert response.status_code == 400 and message in text_of(response)
    assert 'role="alert"' in text_of(response) and not Ticket.objects.exists()
    unknown = client.post(KIOSK, {"kiosk": "1", "way": "appointment", "code": "ABCDEFGHJK"})
    assert unknown.status_code == 404 and "没有找到预约码 ABCDEFGHJK 的预约" in text_of(unknown)


def test_a_bad_id_number_is_refused_on_the_page(client, demo):
    form = {
        "kiosk": "1",
        "way": "id_number",
        "id_number": "142331198503151232",
        "window_type": "general",
    }
    response = client.post(KIOSK, form)
    assert response.status_code == 400
    assert "身份证号码：校验码不正确，请核对最后一位" in text_of(response)
    assert "142331198503151232" not in text_of(response)  # not echoed back
    assert not Ticket.objects.exists()


def test_the_front_desk_is_for_the_halls_clerks(client, demo):
    assert client.get("/hall/lishi/tickets").status_code == 302  # log in first
    assert as_user(Client(), "clerk_jiaoqu").get("/hall/lishi/tickets").status_code == 403
    clerk = as_user(client, "clerk_lishi")
    page = page_text(clerk.get("/hall/lishi/tickets"))
    assert "前台取号" in page and "今天的排队号" in page
    form = {"way": "id_number", "id_number": "110101199003074514", "window_type": "social"}
    assert clerk.post("/hall/lishi/tickets", form).status_code == 302
    listed = page_text(clerk.get("/hall/lishi/tickets"))
    assert "C001" in listed and "110101********4514" in listed
    assert "110101199003074514" not in listed
    assert Ticket.objects.get().point == "desk"


def test_the_console_calls_serves_and_refuses_calling_no_one(client, demo):
    window = window_of()
    clerk = as_user(client, "clerk_lishi")
    base = f"/hall/lishi/counter/{window.pk}"
    assert "1号窗口" in page_text(clerk.get("/hall/lishi/counter"))
    nobody = clerk.post(base + "/call")
    assert nobody.status_code == 409 and "综合窗口现在没有人等候，无号可叫" in text_of(nobody)
    ticket = walk_in()
    assert clerk.post(base + "/call").status_code == 302
    page = page_text(clerk.get(base))
    assert "A001" in page and "开始办理" in page and "重呼" in page and "过号" in page
    assert not english_words(page)
    busy = clerk.post(base + "/call")
    assert busy.status_code == 409 and "请先办结或过号" in text_of(busy)
    for action in ("recall", "start"):
        assert clerk.post(f"{base}/{action}", {"ticket": ticket.public_id}).status_code == 302
    serving = page_text(clerk.get(base))
    assert "办结" in serving and "窗口受理" in serving
    wrong = clerk.post(f"{base}/start", {"ticket": ticket.public_id})
    assert wrong.status_code == 409 and "A001 号办理中，不能开始办理" in text_of(wrong)
    assert clerk.post(f"{base}/done", {"ticket": ticket.public_id}).status_code == 302
    assert Ticket.objects.get().state == "done"
    other = as_user(Client(), "clerk_jiaoqu")
    assert other.get(base).status_code == 403 and other.post(base + "/call").status_code == 403


def test_the_display_and_its_fragment(client, demo):
    walk_in(), walk_in(kind="social")
    window = window_of()
    as_user(Client(), "clerk_lishi").post(f"/hall/lishi/counter/{window.pk}/call")
    page = page_text(client.get("/hall/lishi/display"))
    assert 'hx-trigger="every 2s"' in page and "tickets/display.js" in page
    assert "<script>" not in page  # no inline script (CSP)
    board = page_text(client.get("/hall/lishi/display/board"))
    assert "A001" in board and "请到 1号窗口" in board and "请 A001 号到 1号窗口办理" in board
    assert "社保窗口" in board
    assert not english_words(board)
    assert client.get("/hall/nowhere/display").status_code == 404


def test_the_api_takes_calls_and_refuses(api):
    status, answer = api.call(
        "clerk_lishi", "post", "/halls/lishi/tickets", {"way": "walk_in", "window_type": "A"}
    )
    assert status == 201 and answer["number"] == "A001" and answer["people_ahead"] == 0
    window = window_of()
    status, called = api.call("clerk_lishi", "post", f"/halls/lishi/windows/{window.pk}/call")
    assert status == 201 and called["state"] == "called" and called["window"] == "1号窗口"
    status, refused = api.call(
        "clerk_lishi", "post", f"/halls/lishi/windows/{window_of(number='2号窗口').pk}/call"
    )
    assert status == 409 and "没有人等候" in refused["detail"]
    for action, state in (("start", "serving"), ("done", "done")):
        status, moved = api.call("clerk_lishi", "post", f"/tickets/{answer['id']}/{action}")
        assert status == 200 and moved["state"] == state
    status, bad = api.call(
        "clerk_lishi",
        "post",
        "/halls/lishi/tickets",
        {"way": "id_number", "id_number": "123", "window_type": "A"},
    )
    assert status == 400 and bad["detail"].startswith("身份证号码：应为 18 位")
    status, rows = api.call("clerk_lishi", "get", "/halls/lishi/tickets")
    assert status == 200 and [r["number"] for r in rows] == ["A001"]
    assert api.call("clerk_jiaoqu", "get", f"/tickets/{answer['id']}")[0] == 404
    status, board = api.call("zhangsan", "get", "/halls/lishi/display")
    assert status == 200 and board["recent"][0]["number"] == "A001"


def test_the_public_kiosk_is_throttled(client, demo, monkeypatch):
    from onething.core.throttle import Limit
    from onething.tickets import views

    monkeypatch.setattr(views, "KIOSK_TAKING", Limit("ticket-kiosk-test", "2/10m", "自助取号"))
    form = {"kiosk": "1", "way": "walk_in", "window_type": "general"}
    assert [client.post(KIOSK, form).status_code for _ in range(2)] == [302, 302]
    refused = client.post(KIOSK, form)
    assert refused.status_code == 429 and "自助取号" in text_of(refused)
    assert Ticket.objects.count() == 2
