"""The `onething` command line: one verb per user task.

Exit codes: 0 done; 1 the input has problems (each listed); 2 a bad request
(unknown package, question or answer, bad arguments).
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from onething import paths
from onething.audit_cli import app as audit_app
from onething.backup_cli import app as backup_app
from onething.bootstrap import setup_django
from onething.calendar.cli import app as calendar_app
from onething.catalog import DEMO_CATALOG
from onething.catalog.entities import Catalog
from onething.catalog.guide import AnswerError, build_guide, find_package, resolve_answers
from onething.catalog.loading import LoadResult, read_catalog_file
from onething.editing.cli import app as editing_app
from onething.exchange.cli import app as exchange_app
from onething.licences.cli import app as licence_app
from onething.search.cli import app as search_app

app = typer.Typer(
    name="onething",
    help="onething — 一件事一次办: catalogue, guides, working-day calendar and the web app.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
catalog_app = typer.Typer(
    help="事项编制: check and import catalogue files.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(catalog_app, name="catalog")
app.add_typer(calendar_app, name="calendar", help="工作日: working days, holidays and 调休.")
app.add_typer(licence_app, name="licence", help="电子证照: verify offline, signing keys.")
app.add_typer(backup_app)  # onething backup FILE, onething restore FILE
app.add_typer(audit_app, name="audit", help="审计: verify the audit trail's chains.")
app.add_typer(editing_app, name="editing", help="事项编制: review and publish the draft catalogue.")
app.add_typer(search_app)  # onething search QUERY, onething ask PACKAGE QUESTION
app.add_typer(exchange_app, name="exchange", help="跨省通办: node keys, partners, envelopes.")

FILE_HELP = "A catalogue file (YAML or JSON); 'demo' is the shipped demo catalogue."


class GuideFormat(StrEnum):
    text = "text"
    json = "json"
    html = "html"
    pdf = "pdf"


def catalog_path(file: str) -> Path:
    """The file named, or the shipped demo catalogue for the word 'demo'."""
    if file == "demo" and not Path(file).exists():
        return DEMO_CATALOG
    return Path(file)


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _print_warnings(result: LoadResult) -> None:
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)


def load_or_exit(file: str) -> Catalog:
    result = read_catalog_file(catalog_path(file))
    _print_warnings(result)
    if result.catalog is None:
        for problem in result.problems:
            typer.echo(str(problem))
        typer.echo(f"{len(result.problems)} problem(s) in {file}", err=True)
        raise typer.Exit(1)
    return result.catalog


@catalog_app.command("check")
def catalog_check(file: Annotated[str, typer.Argument(help=FILE_HELP)]) -> None:
    """Validate a catalogue: 'ok: N items, M packages', or every problem with its path (exit 1)."""
    catalog = load_or_exit(file)
    typer.echo(f"ok: {len(catalog.items)} items, {len(catalog.packages)} packages")


@catalog_app.command("import")
def catalog_import(
    file: Annotated[str, typer.Argument(help=FILE_HELP)],
    note: Annotated[str, typer.Option(help="Why this version (shown in the version list).")] = "",
) -> None:
    """Store a catalogue as the next version; cases keep the version they were filed under."""
    path = catalog_path(file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _fail(f"cannot read {file}: {exc.strerror or exc}", 1) from None
    setup_django()
    from onething.catalog.loading import CatalogError
    from onething.catalog.services import import_catalog

    try:
        outcome = import_catalog(data, imported_by=_operator(), note=note)
    except CatalogError as exc:
        for problem in exc.problems:
            typer.echo(str(problem))
        typer.echo(f"{len(exc.problems)} problem(s) in {file}; nothing imported", err=True)
        raise typer.Exit(1) from None
    for warning in outcome.warnings:
        typer.echo(f"warning: {warning}", err=True)
    version = outcome.version
    if outcome.created:
        typer.echo(
            f"imported version {version.number}: "
            f"{version.items_count} items, {version.packages_count} packages"
        )
    else:
        typer.echo(f"unchanged: version {version.number} is already this catalogue")


@catalog_app.command("versions")
def catalog_versions() -> None:
    """List the stored catalogue versions, newest first."""
    setup_django()
    from django.utils.timezone import localtime

    from onething.catalog.models import CatalogVersion

    for version in CatalogVersion.objects.all()[:50]:
        when = localtime(version.imported_at)
        typer.echo(
            f"{version.number}\t{when:%Y-%m-%d %H:%M}\t{version.imported_by}\t"
            f"{version.items_count} items\t{version.packages_count} packages\t{version.note}"
        )


@catalog_app.command("export")
def catalog_export(
    file: Annotated[Path, typer.Argument(help="Where to write the catalogue file.")],
    version: Annotated[
        int | None, typer.Option(help="The version number (default: the newest).")
    ] = None,
) -> None:
    """Write a stored version exactly as imported: importing it again gives the same digest."""
    setup_django()
    from onething.core.errors import NotFound
    from onething.editing.publishing import export_version

    try:
        found, text = export_version(version)
    except NotFound as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    file.write_bytes(text.encode("utf-8"))
    typer.echo(f"exported version {found.number} ({found.digest[:12]}) to {file}")


@app.command("guide")
def guide_command(
    file: Annotated[str, typer.Argument(help=FILE_HELP)],
    package: Annotated[str, typer.Argument(help="The package id, e.g. open_pharmacy.")],
    answer: Annotated[
        list[str] | None,
        typer.Option("--answer", "-a", help="ID=VALUE: true/false, or the choice. Repeatable."),
    ] = None,
    format: Annotated[GuideFormat, typer.Option("--format", "-f")] = GuideFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(help="Public address of the web app, for the PDF's QR code and links."),
    ] = None,
) -> None:
    """The merged one-thing guide (一次告知) of a package for the given answers."""
    catalog = load_or_exit(file)
    raw_answers: dict[str, str] = {}
    for entry in answer or []:
        question_id, sep, value = entry.partition("=")
        if not sep or not question_id.strip():
            raise _fail(f"--answer '{entry}' must look like ID=VALUE", 2)
        raw_answers[question_id.strip()] = value
    try:
        found = find_package(catalog, package)
        guide = build_guide(catalog, found, resolve_answers(found, raw_answers))
    except AnswerError as exc:
        raise _fail(str(exc), 2) from None

    if format in (GuideFormat.text, GuideFormat.json):
        from onething.guides.presentation import guide_json, guide_text

        rendered = guide_json(guide) + "\n" if format is GuideFormat.json else guide_text(guide)
        _write(rendered.encode("utf-8"), output)
        return

    from onething.guides.rendering import guide_page_url, render_guide_html, render_guide_pdf

    url = guide_page_url(found.id, guide.answers, base_url)
    if format is GuideFormat.html:
        _write(render_guide_html(guide, url).encode("utf-8"), output)
        return
    pdf = render_guide_pdf(guide, url)
    if output is None and sys.stdout.isatty():
        output = Path(f"{found.id}.pdf")
    _write(pdf, output)


@app.command("setup")
def setup_command(
    demo: Annotated[
        bool, typer.Option(help="Load the demo catalogue when it is new and the demo log-ins.")
    ] = True,
) -> None:
    """Prepare the database: apply migrations, load the demo catalogue and demo log-ins."""
    paths.keep_private()  # the database and keys it creates: 0600, in 0700 folders
    setup_django()
    from django.core.management import call_command

    from onething.web.setup import (
        DEMO_PASSWORD,
        demo_second_factor_note,
        ensure_demo_accounts,
        ensure_demo_catalog,
    )

    call_command("migrate", interactive=False, verbosity=0)
    _refuse_unreadable_data()  # before any key is made: keys that cannot read the data
    call_command("createcachetable", verbosity=0)  # the shared caches (throttles, documents)
    typer.echo(f"database ready: {_database_label()}")
    from onething.privacy.crypto import ensure_keys

    typer.echo(f"keys: {', '.join(ensure_keys())} ({paths.keys_dir()})")  # paths.KEY_FILES
    from onething.exchange.identity import ensure_keys as ensure_node_keys, identity

    ensure_node_keys()  # 跨省通办: this node's signing and encryption keys
    typer.echo(f"exchange node: {identity().code} (onething exchange identity prints its keys)")
    if demo:
        typer.echo(ensure_demo_catalog())
    from onething.catalog.services import current_catalog
    from onething.licences.services import ensure_issuer_keys

    current = current_catalog()
    if current is not None:
        count = ensure_issuer_keys(current.catalog)
        where = paths.licence_keys_dir()
        typer.echo(f"licence signing keys: {count} issuing authorities ({where})")
    if demo:
        accounts = ensure_demo_accounts()
        shown = [a for a in accounts if a.shown]
        typer.echo(f"demo log-ins ({len(accounts)} accounts, password {DEMO_PASSWORD} for all):")
        for account in shown:
            place = account.jurisdiction and f" {account.jurisdiction}"
            typer.echo(f"  {account.username:<18} {account.role:<10}{place}  {account.full_name}")
        typer.echo("  r_<department>[_lishi] reviewer of every department at 吕梁市 / 离石区")
        typer.echo(demo_second_factor_note())


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (gunicorn).")] = 2,
    sweep_every: Annotated[
        int, typer.Option(help="Seconds between background sweeps; 0 runs none here.")
    ] = 60,
) -> None:
    """Serve the web app with gunicorn, and run the background sweep beside it.

    ID card and mobile numbers are masked in the access log. Refuses to start when the
    keys present cannot read the stored data (onething.E100-E102).

    gunicorn's control socket: <data dir>/run/gunicorn-<machine>-<address>-<port>.ctl;
    gunicorn and the sweep run in a process group of their own, stopped with this command
    (<data dir>/run/serve-<machine>-<address>-<port>.pid)."""
    from onething.serving import ServeRefused, serve

    if workers < 1:
        raise _fail("--workers must be at least 1", 2)
    paths.keep_private()  # inherited by gunicorn and the sweep: what they write is private
    _refuse_unreadable_data()
    typer.echo(f"serving on http://{host}:{port}/  (Ctrl+C stops)")
    try:
        code = serve(host, port, workers, sweep_every, lambda line: typer.echo(line, err=True))
    except ServeRefused as refused:
        raise _fail(str(refused), 2) from None
    raise typer.Exit(code)


@app.command("demo")
def demo_command(
    days: Annotated[
        int | None,
        typer.Option(help="How many days back to simulate (default 30; 365 with --cases)."),
    ] = None,
    per_day: Annotated[int, typer.Option(help="About how many cases a working day.")] = 8,
    seed: Annotated[int, typer.Option(help="Random seed (the same seed, the same month).")] = 1,
    cases: Annotated[
        int,
        typer.Option(
            help="Instead: bulk-load this many cases of history over --days (default a "
            "year), for benchmarks with millions of cases."
        ),
    ] = 0,
) -> None:
    """Fill the demo with a realistic month: cases arriving on working days, accepted,
    decided (some late), handed over, rated; a few complaints. For the dashboard.
    With --cases N: a year of history bulk-loaded (COPY on PostgreSQL)."""
    if days is None:
        days = 365 if cases else 30
    longest = 3660 if cases else 366
    if days < 1 or days > longest or per_day < 1 or per_day > 500:
        raise _fail(f"--days must be 1-{longest} and --per-day 1-500", 2)
    if cases < 0 or cases > 50_000_000:
        raise _fail("--cases must be 0-50000000", 2)
    setup_django()
    from onething.demo.simulation import simulate_month

    if cases:
        from onething.demo.history import generate_history

        made = _with_progress(
            lambda progress: generate_history(cases, days, seed, progress=progress),
            lambda done, total: f"loaded {done:,}/{total:,} cases",
        )
        typer.echo(
            f"loaded {made.cases:,} cases, {made.tasks:,} tasks, {made.actions:,} audit "
            f"records and {made.ratings:,} ratings; the dashboard's roll-up is rebuilt"
        )
        return
    report = _with_progress(
        lambda progress: simulate_month(days, per_day, seed, progress=progress),
        lambda done, total: f"simulating day {done}/{total}",
    )
    typer.echo(
        f"simulated {report.days} days: {report.cases} cases, {report.finished} finished, "
        f"{report.ratings} ratings, {report.complaints} complaints; at 离石区政务服务中心 "
        f"{report.assisted} filed with 帮办代办, {report.appointments} appointments "
        f"({report.no_shows} no-shows), {report.tickets} tickets, {report.after_hours} "
        f"after-hours, {report.home_visits} home visits"
    )


def _with_progress(run, line):
    """Run a long job that reports (done, total), showing `line(done, total)` as it goes
    on one line of stderr; a refused job exits 1 with its message."""
    from onething.core.errors import CaseError

    def progress(done: int, total: int) -> None:
        typer.echo("\r" + line(done, total), nl=False, err=True)

    try:
        result = run(progress)
    except CaseError as exc:
        raise _fail(exc.message, 1) from None
    typer.echo("", err=True)
    return result


@app.command("sweep")
def sweep_command(
    every: Annotated[
        int, typer.Option(help="Repeat every this many seconds (0: once and exit).")
    ] = 0,
) -> None:
    """Background work: deem undecided applications accepted after 5 working days
    (行政许可法 Art. 32) and deliver queued notifications. Safe to run on several hosts.
    While repeating, it also checkpoints SQLite's write-ahead log every second.
    SIGTERM or SIGINT: the notification in hand is finished, then it exits."""
    setup_django()
    from onething.sweep import run

    run(every, lambda line, error: typer.echo(line, err=error))


@app.command("zone-sample")
def zone_sample_command(
    output: Annotated[Path, typer.Argument(help="The file to write: .xlsx or .csv.")],
    rows: Annotated[int, typer.Option(help="Businesses (rows) in the sheet.")] = 130,
    bad: Annotated[int, typer.Option(help="Rows made wrong, each in one column.")] = 5,
) -> None:
    """专区办: a sample spreadsheet of new businesses of 郊区荫营农贸市场 to import (the
    demo's zone), `bad` of its rows wrong so that their problems are shown by row and column."""
    from onething.zones.sample import sample_csv, sample_xlsx

    if not 1 <= rows < 10_000 or not 0 <= bad <= rows:
        raise _fail("rows: 1 to 9999; bad: 0 to rows", 2)
    make = sample_csv if output.suffix.lower() == ".csv" else sample_xlsx
    _write(make(rows, bad), output)


@exchange_app.command("demo-partner")
def exchange_demo_partner_command(
    url: Annotated[str, typer.Option(help="Where this partner node is served.")] = "",
) -> None:
    """Make this data directory the demo partner node 榆林市 (after `onething setup
    --no-demo` with its own ONETHING_DATA_DIR): catalogue, identity, 跨省通办 list, staff."""
    setup_django()
    from onething.demo.partner import make_partner_node

    for line in make_partner_node(url):
        typer.echo(line)


@app.command(
    "manage",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def manage_command(ctx: typer.Context) -> None:
    """Run a Django management command, e.g. `onething manage createsuperuser`."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["onething manage", *ctx.args])


def _refuse_unreadable_data() -> None:
    """Exit 1, naming what is missing, when the keys present cannot read the stored data
    (keys_check.py); the connection is closed before gunicorn and the sweep start."""
    setup_django()
    from django.db import connections

    from onething.keys_check import start_up_errors

    errors = start_up_errors()
    connections.close_all()
    for error in errors:
        typer.echo(f"error: {error}", err=True)
    if errors:
        typer.echo("error: 拒绝启动：现有密钥无法读取已存储的数据", err=True)
        raise typer.Exit(1)


def _database_label() -> str:
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {settings['NAME']}"
    return f"{connection.vendor} {settings.get('HOST') or 'local'}/{settings['NAME']}"


def _operator() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in some containers
        return "cli"


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise _fail(f"cannot write {output}: {exc.strerror or exc}", 1) from None
    typer.echo(f"wrote {output} ({len(data)} bytes)", err=True)


def main() -> None:
    """Console entry point: never shows a traceback unless ONETHING_DEBUG is set."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug, not a user error: say so in one line
        if os.environ.get("ONETHING_DEBUG"):
            raise
        typer.echo(
            f"internal error: {type(exc).__name__}: {exc} (set ONETHING_DEBUG=1 for details)",
            err=True,
        )
        sys.exit(70)
