"""One round of the platform's background work (`onething sweep`, run every minute beside
gunicorn by `onething serve`, or from cron): applications deemed accepted (行政许可法
Art. 32), the notification outbox delivered, certificate expiries recorded, overdue
rectifications escalated (督办), the dashboard's roll-up refreshed.

It sits above the apps and calls each app's own job. With several instances on one
PostgreSQL, one round runs at a time (an advisory lock, `core.database.exclusive`); each
job also guards its rows (SKIP LOCKED, a unique expiry record), so every job is done once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from onething.cases.services import deem_overdue_acceptances, deliver_outbox
from onething.core.database import exclusive
from onething.evaluation.rollup import refresh
from onething.evaluation.services import escalate_overdue
from onething.licences.services import record_expiries


@dataclass(frozen=True, slots=True)
class SweepReport:
    deemed_accepted: int
    delivered: int
    licences_expired: int = 0
    rectifications_escalated: int = 0
    dashboard_days: int = 0  # filing days the dashboard's roll-up recomputed


def sweep(today: date | None = None) -> SweepReport | None:
    """One round of background work; None when another instance's round is running."""
    with exclusive("sweep") as held:
        if not held:
            return None
        report = SweepReport(
            deem_overdue_acceptances(today),
            deliver_outbox(),
            record_expiries(today),
            escalate_overdue(today),
        )
        refreshed = refresh()  # None: a dashboard is refreshing it right now
        return dataclasses.replace(report, dashboard_days=refreshed.days if refreshed else 0)
