"""取号叫号 services: taking tickets (appointment, ID number, walk-in), numbering, calling
in order, the window's moves, the display's board, the case accepted while serving, and
the monthly figures. A refusal writes nothing."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from onething.cases import services as cases
from onething.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onething.hall.models import Appointment
from onething.tickets import calling, figures
from onething.tickets.models import Ticket
from onething.tickets.services import TicketRequest, ahead_of, hall_by_code, take_ticket
from tests.factories import appointment_today, pharmacy_filing, user, walk_in, window_of

pytestmark = pytest.mark.django_db
ZHANGSAN_ID = "142331198503151231"  # the demo citizen 张三's


def by_code(code, hall="lishi", point=Ticket.KIOSK, actor=None):
    return take_ticket(actor, hall, TicketRequest("appointment", code=code, point=point))


def call(window="1号窗口", clerk="clerk_lishi"):
    found = window_of("lishi", window)
    return calling.call_next(user(clerk), found.hall, found.pk)


def test_walk_ins_are_numbered_per_window_type_from_001(demo):
    assert [walk_in().number for _ in range(3)] == ["A001", "A002", "A003"]
    assert walk_in(kind="social").number == "C001"
    assert walk_in(hall="jiaoqu").number == "A001"  # each hall its own numbers
    first = Ticket.objects.get(hall__code="lishi", number="A001")
    assert first.state == "waiting" and first.source == "walk_in" and first.point == "kiosk"


def test_an_appointment_ticket_marks_the_arrival_and_goes_first(demo):
    early = walk_in()
    booked = appointment_today(person="zhangsan")
    ticket = by_code(booked.code.lower())  # typed in lower case
    assert ticket.number == "A002" and ticket.source == "appointment"
    assert ticket.person == user("zhangsan") and ticket.priority_from is not None
    booked.refresh_from_db()
    assert booked.state == Appointment.ARRIVED and booked.arrived_at is not None
    assert ahead_of(ticket) == 0 and ahead_of(Ticket.objects.get(pk=early.pk)) == 1
    assert call().number == "A002"
    assert call("2号窗口").number == "A001"


def test_an_appointment_whose_slot_has_not_begun_waits_its_turn(demo):
    later = (timezone.localtime() + timedelta(hours=2)).time().replace(second=0, microsecond=0)
    if later < timezone.localtime().time():
        pytest.skip("two hours from now is tomorrow")
    early = walk_in()
    booked = by_code(appointment_today(starts=later).code)
    assert ahead_of(booked) == 1
    assert call().pk == early.pk


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hall": "jiaoqu"}, "这是离石区政务服务中心的预约，不是阳泉市郊区政务服务中心的"),
        ({"day": -1}, "已过期"),
        ({"day": 1}, "还没到预约日期"),
    ],
)
def test_a_foreign_or_expired_appointment_is_refused(demo, change, message):
    day = timezone.localdate() + timedelta(days=change.get("day", 0))
    booked = appointment_today(day=day, starts=time(9, 0))
    with pytest.raises(InvalidInput) as refused:
        by_code(booked.code, hall=change.get("hall", "lishi"))
    assert message in refused.value.message
    assert not Ticket.objects.exists()
    booked.refresh_from_db()
    assert booked.state == Appointment.BOOKED


def test_an_unknown_used_or_cancelled_code_is_refused(demo):
    with pytest.raises(NotFound):
        by_code("NOSUCHCODE")
    booked = appointment_today()
    first = by_code(booked.code)
    with pytest.raises(Conflict, match=f"已经取过号：{first.number}"):
        by_code(booked.code)
    cancelled = appointment_today()
    Appointment.objects.filter(pk=cancelled.pk).update(state=Appointment.CANCELLED)
    with pytest.raises(Conflict, match="已取消"):
        by_code(cancelled.code)
    assert Ticket.objects.count() == 1


def test_a_missed_appointment_may_take_a_ticket_again(demo):
    booked = appointment_today()
    first = by_code(booked.code)
    call()
    calling.act(user("clerk_lishi"), first.public_id, "missed")
    again = by_code(booked.code)
    assert again.number == "A002" and again.appointment_id == booked.pk


def test_by_id_number_finds_todays_appointment_or_asks_the_window_type(demo):
    booked = appointment_today(person="zhangsan")
    ticket = take_ticket(None, "lishi", TicketRequest("id_number", id_number=ZHANGSAN_ID))
    assert ticket.appointment_id == booked.pk and ticket.person == user("zhangsan")
    assert ticket.masked_id_number == "142331********1231"
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM tickets_ticket WHERE id = %s", [ticket.pk])
        (stored,) = cursor.fetchone()
    assert stored and ZHANGSAN_ID not in stored  # encrypted at rest
    other = "110101199003074514"
    with pytest.raises(InvalidInput, match="请选择要办理的业务"):
        take_ticket(None, "lishi", TicketRequest("id_number", id_number=other))
    plain = take_ticket(None, "lishi", TicketRequest("id_number", id_number=other, window_type="C"))
    assert plain.number == "C001" and plain.person is None and plain.source == "id_number"


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("", "身份证号码：必填"),
        ("14233119850315123", "身份证号码：应为 18 位"),
        ("142331198503151232", "身份证号码：校验码不正确"),
    ],
)
def test_a_bad_id_number_is_refused(demo, number, problem):
    asked = TicketRequest("id_number", id_number=number, window_type="A")
    with pytest.raises(InvalidInput, match=problem):
        take_ticket(None, "lishi", asked)
    assert not Ticket.objects.exists()


def test_the_front_desk_is_for_the_halls_clerks(demo):
    asked = TicketRequest("walk_in", window_type="general", point=Ticket.DESK)
    ticket = take_ticket(user("clerk_lishi"), "lishi", asked)
    assert ticket.point == "desk" and ticket.taken_by == user("clerk_lishi")
    for other in ("clerk_jiaoqu", "zhangsan"):
        with pytest.raises(Forbidden):
            take_ticket(user(other), "lishi", asked)
    with pytest.raises(NotFound):
        take_ticket(None, "nowhere", TicketRequest("walk_in", window_type="A"))
    with pytest.raises(InvalidInput, match="没有这类窗口"):
        take_ticket(None, "lishi", TicketRequest("walk_in", window_type="Z"))


def test_calling_with_no_one_waiting_is_refused(demo):
    with pytest.raises(Conflict, match="综合窗口现在没有人等候"):
        call()
    walk_in(kind="social")  # another window type's queue does not count
    with pytest.raises(Conflict):
        call()


def test_a_window_serves_one_ticket_at_a_time(demo):
    first, second = walk_in(), walk_in()
    clerk = user("clerk_lishi")
    assert call().pk == first.pk
    with pytest.raises(Conflict, match="请先办结或过号"):
        call()
    recalled = calling.act(clerk, first.public_id, "recall")
    assert recalled.calls == 2 and recalled.state == "called"
    with pytest.raises(Conflict, match="不能办结"):
        calling.act(clerk, first.public_id, "done")
    calling.act(clerk, first.public_id, "start")
    done = calling.act(clerk, first.public_id, "done")
    assert done.state == "done" and done.served_at and done.finished_at
    assert call().pk == second.pk
    with pytest.raises(Forbidden):
        calling.act(user("clerk_jiaoqu"), second.public_id, "start")
    with pytest.raises(NotFound):
        calling.act(clerk, second.public_id, "fly")


def test_only_the_halls_clerks_call(demo):
    walk_in()
    window = window_of()
    for other in ("clerk_jiaoqu", "supervisor_lishi", "zhangsan"):
        with pytest.raises(Forbidden):
            calling.call_next(user(other), window.hall, window.pk)
    with pytest.raises(NotFound):
        calling.call_next(user("clerk_lishi"), window.hall, window_of("jiaoqu").pk)


def test_an_appointment_served_is_recorded_as_served(demo):
    booked = appointment_today()
    ticket = by_code(booked.code)
    call()
    calling.act(user("clerk_lishi"), ticket.public_id, "start")
    calling.act(user("clerk_lishi"), ticket.public_id, "done")
    booked.refresh_from_db()
    assert booked.state == Appointment.SERVED


def test_the_board_shows_the_calls_and_the_queues(demo):
    walk_in(), walk_in(), walk_in(kind="social")
    call()
    board = calling.board(hall_by_code("lishi"))
    assert [(c.number, c.window) for c in board.current] == [("A001", "1号窗口")]
    assert board.current[0].spoken == "请 A001 号到 1号窗口办理"
    assert ("A", "综合窗口", 1) in board.waiting and ("C", "社保窗口", 1) in board.waiting
    key = board.current[0].key
    calling.act(user("clerk_lishi"), Ticket.objects.get(number="A001").public_id, "recall")
    assert calling.board(hall_by_code("lishi")).current[0].key != key  # read aloud again


def test_the_case_accepted_while_serving_is_the_tickets(demo):
    citizen_case, _ = cases.file_case(user("yaofang"), pharmacy_filing())
    ticket = walk_in()
    call()
    calling.act(user("clerk_lishi"), ticket.public_id, "start")
    cases.accept(user("clerk_lishi"), citizen_case.public_id)
    ticket.refresh_from_db()
    assert ticket.case == citizen_case.pk


def test_monthly_figures(demo):
    first, second, _ = walk_in(), walk_in(), walk_in()
    clerk = user("clerk_lishi")
    start = timezone.now()
    Ticket.objects.filter(pk=first.pk).update(taken_at=start - timedelta(minutes=10))
    Ticket.objects.filter(pk=second.pk).update(taken_at=start - timedelta(minutes=4))
    call()
    calling.act(clerk, first.public_id, "start")
    Ticket.objects.filter(pk=first.pk).update(served_at=start - timedelta(minutes=6))
    calling.act(clerk, first.public_id, "done")
    call()
    month = timezone.localdate().strftime("%Y-%m")
    halls = [hall_by_code("lishi"), hall_by_code("jiaoqu")]
    rows = figures.monthly(halls, [month])
    assert [r.hall for r in rows] == ["jiaoqu", "lishi"]
    assert rows[0].tickets == 0 and rows[0].average_wait is None
    lishi = rows[1]
    assert lishi.tickets == 3 and lishi.called == 2
    assert 6.5 <= lishi.average_wait <= 7.5 and 9.5 <= lishi.p90_wait <= 10.5
    assert 5.5 <= lishi.average_service <= 6.5


def test_a_ticket_left_open_yesterday_does_not_hold_the_window(demo):
    left = walk_in()
    call()
    Ticket.objects.filter(pk=left.pk).update(day=timezone.localdate() - timedelta(days=1))
    walk_in()
    assert call().number == "A002"
