"""``onething editing``: the draft catalogue's review on the command line (the pages'
services): ``status``, ``differences``, ``submit``, ``publish``, ``return``, ``rollback``,
``discard``.
Each acts as a named account (``--as``) whose role allows it. Exit codes: 0 done; 1
refused (the reason on stderr, in Chinese); 2 a bad request (unknown account)."""

from __future__ import annotations

from typing import Annotated

import typer

from onething.bootstrap import setup_django

app = typer.Typer(
    name="editing",
    help="事项编制: the draft catalogue's review and publication.",
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    add_completion=False,
)

AS_HELP = "The account acting (an editor or the publisher), e.g. publisher."


def _account(username: str):
    from django.contrib.auth import get_user_model

    found = get_user_model().objects.filter(username=username).first()
    if found is None:
        typer.echo(f"error: no account '{username}'", err=True)
        raise typer.Exit(2)
    return found


def _run(action):
    from onething.core.errors import CaseError

    try:
        return action()
    except CaseError as exc:
        typer.echo(f"refused: {exc.message}", err=True)
        raise typer.Exit(1) from None


@app.command("status")
def status() -> None:
    """The open draft: its state, the version it is based on, its problems."""
    setup_django()
    from onething.editing import publishing, services

    draft = services.open_draft()
    if draft is None:
        typer.echo("no draft")
        return
    problems, warnings = publishing.draft_problems(draft)
    typer.echo(
        f"draft {draft.pk}: {draft.state} (based on version {draft.base_version.number}), "
        f"{len(problems)} problems, {len(warnings)} warnings"
    )
    for problem in problems:
        typer.echo(f"  {problem}")


@app.command("differences")
def differences() -> None:
    """Each object the draft adds, removes or changes, in words."""
    setup_django()
    from onething.editing import publishing

    for difference in publishing.draft_differences():
        typer.echo(difference.text)


@app.command("submit")
def submit(as_: Annotated[str, typer.Option("--as", help=AS_HELP)]) -> None:
    """Hand the draft to the publisher (refused while it has problems)."""
    setup_django()
    from onething.editing import publishing

    _run(lambda: publishing.submit(_account(as_)))
    typer.echo("submitted")


@app.command("publish")
def publish(
    as_: Annotated[str, typer.Option("--as", help=AS_HELP)],
    note: Annotated[str, typer.Option(help="What the version changes.")] = "",
) -> None:
    """Publish the submitted draft as the next catalogue version."""
    setup_django()
    from onething.editing import publishing

    version = _run(lambda: publishing.publish(_account(as_), note))
    typer.echo(f"published: version {version.number} ({version.digest[:12]})")


@app.command("return")
def return_draft(
    as_: Annotated[str, typer.Option("--as", help=AS_HELP)],
    reason: Annotated[str, typer.Option(help="Why it goes back to the editors.")],
) -> None:
    """Return the submitted draft to the editors with a reason."""
    setup_django()
    from onething.editing import publishing

    _run(lambda: publishing.return_draft(_account(as_), reason))
    typer.echo("returned")


@app.command("discard")
def discard(
    as_: Annotated[str, typer.Option("--as", help=AS_HELP)],
    reason: Annotated[str, typer.Option(help="Why it is given up.")] = "",
) -> None:
    """Give the open draft up: nothing of it is published."""
    setup_django()
    from onething.editing import publishing

    _run(lambda: publishing.discard(_account(as_), reason))
    typer.echo("discarded")


@app.command("rollback")
def rollback(
    version: Annotated[int, typer.Argument(help="The earlier version to publish again.")],
    as_: Annotated[str, typer.Option("--as", help=AS_HELP)],
) -> None:
    """Publish an earlier version again (as the next version, with its digest)."""
    setup_django()
    from onething.editing import publishing

    published = _run(lambda: publishing.rollback(_account(as_), version))
    typer.echo(f"published: version {published.number} ({published.digest[:12]})")
