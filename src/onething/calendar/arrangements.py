"""The State Council's holiday arrangement for one year, as an administrator loads it.

Every year the General Office of the State Council publishes the next year's holiday
arrangement (国务院办公厅关于某年部分节假日安排的通知): which days are off (放假) and
which weekend days are working days instead (调休上班). An administrator copies it into a
small YAML file and loads it with ``onething calendar load FILE``; for that year it
overrides every other source.

The file::

    year: 2027
    title: 国务院办公厅关于2027年部分节假日安排的通知   # optional
    off:                      # the days off (放假), weekends inside a holiday may be listed
      - 2027-01-01
      - 2027-02-05..2027-02-11   # an inclusive range
    on:                       # weekend days that are working days (调休上班); optional
      - 2027-02-14

Rules: ``year`` is required; ``off`` is required and not empty; ``on`` may be left out
or empty. Dates are ISO dates (``YYYY-MM-DD``), quoted or not, or inclusive ranges
``FIRST..LAST``. Every date lies in ``year``; an ``on`` date is a Saturday or a Sunday;
no date is both off and on. No other key is allowed.

:func:`parse_arrangement` checks all of it and raises :class:`CalendarError` listing
every problem, each as ``PATH: message`` (``off[3]: 2028-01-01 is not in 2027``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta
from typing import Any

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_RANGE = re.compile(r"(?P<first>[^.\s]+)\s*\.\.\s*(?P<last>[^.\s]+)")
_KEYS = ("year", "title", "off", "on")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class CalendarError(Exception):
    """A calendar problem a person has to fix: a bad arrangement file, a year out of range.

    ``problems`` holds one line per problem; ``str()`` joins them with newlines.
    """

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class YearArrangement:
    """The official arrangement of one year: its days off and its make-up working days."""

    year: int
    days_off: frozenset[date]
    days_on: frozenset[date]
    title: str | None = None


class _ArrangementLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe YAML, except that dates stay text (checked here) and on/off are not booleans.

    YAML 1.1 reads the bare words ``on`` and ``off`` as true and false, which would turn
    the two keys of the format into booleans.
    """


def _construct_bool_or_word(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> bool | str:
    word = str(loader.construct_scalar(node))
    if word.lower() in ("on", "off"):
        return word.lower()
    return bool(yaml.SafeLoader.bool_values[word.lower()])


def _construct_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_ArrangementLoader.add_constructor("tag:yaml.org,2002:bool", _construct_bool_or_word)
_ArrangementLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)


def parse_arrangement(text: str, source_name: str) -> YearArrangement:
    """Read and check an arrangement file's text; ``source_name`` names it in errors.

    Raises :class:`CalendarError` with every problem found, each ``PATH: message``
    prefixed by ``source_name``.
    """
    problems: list[str] = []
    arrangement = _check_document(_load_yaml(text, problems), problems)
    if problems or arrangement is None:
        raise CalendarError(f"{source_name}: {problem}" for problem in problems)
    return arrangement


def _load_yaml(text: str, problems: list[str]) -> Any:
    try:
        return yaml.load(text, Loader=_ArrangementLoader)  # a SafeLoader underneath
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        problems.append(f"not valid YAML ({where}): {error.problem or error.context}")
    except (yaml.YAMLError, ValueError) as error:
        problems.append(f"not valid YAML: {' '.join(str(error).split())}")
    return None


def _check_document(document: Any, problems: list[str]) -> YearArrangement | None:
    if problems:
        return None
    if not isinstance(document, dict):
        kind = "an empty file" if document is None else _describe(document)
        problems.append(f"expected a mapping with keys year, off and on, got {kind}")
        return None
    for key in document:
        if key not in _KEYS:
            problems.append(f"{key}: unknown key (expected {', '.join(_KEYS)})")

    year = _check_year(document, problems)
    title = _check_title(document.get("title"), problems)
    if "off" not in document:
        problems.append("off: missing (the days off of the year)")
    elif document["off"] in (None, []):
        problems.append("off: empty (an arrangement lists the days off of the year)")
    days_off = _check_dates(document.get("off"), "off", year, problems)
    days_on = _check_dates(document.get("on"), "on", year, problems)

    for day, path in sorted(days_on.items()):
        if day.weekday() < 5:
            problems.append(f"{path}: {day} is a {_WEEKDAYS[day.weekday()]}, not a weekend day")
        if day in days_off:
            problems.append(f"{path}: {day} is also a day off ({days_off[day]})")

    if year is None or problems:
        return None
    return YearArrangement(year, frozenset(days_off), frozenset(days_on), title)


def _check_year(document: dict[Any, Any], problems: list[str]) -> int | None:
    if "year" not in document:
        problems.append("year: missing (the year the arrangement is for, e.g. 2027)")
        return None
    year = document["year"]
    if isinstance(year, bool) or not isinstance(year, int):
        problems.append(f"year: expected a whole number such as 2027, got {_describe(year)}")
        return None
    if not MINYEAR <= year <= MAXYEAR:
        problems.append(f"year: {year} is not a valid year")
        return None
    return year


def _check_title(title: Any, problems: list[str]) -> str | None:
    if isinstance(title, str) and title.strip():
        return title.strip()
    if title is not None and not isinstance(title, str):
        problems.append(f"title: expected text, got {_describe(title)}")
    return None


def _check_dates(entries: Any, key: str, year: int | None, problems: list[str]) -> dict[date, str]:
    """The dates of the ``off`` or ``on`` list, each mapped to the path it came from."""
    if entries is None:
        return {}
    if not isinstance(entries, list):
        problems.append(f"{key}: expected a list of dates, got {_describe(entries)}")
        return {}
    found: dict[date, str] = {}
    for index, entry in enumerate(entries):
        path = f"{key}[{index}]"
        days = _parse_entry(entry, path, problems)
        if year is not None and days and any(day.year != year for day in days):
            outside = next(day for day in days if day.year != year)
            problems.append(f"{path}: {outside} is not in {year}")
            continue
        for day in days:
            found.setdefault(day, path)
    return found


def _parse_entry(entry: Any, path: str, problems: list[str]) -> list[date]:
    """The dates of one list entry: a date, an ISO string, or a ``FIRST..LAST`` range."""
    if isinstance(entry, date) and not isinstance(entry, datetime):
        return [entry]
    if not isinstance(entry, str):
        problems.append(f"{path}: expected a date such as 2027-01-01, got {_describe(entry)}")
        return []
    text = entry.strip()
    if ".." not in text:
        day = _parse_date(text, path, problems)
        return [] if day is None else [day]
    match = _RANGE.fullmatch(text)
    if match is None:
        problems.append(f"{path}: {text!r} is not a range such as 2027-02-05..2027-02-11")
        return []
    first = _parse_date(match["first"], path, problems)
    last = _parse_date(match["last"], path, problems)
    if first is None or last is None:
        return []
    if last < first:
        problems.append(f"{path}: the range {text} ends before it starts")
        return []
    if first.year != last.year:
        problems.append(f"{path}: the range {text} is not within one year")
        return []
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _parse_date(text: str, path: str, problems: list[str]) -> date | None:
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError as error:
            problems.append(f"{path}: {text} is not a real date ({error})")
            return None
    problems.append(f"{path}: {text!r} is not a date such as 2027-01-01")
    return None


def _describe(value: Any) -> str:
    """A short description of a YAML value of the wrong kind, for messages."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value!r}"
    return repr(value)
