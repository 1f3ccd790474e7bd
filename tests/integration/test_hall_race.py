"""The last place in a slot, booked by several people at the same instant from threads
of their own (each its own database connection): exactly one wins, the others are told
the slot is full, and the slot never holds more than its capacity. PostgreSQL pass:
SQLite's in-memory test database serialises its writers anyway (the single-threaded
case is in test_hall_booking.py)."""

import os
import threading

import pytest
from django.db import connection

from onething.accounts.models import User
from onething.core.errors import Conflict
from onething.core.roles import Role
from onething.hall import booking
from onething.hall.models import Appointment, Slot
from tests.factories import booking_of, next_free_slot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("ONETHING_TEST_DATABASE") != "postgres",
        reason="runs in the PostgreSQL pass: threads need a server's concurrent connections",
    ),
]

BOOKERS = 8


def people(count: int) -> list[User]:
    return [
        User.objects.create(username=f"racer{n}", role=Role.APPLICANT, full_name=f"抢约{n}")
        for n in range(count)
    ]


def book_at_once(persons: list[User], slot) -> list[str]:
    start = threading.Barrier(len(persons))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(person: User) -> None:
        try:
            start.wait()
            booking.book(person, booking_of(slot))
            outcome = "won"
        except Conflict as exc:
            outcome = f"409 {exc.message}"
        except Exception as exc:  # reported, not swallowed: the assertion names it
            outcome = f"error {type(exc).__name__}: {exc}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(p,)) for p in persons]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_the_last_place_goes_to_exactly_one_of_simultaneous_bookers(demo):
    slot = next_free_slot()
    Slot.objects.filter(pk=slot.pk).update(booked=slot.capacity - 1)
    outcomes = book_at_once(people(BOOKERS), slot)
    assert sorted(o.split()[0] for o in outcomes) == ["409"] * (BOOKERS - 1) + ["won"], outcomes
    assert all("约满" in o for o in outcomes if o.startswith("409"))
    slot.refresh_from_db()
    assert slot.booked == slot.capacity
    assert Appointment.objects.filter(slot=slot, state=Appointment.BOOKED).count() == 1


def test_a_whole_slot_fills_to_capacity_and_no_further(demo):
    slot = next_free_slot()
    outcomes = book_at_once(people(slot.capacity + 4), slot)
    assert outcomes.count("won") == slot.capacity, outcomes
    slot.refresh_from_db()
    assert slot.booked == slot.capacity
    assert Appointment.objects.filter(slot=slot).count() == slot.capacity
