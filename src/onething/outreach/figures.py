"""The dashboard's figures of 上门办 and 帮办代办, per jurisdiction (the window, i.e. the
hall's county) and month."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone

from onething.cases.models import Case
from onething.core.access import jurisdiction_prefix, within
from onething.outreach.models import HomeVisit
from onething.outreach.rules import VisitState


@dataclass(frozen=True, slots=True)
class MonthFigures:
    jurisdiction: str  # the code asked for (a county's window, or a city and its counties)
    month: str  # "2026-12"
    home_visits: int  # 上门办: visits accepted on site (done) in the month
    assisted_cases: int  # 帮办代办: cases staff filed for someone (filed_by), not at a visit


def _month(value: date | datetime | str) -> str:
    if isinstance(value, str):
        return value[:7]
    return f"{value.year:04d}-{value.month:02d}"


def monthly(
    jurisdictions: Iterable[str], months: Sequence[date | datetime | str]
) -> list[MonthFigures]:
    """One row per jurisdiction and month, in the order asked:
    ``[MonthFigures(jurisdiction="140311", month="2026-12", home_visits=3,
    assisted_cases=41), …]``. `months` are "YYYY-MM" strings or any date in the month.

    - ``home_visits``: visits done (accepted on site) that month, by their jurisdiction;
    - ``assisted_cases``: cases with ``filed_by`` set (帮办代办 at the window or by
      phone, consented by code or signature), channel other than 上门办, counted by the
      month they were submitted and their window (受理窗口) — the hall that filed them.

    A city code counts its counties too (a prefix, as staff reach works)."""
    codes, wanted = list(jurisdictions), [_month(m) for m in months]
    if not codes or not wanted:
        return []
    visits = Counter()
    done = HomeVisit.objects.filter(
        _any_within("jurisdiction", codes), state=VisitState.DONE, done_at__isnull=False
    ).values_list("jurisdiction", "done_at")
    for code, at in done:
        visits[(code, _month(timezone.localtime(at)))] += 1
    assisted = Counter()
    filed = (
        Case.objects.filter(_any_within("window", codes), filed_by__isnull=False)
        .exclude(channel="visit")
        .exclude(submitted_at__isnull=True)
        .values_list("window", "submitted_at")
    )
    for code, at in filed:
        assisted[(code, _month(timezone.localtime(at)))] += 1
    return [
        MonthFigures(
            code,
            month,
            _sum(visits, code, month),
            _sum(assisted, code, month),
        )
        for code in codes
        for month in wanted
    ]


def _any_within(field: str, codes: list[str]) -> Q:
    condition = Q(pk__in=[])
    for code in codes:
        condition |= within(field, jurisdiction_prefix(code))
    return condition


def _sum(counts: Counter, code: str, month: str) -> int:
    prefix = jurisdiction_prefix(code)
    return sum(n for (place, at), n in counts.items() if at == month and place.startswith(prefix))
