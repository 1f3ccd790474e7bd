"""``onething licence verify`` through Typer's test runner, on JSON and PDF licences."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfWriter
from typer.testing import CliRunner, Result

from onething.licences.certificate import sign_certificate
from onething.licences.cli import app
from onething.licences.signing import KeyRing
from tests.unit.licences.samples import payload


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    path = tmp_path / "public.json"
    KeyRing(tmp_path / "ring").export_public(path)
    return path


@pytest.fixture
def document(tmp_path: Path, keys: Path) -> dict[str, Any]:
    ring = KeyRing(tmp_path / "ring")
    signed = sign_certificate(payload(), ring)
    ring.export_public(keys)
    return signed


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


def write_pdf(path: Path, attachment: bytes | None) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if attachment is not None:
        writer.add_attachment("licence.json", attachment)
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def assert_usage_error(result: Result, message: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_valid_json_licence(tmp_path: Path, keys: Path, document: dict[str, Any]) -> None:
    file = write_json(tmp_path / "licence.json", document)
    result = run("verify", str(file), "--keys", str(keys), "--today", "2026-03-01")
    assert result.exit_code == 0, result.output
    assert (
        result.stdout
        == f"valid: {document['number']} 药品经营许可证 吕梁康民大药房有限公司 (有效)\n"
    )


def test_keys_from_the_environment(tmp_path: Path, keys: Path, document: dict[str, Any]) -> None:
    file = write_json(tmp_path / "licence.json", document)
    result = run("verify", str(file), env={"ONETHING_LICENCE_PUBLIC_KEYS": str(keys)})
    assert result.exit_code == 0, result.output


def test_expired(tmp_path: Path, keys: Path, document: dict[str, Any]) -> None:
    file = write_json(tmp_path / "licence.json", document)
    result = run("verify", str(file), "--keys", str(keys), "--today", date(2031, 1, 5).isoformat())
    assert result.exit_code == 1
    assert result.stdout.startswith("expired: 1.2.156.3005.2.YPJYXKZ.")
    assert result.stdout.endswith("(已过期)\n")


def test_tampered(tmp_path: Path, keys: Path, document: dict[str, Any]) -> None:
    document["holder"]["name"] = "吕梁假药房有限公司"
    file = write_json(tmp_path / "licence.json", document)
    result = run("verify", str(file), "--keys", str(keys))
    assert result.exit_code == 1
    assert result.stdout.startswith("forged: ")
    assert result.stdout.endswith("吕梁假药房有限公司 (伪造或被篡改)\n")


def test_a_pdf_with_the_licence_attached(
    tmp_path: Path, keys: Path, document: dict[str, Any]
) -> None:
    data = json.dumps(document, ensure_ascii=False).encode()
    file = write_pdf(tmp_path / "licence.pdf", data)
    result = run("verify", str(file), "--keys", str(keys), "--today", "2026-03-01")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("valid: ")


def test_a_pdf_without_attachment(tmp_path: Path, keys: Path) -> None:
    file = write_pdf(tmp_path / "plain.pdf", None)
    assert_usage_error(run("verify", str(file), "--keys", str(keys)), "no licence.json attachment")


def test_a_damaged_pdf(tmp_path: Path, keys: Path) -> None:
    file = tmp_path / "broken.pdf"
    file.write_bytes(b"%PDF-1.7\n garbage \x00\xff")
    assert_usage_error(run("verify", str(file), "--keys", str(keys)), "broken.pdf")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "not JSON"),
        (b"[1, 2]", "not an electronic licence"),
        (b'{"name": "x"}', "not an electronic licence"),
        (b"\xff\xfe\x00", "not JSON"),
        (b"[" * 100_000, "not JSON"),
    ],
)
def test_not_a_licence(tmp_path: Path, keys: Path, content: bytes, message: str) -> None:
    file = tmp_path / "x.json"
    file.write_bytes(content)
    assert_usage_error(run("verify", str(file), "--keys", str(keys)), message)


def test_a_malformed_licence_is_forged(tmp_path: Path, keys: Path) -> None:
    file = write_json(tmp_path / "x.json", {"number": "1.2.3", "signature": None})
    result = run("verify", str(file), "--keys", str(keys))
    assert result.exit_code == 1
    assert result.stdout == "forged: 1.2.3 (伪造或被篡改)\n"


def test_usage_errors(tmp_path: Path, keys: Path, document: dict[str, Any]) -> None:
    file = write_json(tmp_path / "licence.json", document)
    assert_usage_error(
        run("verify", str(tmp_path / "missing.json"), "--keys", str(keys)), "cannot read"
    )
    assert_usage_error(
        run("verify", str(file), env={"ONETHING_LICENCE_PUBLIC_KEYS": ""}), "no public keys"
    )
    assert_usage_error(
        run("verify", str(file), "--keys", str(tmp_path / "none.json")), "cannot read"
    )
    assert_usage_error(run("verify", str(file), "--keys", str(file)), "not a public key file")
    assert_usage_error(
        run("verify", str(file), "--keys", str(keys), "--today", "2026-02-30"), "not a date"
    )
    assert_usage_error(
        run("verify", str(file), "--keys", str(keys), "--today", "tomorrow"), "not a date"
    )
