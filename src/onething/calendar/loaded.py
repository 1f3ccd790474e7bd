"""The calendar the running platform counts with: the arrangements an administrator
loaded into the data directory, reread when one is loaded or unloaded."""

from __future__ import annotations

import threading
import time

from onething.calendar.rules import WorkingCalendar
from onething.paths import calendar_dir

_lock = threading.Lock()
_cached: tuple[tuple, WorkingCalendar] | None = None
_checked_at = 0.0
RECHECK_SECONDS = 2.0  # how soon a newly loaded arrangement is noticed


def _stamp() -> tuple:
    directory = calendar_dir()
    try:
        return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in directory.glob("*.yaml")))
    except OSError:
        return ()


def current_calendar() -> WorkingCalendar:
    global _cached, _checked_at
    now = time.monotonic()
    cached = _cached
    if cached is not None and now - _checked_at < RECHECK_SECONDS:
        return cached[1]
    _checked_at = now
    stamp = _stamp()
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _lock:
        calendar = WorkingCalendar.from_directory(calendar_dir())
        _cached = (stamp, calendar)
        return calendar
