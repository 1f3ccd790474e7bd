"""取号叫号 under contention (PostgreSQL pass: threads need a database other connections
see): takers at once never share a number, clerks calling at once never share a ticket
(SELECT … FOR UPDATE SKIP LOCKED and a conditional UPDATE)."""

import os
import threading

import pytest
from django.db import connection

from onething.core.errors import Conflict
from onething.tickets import calling
from onething.tickets.models import Ticket
from tests.factories import user, walk_in, window_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("ONETHING_TEST_DATABASE") != "postgres",
        reason="runs in the PostgreSQL pass: other threads cannot see SQLite's in-memory test database",
    ),
]


def at_once(work, count: int) -> list:
    """Run `work(i)` in `count` threads released together; each answer or exception."""
    start = threading.Barrier(count)
    answers: list = [None] * count

    def run(i: int) -> None:
        try:
            start.wait()
            answers[i] = work(i)
        except Exception as exc:  # the test looks at what each got
            answers[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_takers_at_once_get_distinct_numbers(demo):
    answers = at_once(lambda _: walk_in().number, 12)
    assert sorted(answers) == [f"A{n:03d}" for n in range(1, 13)], answers


def test_clerks_calling_at_once_never_get_the_same_ticket(demo):
    clerk = user("clerk_lishi")
    windows = [window_of("lishi", f"{n}号窗口") for n in (1, 2, 3)]
    for _round in range(5):
        waiting = {walk_in().pk for _ in range(2)}

        def call(i: int, clerk=clerk) -> int:
            return calling.call_next(clerk, windows[i].hall, windows[i].pk).pk

        answers = at_once(call, 3)
        called = [a for a in answers if isinstance(a, int)]
        refused = [a for a in answers if isinstance(a, Conflict)]
        assert sorted(called) == sorted(waiting), answers
        assert len(refused) == 1 and "没有人等候" in refused[0].message, answers
        assert Ticket.objects.filter(state="called").count() == 2
        for ticket in Ticket.objects.filter(state="called"):
            calling.act(clerk, ticket.public_id, "missed")


def test_a_double_click_on_one_window_calls_one_ticket(demo):
    clerk, window = user("clerk_lishi"), window_of("lishi", "1号窗口")
    walk_in(), walk_in()
    answers = at_once(lambda _: calling.call_next(clerk, window.hall, window.pk).pk, 2)
    refused = [a for a in answers if isinstance(a, Conflict)]
    assert len(refused) == 1 and "请先办结或过号" in refused[0].message, answers
    assert Ticket.objects.filter(window=window, state="called").count() == 1
