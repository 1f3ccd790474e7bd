"""``onething licence``: electronic licences on the command line.

``verify FILE`` checks a signed licence offline — the JSON document, or a PDF that
carries it as the attachment ``licence.json`` — against exported public keys
(``--keys`` or ``$ONETHING_LICENCE_PUBLIC_KEYS``). Exit codes: 0 valid; 1 expired or
forged; 2 a usage error (unreadable file, not a licence, bad keys file or date).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from onething.licences.certificate import LicenceStatus, check_document
from onething.licences.signing import PublicKeys

EXIT_INVALID = 1
EXIT_USAGE = 2
KEYS_ENV = "ONETHING_LICENCE_PUBLIC_KEYS"
ATTACHMENT = "licence.json"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

app = typer.Typer(
    name="licence",
    help="电子证照: verify electronic licences offline.",
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def licence() -> None:
    """电子证照: verify electronic licences offline."""


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _pdf_attachment(data: bytes, file: Path) -> bytes:
    from pypdf import PdfReader

    try:
        attachments = PdfReader(io.BytesIO(data)).attachments
        contents = attachments.get(ATTACHMENT)
    except Exception as error:  # pypdf raises many kinds on a damaged file
        _fail(f"{file}: cannot read the PDF ({type(error).__name__})")
    if not contents:
        _fail(f"{file}: the PDF has no {ATTACHMENT} attachment: not an electronic licence")
    return contents[0]


def read_document(file: Path) -> dict[str, Any]:
    """The licence document in a JSON or PDF file; exits with a usage error otherwise."""
    try:
        data = file.read_bytes()
    except OSError as error:
        _fail(f"cannot read {file}: {error.strerror or error}")
    if file.suffix.lower() == ".pdf" or data.startswith(b"%PDF-"):
        data = _pdf_attachment(data, file)
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        _fail(f"{file}: not JSON: not an electronic licence")
    if not isinstance(document, dict) or not {"number", "signature"} & document.keys():
        _fail(f"{file}: not an electronic licence")
    return document


def _describe(document: Mapping[str, Any], file: Path) -> str:
    holder = document.get("holder")
    parts = [
        document.get("number"),
        document.get("type_name"),
        holder.get("name") if isinstance(holder, dict) else None,
    ]
    shown = [part for part in parts if isinstance(part, str) and part]
    return " ".join(shown) or str(file)


@app.command("verify")
def verify(
    file: Annotated[Path, typer.Argument(help="The licence: a .json document or a .pdf.")],
    keys: Annotated[
        Path | None,
        typer.Option(
            "--keys", envvar=KEYS_ENV, help="Exported public keys (JSON).", show_default=False
        ),
    ] = None,
    today: Annotated[
        str | None, typer.Option(help="Check expiry as of this day (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Check a licence's signature and validity offline: 'valid: …' (exit 0) or not (exit 1)."""
    if keys is None:
        _fail(f"no public keys: give --keys PATH or set {KEYS_ENV}")
    day = date.today()
    if today is not None:
        try:
            if not _ISO_DATE.fullmatch(today):
                raise ValueError
            day = date.fromisoformat(today)
        except ValueError:
            _fail(f"{today!r} is not a date: expected YYYY-MM-DD")
    try:
        public_keys = PublicKeys.load(keys)
    except OSError as error:
        _fail(f"cannot read {keys}: {error.strerror or error}")
    except ValueError:
        _fail(f"{keys}: not a public key file (export one with the key ring)")
    document = read_document(file)
    status = check_document(document, public_keys, day)
    typer.echo(f"{status}: {_describe(document, file)} ({status.label})")
    if status is not LicenceStatus.valid:
        raise typer.Exit(EXIT_INVALID)


keys_app = typer.Typer(
    help="Issuing authorities' signing keys (outside the database).",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(keys_app, name="keys")


def _keyring():
    from onething import paths
    from onething.core import crypto_profile
    from onething.licences.signing import KeyRing

    return KeyRing(paths.licence_keys_dir(), crypto_profile.current().signature)


@keys_app.command("list")
def keys_list() -> None:
    """Every authority's keys: the current one signs, retired ones still verify."""
    ring = _keyring()
    authorities = ring.authorities()
    if not authorities:
        typer.echo("no keys yet: `onething setup` creates one for every issuing authority")
    for authority in authorities:
        for key in ring.keys(authority):
            state = f"retired {key.retired}" if key.retired else "current"
            typer.echo(f"{authority}  {key.key_id}  {key.scheme}  created {key.created}  {state}")


@keys_app.command("rotate")
def keys_rotate(
    authority: Annotated[str, typer.Argument(help="The authority's unified social credit code.")],
) -> None:
    """Give an authority a new signing key of the crypto profile's scheme (Ed25519, or SM2
    under ONETHING_CRYPTO_PROFILE=gm); certificates signed before still verify."""
    ring = _keyring()
    if authority not in ring.authorities():
        _fail(f"no keys for authority {authority}; see `onething licence keys list`")
    key = ring.rotate(authority)
    typer.echo(f"{authority}: new current key {key.key_id} ({key.scheme})")


@keys_app.command("export")
def keys_export(
    output: Annotated[Path, typer.Argument(help="Where to write the public keys (JSON).")],
) -> None:
    """Write every authority's public keys, for `licence verify --keys` offline."""
    ring = _keyring()
    try:
        ring.export_public(output)
    except OSError as error:
        _fail(f"cannot write {output}: {error.strerror or error}")
    typer.echo(f"wrote the public keys of {len(ring.authorities())} authorities to {output}")
