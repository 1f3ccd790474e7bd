"""The notification outbox under faults (issue 14, points 1-2): `onething sweep` killed
with SIGKILL mid-batch and started again delivers every message, each once as far as the
platform can know (at most the message in hand is sent again, with the same idempotency
key); SIGTERM finishes the message in hand; and sending holds no write lock, so filing
cases goes on at full speed while a slow gateway answers. Separate processes on a site
of their own: SQLite in a folder, or a fresh database on the tests' PostgreSQL."""

import signal
import time
from collections import Counter

import pytest

from tests.faults import site, wait_for

SEED = """
from django.utils import timezone
from onething.accounts.models import User
from onething.cases.models import OutboxMessage
applicant = User.objects.get(username="yaofang")
OutboxMessage.objects.bulk_create(
    OutboxMessage(recipient=applicant, kind="accepted", subject=f"通知 {{n}}", body="您的申请已受理",
                  available_at=timezone.now())
    for n in range({count})
)
"""

STATE = """
from onething.cases.models import OutboxMessage
rows = OutboxMessage.objects.values_list("pk", "delivered_at", "sending_since", "attempts")
for pk, delivered, sending, attempts in rows:
    print(pk, int(delivered is not None), int(sending is not None), attempts)
"""


def outbox(place) -> dict[int, tuple[bool, bool, int]]:
    """Each message: (delivered, claimed now, attempts)."""
    rows = [line.split() for line in place.python(STATE).splitlines()]
    return {int(pk): (d == "1", s == "1", int(a)) for pk, d, s, a in rows}


@pytest.fixture
def place():
    with site() as made:
        yield made


def test_a_sweep_killed_mid_batch_and_started_again_delivers_each_message_once(place):
    place.python(SEED.format(count=40))
    fast_retry = {"ONETHING_OUTBOX_LEASE": "1", "ONETHING_TEST_SEND_DELAY": "0.05"}
    sweeping = place.start("sweep", **fast_retry)
    wait_for(lambda: len(place.sent()) >= 12, 60, "a dozen messages sent", step=0.01)
    sweeping.send_signal(signal.SIGKILL)
    sweeping.wait(timeout=10)
    before_restart = len(place.sent())
    assert before_restart < 40, "the kill came too late to test anything"

    time.sleep(1.2)  # the lease of the message in hand runs out
    again = place.onething("sweep", **fast_retry)
    assert again.returncode == 0, again.stdout + again.stderr

    state = outbox(place)
    assert all(delivered and not claimed for delivered, claimed, _ in state.values()), state
    sent = place.sent()
    times = Counter(pk for _, pk in sent)
    assert set(times) == set(state)  # every message reached the gateway
    resent = [pk for pk, n in times.items() if n > 1]
    assert len(resent) <= 1 and all(times[pk] == 2 for pk in resent), times
    # Every attempt of one message carries its key, and no two messages share one: a
    # gateway that drops keys it has seen delivers each exactly once.
    keys = {pk: {key for key, sent_pk in sent if sent_pk == pk} for pk in times}
    assert all(keys[pk] == {f"onething-outbox-{pk}"} for pk in times)


def test_sigterm_finishes_the_message_in_hand_then_exits(place):
    place.python(SEED.format(count=30))
    sweeping = place.start("sweep", "--every", "60", ONETHING_TEST_SEND_DELAY="0.3")
    wait_for(lambda: len(place.sent()) >= 2, 60, "two messages sent")
    sweeping.send_signal(signal.SIGTERM)
    assert sweeping.wait(timeout=10) == 0, place.log()

    state = outbox(place)
    sent = [pk for _, pk in place.sent()]
    assert len(sent) == len(set(sent)) < 30
    # What went out is recorded as delivered; nothing is left claimed mid-send.
    assert {pk for pk, (delivered, _, _) in state.items() if delivered} == set(sent)
    assert not any(claimed for _, claimed, _ in state.values())


FILE_CASES = """
import time
from onething.accounts.models import User
from onething.cases import services
from tests.factories import pharmacy_filing
applicant = User.objects.get(username="yaofang")
for n in range(5):
    started = time.monotonic()
    services.file_case(applicant, pharmacy_filing(), idempotency_key=f"busy-{n}")
    print(round(time.monotonic() - started, 3))
"""


def test_filing_goes_on_while_a_slow_gateway_is_sent_to(place):
    place.python(SEED.format(count=20))
    sweeping = place.start("sweep", ONETHING_TEST_SEND_DELAY="0.2")  # 4 s in all
    try:
        wait_for(lambda: place.sent() or sweeping.poll() is not None, 60, "a message sent")
        assert sweeping.poll() is None, place.log()
        durations = [float(line) for line in place.python(FILE_CASES).split()]
        assert sweeping.poll() is None, "the sweep ended before the cases were filed"
    finally:
        sweeping.wait(timeout=60)
    assert len(durations) == 5 and max(durations) < 1.0, durations
    assert len(place.sent()) == 20
