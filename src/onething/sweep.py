"""One round of the platform's background work (`onething sweep`, run every minute beside
gunicorn by `onething serve`, or from cron): applications deemed accepted (行政许可法
Art. 32), the notification outbox delivered, certificate expiries recorded, overdue
rectifications escalated (督办), the dashboard's roll-up refreshed.

It sits above the apps and calls each app's own job. With several instances on one
PostgreSQL, one round runs at a time (an advisory lock, `core.database.exclusive`); each
job also guards its rows (SKIP LOCKED, a unique expiry record), so every job is done once.

SIGTERM or SIGINT (`onething serve` stopping, systemd, Ctrl+C) stops it between two
steps: the notification in hand is sent and recorded, then the process exits.
"""

from __future__ import annotations

import dataclasses
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from onething.cases.services import deem_overdue_acceptances, deliver_outbox
from onething.core.database import exclusive
from onething.evaluation.rollup import refresh
from onething.evaluation.services import escalate_overdue
from onething.exchange.outbox import deliver as deliver_exchange
from onething.hall.jobs import hall_round
from onething.licences.services import record_expiries
from onething.zones.services import check_pending


@dataclass(frozen=True, slots=True)
class SweepReport:
    deemed_accepted: int
    delivered: int
    licences_expired: int = 0
    rectifications_escalated: int = 0
    dashboard_days: int = 0  # filing days the dashboard's roll-up recomputed
    appointments_reminded: int = 0  # 预约办: reminders queued the day before
    no_shows: int = 0  # appointments whose slot ended without arrival
    zone_rows_checked: int = 0  # 专区办: imported rows checked for batches nobody watched
    exchange_delivered: int = 0  # 跨省通办: envelopes a partner signed for

    def line(self) -> str:
        return (
            (
                f"sweep: {self.deemed_accepted} deemed accepted, "
                f"{self.delivered} notifications delivered, "
                f"{self.licences_expired} licences expired, "
                f"{self.rectifications_escalated} rectifications escalated, "
                f"{self.dashboard_days} dashboard days recomputed" + self._hall_part()
            )
            + (f", {self.zone_rows_checked} zone rows checked" if self.zone_rows_checked else "")
            + (
                f", {self.exchange_delivered} exchange messages delivered"
                if self.exchange_delivered
                else ""
            )
        )

    def _hall_part(self) -> str:
        """预约办's figures, named when there are any (the line is unchanged otherwise)."""
        if not (self.appointments_reminded or self.no_shows):
            return ""
        return f", {self.appointments_reminded} appointment reminders, {self.no_shows} no-shows"


class StopRequest:
    """Set by SIGTERM or SIGINT once `install`ed; asked between steps (`stop()`)."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self) -> bool:
        return self.requested

    def install(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._handle)

    def _handle(self, signum, frame) -> None:
        self.requested = True


def sweep(today: date | None = None, stop: Callable[[], bool] | None = None) -> SweepReport | None:
    """One round of background work; None when another instance's round is running.
    With `stop`, the round ends early once it says so (after the message in hand)."""
    stopping = stop or (lambda: False)
    with exclusive("sweep") as held:
        if not held:
            return None
        report = SweepReport(deem_overdue_acceptances(today), deliver_outbox(stop=stopping))
        if stopping():
            return report
        report = dataclasses.replace(
            report,
            licences_expired=record_expiries(today),
            rectifications_escalated=escalate_overdue(today),
        )
        reminded, no_shows = hall_round()
        report = dataclasses.replace(report, appointments_reminded=reminded, no_shows=no_shows)
        report = dataclasses.replace(report, zone_rows_checked=check_pending())
        if not stopping():
            delivered = deliver_exchange(stop=stopping)
            report = dataclasses.replace(report, exchange_delivered=delivered)
        refreshed = None if stopping() else refresh()  # None: a dashboard is refreshing it
        return dataclasses.replace(report, dashboard_days=refreshed.days if refreshed else 0)


def run(every: int, echo: Callable[[str, bool], None]) -> None:
    """`onething sweep`: one round, or with `every` a round every so many seconds until
    SIGTERM or SIGINT, checkpointing SQLite's write-ahead log every second in between.
    A failed round is reported and retried by the next; `echo(line, is_error)`."""
    from django.db import close_old_connections

    from onething.core.database import checkpoint

    stop = StopRequest()
    stop.install()
    while not stop():
        close_old_connections()
        try:
            report = sweep(stop=stop)
        except Exception as exc:  # keep sweeping; the next round retries
            if not every:
                raise
            echo(f"sweep failed: {type(exc).__name__}: {exc}", True)
        else:
            if report is None and not every:
                echo("sweep: another instance is sweeping now; skipped", False)
            elif report is not None and (any(dataclasses.astuple(report)) or not every):
                echo(report.line(), False)
        if not every:
            return
        next_sweep = time.monotonic() + every
        while not stop() and time.monotonic() < next_sweep:
            time.sleep(min(1.0, max(0.0, next_sweep - time.monotonic())))
            try:
                checkpoint()
            except Exception as exc:  # busy or locked: the next second tries again
                echo(f"checkpoint skipped: {type(exc).__name__}: {exc}", True)
