"""``onething calendar``: working-day arithmetic and the official holiday arrangements.

Commands:

* ``add DATE N``: the date N working days after DATE (the start day not counted);
* ``load FILE``: check an official arrangement file and keep it for its year;
* ``show YEAR``: the year's source, days off and make-up working days;
* ``unload YEAR``: forget a loaded arrangement, the year falls back to the other sources.

Loaded arrangements live in ``onething.paths.calendar_dir()``, one ``<year>.yaml`` each.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from onething import paths
from onething.calendar.arrangements import CalendarError, parse_arrangement
from onething.calendar.rules import CHINESE_CALENDAR, OFFICIAL, WorkingCalendar

EXIT_PROBLEMS = 1  # the data is wrong: an arrangement file, a broken calendar directory
EXIT_USAGE = 2  # the command line is wrong: a bad date, number or year

_WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INTEGER = re.compile(r"[+-]?\d+")

app = typer.Typer(
    name="calendar",
    help="Working days (工作日): weekends, statutory holidays and make-up days (调休).",
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    add_completion=False,
)


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _parse_date(text: str) -> date:
    if _ISO_DATE.fullmatch(text.strip()):
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            pass
    _fail(f"{text!r} is not a date: expected YYYY-MM-DD, e.g. 2026-11-20", EXIT_USAGE)


def _parse_integer(text: str, what: str) -> int:
    if _INTEGER.fullmatch(text.strip()):
        return int(text.strip())
    _fail(f"{text!r} is not {what}", EXIT_USAGE)


def _load_calendar() -> WorkingCalendar:
    directory = paths.calendar_dir()
    try:
        return WorkingCalendar.from_directory(directory)
    except CalendarError as error:
        for problem in error.problems:
            typer.echo(problem, err=True)
        _fail(
            f"the loaded arrangements in {directory} are broken; fix the files or remove them "
            "with 'onething calendar unload YEAR'",
            EXIT_PROBLEMS,
        )


def provisional_warning(year: int) -> str:
    """The stderr line that says a year's holidays are a guess from the statutory rule."""
    return (
        f"warning: {year} is provisional: holidays follow the statutory rule "
        "(全国年节及纪念日放假办法); load the State Council's arrangement with "
        "'onething calendar load FILE'"
    )


def _warn_provisional(years: list[int]) -> None:
    for year in years:
        typer.echo(provisional_warning(year), err=True)


# ignore_unknown_options lets a negative N such as -3 through as an argument
@app.command(context_settings={"ignore_unknown_options": True})
def add(
    start: Annotated[str, typer.Argument(metavar="DATE", help="The start day, YYYY-MM-DD.")],
    n: Annotated[str, typer.Argument(metavar="N", help="Working days to add; may be negative.")],
) -> None:
    """Print the date N working days after DATE; DATE itself is not counted."""
    day = _parse_date(start)
    count = _parse_integer(n, "a whole number of working days")
    calendar = _load_calendar()
    try:
        result = calendar.add_working_days(day, count)
        provisional = calendar.provisional_years(day, result)
    except CalendarError as error:
        _fail(str(error), EXIT_USAGE)
    typer.echo(result.isoformat())
    _warn_provisional(provisional)


def _write_atomically(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@app.command()
def load(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The arrangement, YAML.")],
) -> None:
    """Check an official arrangement file and keep it; it then decides its year."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        _fail(f"cannot read {file}: {error}", EXIT_PROBLEMS)
    try:
        arrangement = parse_arrangement(text, str(file))
    except CalendarError as error:
        for problem in error.problems:
            typer.echo(problem, err=True)
        _fail(f"{file} was not loaded ({len(error.problems)} problems)", EXIT_PROBLEMS)
    target = paths.calendar_dir() / f"{arrangement.year}.yaml"
    replaced = target.exists()
    try:
        _write_atomically(target, text)
    except OSError as error:
        _fail(f"cannot write {target}: {error}", EXIT_PROBLEMS)
    verb = "replaced" if replaced else "loaded"
    title = f" ({arrangement.title})" if arrangement.title else ""
    off, on = len(arrangement.days_off), len(arrangement.days_on)
    typer.echo(
        f"{verb} {arrangement.year}{title}: {_count(off, 'day')} off, {_count(on, 'day')} on"
        f" -> {target}"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _describe_source(calendar: WorkingCalendar, year: int) -> str:
    source = calendar.source_of(year)
    if source == OFFICIAL:
        arrangement = calendar.arrangement(year)
        if arrangement and arrangement.title:
            return f"{year}年 来源: official（国务院正式安排：{arrangement.title}）"
        return f"{year}年 来源: official（已载入的国务院正式安排）"
    if source == CHINESE_CALENDAR:
        return f"{year}年 来源: chinese_calendar（chinese_calendar 收录的国务院安排）"
    return f"{year}年 来源: statutory（按《全国年节及纪念日放假办法》推算）provisional 暂定"


@app.command()
def show(year: Annotated[str, typer.Argument(metavar="YEAR", help="The year, e.g. 2027.")]) -> None:
    """Print the year's source, its days off and its make-up working days."""
    number = _parse_integer(year, "a year such as 2027")
    calendar = _load_calendar()
    try:
        header = _describe_source(calendar, number)
        holidays = calendar.holidays(number)
        make_up_days = calendar.make_up_days(number)
        provisional = calendar.is_provisional(number)
    except CalendarError as error:
        _fail(str(error), EXIT_USAGE)
    typer.echo(header)
    typer.echo(f"放假 {len(holidays)} 天:")
    for day, name in holidays:
        typer.echo(f"  {day.isoformat()} {_WEEKDAYS[day.weekday()]} {name}")
    typer.echo(f"调休上班 {len(make_up_days)} 天:")
    for day in make_up_days:
        typer.echo(f"  {day.isoformat()} {_WEEKDAYS[day.weekday()]} 上班")
    if provisional:
        _warn_provisional([number])


@app.command()
def unload(
    year: Annotated[str, typer.Argument(metavar="YEAR", help="The year, e.g. 2027.")],
) -> None:
    """Forget the arrangement loaded for YEAR; the year falls back to the other sources."""
    number = _parse_integer(year, "a year such as 2027")
    target = paths.calendar_dir() / f"{number}.yaml"
    try:
        target.unlink()
    except FileNotFoundError:
        _fail(f"no arrangement is loaded for {number} (no {target})", EXIT_PROBLEMS)
    except OSError as error:
        _fail(f"cannot remove {target}: {error}", EXIT_PROBLEMS)
    try:
        fallback = f"it now follows {WorkingCalendar().source_of(number)}"
    except CalendarError:
        fallback = "no other source covers it"
    typer.echo(f"unloaded {number}: {fallback}")
