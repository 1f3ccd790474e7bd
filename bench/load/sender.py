"""A notification sender for the load benchmark (ONETHING_NOTIFICATION_SENDER=
bench.load.sender:RecordingSender): appends one line per delivery — the outbox message's
id, the instance and the process — to ONETHING_BENCH_DELIVERIES, so that the run can check
that each message went out exactly once, whichever instance's sweep sent it."""

from __future__ import annotations

import os


class RecordingSender:
    def __init__(self) -> None:
        self.path = os.environ["ONETHING_BENCH_DELIVERIES"]
        self.instance = os.environ.get("ONETHING_BENCH_INSTANCE", "?")

    def send(self, message, idempotency_key: str) -> None:
        # One short write with O_APPEND: lines from several processes never interleave.
        line = f"{message.pk} {self.instance} {os.getpid()}\n".encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
