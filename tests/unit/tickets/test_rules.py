"""取号叫号 rules: numbers, the calling order (预约优先 within the slot), the moves a ticket
may make, what is read aloud, and the figures' percentile."""

from datetime import datetime, timedelta

import pytest
from hypothesis import given, strategies as st

from onething.tickets.rules import (
    Action,
    State,
    Waiting,
    calling_order,
    code_from_scan,
    move_problem,
    next_state,
    people_ahead,
    percentile,
    spoken_call,
    ticket_number,
)

NOON = datetime(2026, 12, 7, 12, 0)


def test_numbers_carry_the_letter_and_three_digits_at_least():
    assert ticket_number("A", 1) == "A001"
    assert ticket_number("A", 12) == "A012"
    assert ticket_number("B", 999) == "B999"
    assert ticket_number("B", 1000) == "B1000"
    with pytest.raises(ValueError):
        ticket_number("A", 0)


@given(st.lists(st.integers(min_value=1, max_value=5000), unique=True))
def test_distinct_sequences_give_distinct_numbers(sequences):
    numbers = [ticket_number("C", s) for s in sequences]
    assert len(set(numbers)) == len(numbers)


def test_an_appointment_whose_slot_has_begun_goes_before_earlier_walk_ins():
    walk_in = Waiting(1, NOON - timedelta(minutes=30))
    appointment = Waiting(2, NOON - timedelta(minutes=5), priority_from=NOON - timedelta(minutes=1))
    later_walk_in = Waiting(3, NOON - timedelta(minutes=2))
    assert [t.id for t in calling_order([walk_in, appointment, later_walk_in], NOON)] == [2, 1, 3]


def test_an_appointment_before_its_slot_waits_its_turn_by_taking_time():
    walk_in = Waiting(1, NOON - timedelta(minutes=30))
    early = Waiting(2, NOON - timedelta(minutes=20), priority_from=NOON + timedelta(minutes=30))
    assert [t.id for t in calling_order([early, walk_in], NOON)] == [1, 2]
    # once its slot begins, it goes first
    assert [t.id for t in calling_order([early, walk_in], NOON + timedelta(minutes=30))] == [2, 1]


def test_appointments_among_themselves_go_by_taking_time():
    a = Waiting(5, NOON - timedelta(minutes=3), priority_from=NOON - timedelta(hours=1))
    b = Waiting(4, NOON - timedelta(minutes=9), priority_from=NOON)
    assert [t.id for t in calling_order([a, b], NOON)] == [4, 5]


times = st.integers(min_value=0, max_value=600).map(lambda m: NOON - timedelta(minutes=m))
waiting = st.builds(Waiting, st.integers(1, 10_000), times, st.one_of(st.none(), times))


@given(st.lists(waiting, unique_by=lambda w: w.id, max_size=30))
def test_people_ahead_is_the_place_in_the_calling_order(queue):
    ordered = calling_order(queue, NOON)
    for place, ticket in enumerate(ordered):
        assert people_ahead(ticket, queue, NOON) == place


def test_moves_follow_the_window():
    assert move_problem(Action.START, State.CALLED, "A001") is None
    assert move_problem(Action.RECALL, State.CALLED, "A001") is None
    assert move_problem(Action.MISSED, State.CALLED, "A001") is None
    assert move_problem(Action.DONE, State.SERVING, "A001") is None
    assert move_problem(Action.DONE, State.CALLED, "A001") == "A001 号已叫号，不能办结"
    assert move_problem(Action.START, State.DONE, "A001") == "A001 号已办结，不能开始办理"
    assert move_problem(Action.RECALL, State.WAITING, "B002") == "B002 号等候中，不能重呼"
    assert next_state(Action.MISSED) == State.MISSED
    assert next_state(Action.RECALL) == State.CALLED


def test_what_the_display_reads_aloud():
    assert spoken_call("A012", "3号窗口") == "请 A012 号到 3号窗口办理"
    assert spoken_call("B001", "5") == "请 B001 号到 5号窗口办理"


def test_nearest_rank_percentile():
    assert percentile([], 0.9) is None
    assert percentile([4.0], 0.9) == 4.0
    assert percentile([float(m) for m in range(1, 11)], 0.9) == 9.0
    assert percentile([float(m) for m in range(1, 101)], 0.9) == 90.0


def test_an_appointment_code_as_typed_or_scanned():
    assert code_from_scan(" abcd efgh 23 ") == "ABCDEFGH23"
    assert code_from_scan("ABCD-EFGH-23") == "ABCDEFGH23"
    assert code_from_scan("https://example.cn/hall/a/ABCDEFGH23") == "ABCDEFGH23"
    assert code_from_scan("https://example.cn/a?code=abcdefgh23") == "ABCDEFGH23"
    assert code_from_scan("") == ""
