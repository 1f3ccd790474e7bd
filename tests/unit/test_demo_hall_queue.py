"""The demo's queue of a hall's day (pure): first come first called, appointments whose
slot has begun first, a second window only while the queue is long, 过号 frees the
window soon."""

from onething.demo.hall_queue import LONG_QUEUE, MISSED_AFTER, WALK_TO_WINDOW, Arrival, serve_queue


def by_index(served):
    return {s.index: s for s in served}


def test_one_window_calls_in_the_order_of_taking():
    served = by_index(serve_queue([Arrival(540, 10), Arrival(541, 10), Arrival(600, 5)], 1))
    assert served[0].called == 540 and served[0].finished == 540 + WALK_TO_WINDOW + 10
    assert served[1].called == served[0].finished
    assert served[2].called == 600  # the window was free again before


def test_an_appointment_whose_slot_began_goes_first():
    arrivals = [Arrival(540, 30), Arrival(545, 10), Arrival(550, 10, priority_from=560)]
    served = by_index(serve_queue(arrivals, 1))
    assert served[2].called < served[1].called


def test_the_second_window_calls_only_while_the_queue_is_long():
    few = serve_queue([Arrival(540, 10), Arrival(541, 10)], 2)
    assert {s.window for s in few} == {0}
    many = serve_queue([Arrival(540, 10) for _ in range(LONG_QUEUE + 2)], 2)
    assert {s.window for s in many} == {0, 1}


def test_a_missed_ticket_frees_the_window_soon():
    served = by_index(serve_queue([Arrival(540, 0), Arrival(540, 10)], 1))
    assert served[0].started is None and served[0].finished is None
    assert served[1].called == 540 + MISSED_AFTER
