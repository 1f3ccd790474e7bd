"""``onething exchange``: this node's identity and keys, the partner list, the 跨省通办
list, delivery now, and a demo partner node. Exit codes: 0 done; 1 refused (the reason
in Chinese on stderr); 2 a usage error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from onething.bootstrap import setup_django

app = typer.Typer(
    name="exchange",
    help="跨省通办: this node's keys, partners, and the exchange of signed envelopes.",
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    add_completion=False,
)
keys_app = typer.Typer(help="This node's signing and encryption keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


def _refused(run):
    """Run a service; a refusal exits 1 with its Chinese message."""
    from onething.core.errors import CaseError

    try:
        return run()
    except CaseError as refused:
        typer.echo(f"error: {refused.message}", err=True)
        raise typer.Exit(1) from None


@app.command("init")
def init_command(
    code: Annotated[str, typer.Option(help="This node's code, e.g. lvliang.")],
    name: Annotated[str, typer.Option(help="This node's name, e.g. 吕梁市政务服务平台.")],
    regions: Annotated[str, typer.Option(help="GB/T 2260 codes, comma-separated.")],
    url: Annotated[str, typer.Option(help="Where partners reach this node.")] = "",
) -> None:
    """Set this node's code, name, regions and address (keys are made if missing)."""
    setup_django()
    from onething.exchange.identity import configure

    node = _refused(lambda: configure(code, name, regions.split(","), url))
    typer.echo(f"node {node.code} ({node.name}), regions {','.join(node.regions)}")


@app.command("identity")
def identity_command(
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
) -> None:
    """Print this node's identity document (public keys, 跨省通办 list) for partners."""
    setup_django()
    from onething.exchange.identity import identity_document

    text = json.dumps(identity_document(), ensure_ascii=False, indent=2)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n")
        typer.echo(f"wrote {output}", err=True)


@keys_app.command("rotate")
def rotate_command(
    overlap_days: Annotated[int, typer.Option(help="Days the old keys stay valid.")] = 30,
) -> None:
    """New keys; partners are sent them signed with the old key, which stays valid."""
    setup_django()
    from datetime import timedelta

    from onething.exchange.services import rotate_and_announce

    if not 0 <= overlap_days <= 365:
        typer.echo("error: --overlap-days must be 0-365", err=True)
        raise typer.Exit(2)
    made = rotate_and_announce(timedelta(days=overlap_days))
    typer.echo(f"new keys: {', '.join(made)}; old keys valid for {overlap_days} more days")


@keys_app.command("list")
def keys_list_command() -> None:
    setup_django()
    from onething.exchange.identity import public_keys

    for key in public_keys():
        typer.echo(f"{key['kid']}  {key['use']}  {key['valid_from']} → {key['valid_until'] or '—'}")


@app.command("partner-add")
def partner_add_command(
    file: Annotated[Path, typer.Argument(help="The partner's identity document (JSON).")],
    url: Annotated[str, typer.Option(help="The partner's address, if not in the file.")] = "",
) -> None:
    """Add a partner from its identity document, or update its keys and list."""
    try:
        document = json.loads(file.read_text())
    except (OSError, ValueError) as error:
        typer.echo(f"error: cannot read {file}: {error}", err=True)
        raise typer.Exit(2) from None
    setup_django()
    from onething.exchange.partners import add_partner

    partner, created = _refused(lambda: add_partner(document, url))
    typer.echo(f"{'added' if created else 'updated'} partner {partner.code} ({partner.name})")


@app.command("partner-list")
def partner_list_command() -> None:
    setup_django()
    from onething.exchange.models import Partner

    for p in Partner.objects.all():
        state = "active" if p.active else "disabled"
        typer.echo(f"{p.code}  {p.name}  {','.join(p.regions)}  {p.base_url}  {state}")


@app.command("partner-disable")
def partner_disable_command(code: str) -> None:
    """Stop exchanging with a partner (its messages refused, ours held)."""
    setup_django()
    from onething.exchange.partners import set_active

    _refused(lambda: set_active(code, False))
    typer.echo(f"disabled {code}")


@app.command("partner-enable")
def partner_enable_command(code: str) -> None:
    setup_django()
    from onething.exchange.partners import set_active

    _refused(lambda: set_active(code, True))
    typer.echo(f"enabled {code}")


@app.command("partner-expire-key")
def partner_expire_key_command(code: str, kid: str) -> None:
    """End a partner's key now (compromised): what it signs is refused from now on."""
    setup_django()
    from onething.exchange.partners import expire_key

    _refused(lambda: expire_key(code, kid))
    typer.echo(f"expired {kid} of {code}")


@app.command("offer")
def offer_command(
    package: str,
    place: Annotated[str, typer.Option(help="The jurisdiction that handles it.")] = "",
    mode: Annotated[
        list[str] | None, typer.Option(help="全程网办 / 异地代收代办 / 多地联办")
    ] = None,
    forward_days: Annotated[int, typer.Option(help="Working days to forward it.")] = 1,
) -> None:
    """Put one of our packages on our 跨省通办 list (partners import it with our identity)."""
    setup_django()
    from onething.exchange.offers import offer

    entry = _refused(lambda: offer(package, place, tuple(mode or ["异地代收代办"]), forward_days))
    typer.echo(f"offered {entry['package']} ({entry['name']}) at {entry['place']}")


@app.command("deliver")
def deliver_command() -> None:
    """Deliver due envelopes now (the sweep does it every round)."""
    setup_django()
    from onething.exchange.outbox import deliver

    typer.echo(f"delivered {deliver()} envelopes")


@app.command("status")
def status_command() -> None:
    """The outbox, inbox and refusals in figures."""
    setup_django()
    from onething.exchange.services import overview

    typer.echo(json.dumps(overview(), ensure_ascii=False))
