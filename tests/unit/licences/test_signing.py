"""Signature schemes, the key ring on disk, rotation and exported public keys."""

import base64
import hashlib
import hmac
import json
import stat
from pathlib import Path

import pytest

from onething.licences.signing import (
    ED25519,
    SCHEMES,
    KeyRing,
    PublicKeys,
    Signature,
    register_scheme,
)

AUTHORITY = "11141100649644281T"
OTHER = "91110000600037341L"
MESSAGE = "吕梁康民大药房有限公司".encode()


@pytest.fixture
def ring(tmp_path: Path) -> KeyRing:
    return KeyRing(tmp_path / "keys")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_ed25519_round_trip() -> None:
    private, public = ED25519.generate()
    assert (len(private), len(public)) == (32, 32)
    signature = ED25519.sign(private, MESSAGE)
    assert ED25519.verify(public, MESSAGE, signature)
    assert not ED25519.verify(public, MESSAGE + b"!", signature)
    assert not ED25519.verify(public, MESSAGE, signature[:-1] + bytes([signature[-1] ^ 1]))
    assert not ED25519.verify(public[:31], MESSAGE, signature)
    assert not ED25519.verify(public, MESSAGE, b"garbage")
    assert SCHEMES["ed25519"] is ED25519


def test_ensure_creates_one_key_and_keeps_it(ring: KeyRing) -> None:
    info = ring.ensure(AUTHORITY)
    assert (info.authority, info.scheme, info.retired) == (AUTHORITY, "ed25519", None)
    assert ring.ensure(AUTHORITY) == info
    directory = ring.root / AUTHORITY
    assert mode(directory / f"{info.key_id}.key") == 0o600
    assert mode(directory) == 0o700
    assert len(base64.b64decode((directory / f"{info.key_id}.pub").read_text())) == 32
    index = json.loads((directory / "keys.json").read_text())
    assert index == {
        "current": info.key_id,
        "keys": {info.key_id: {"scheme": "ed25519", "created": info.created, "retired": None}},
    }
    leftovers = [p.name for p in directory.iterdir() if p.name.startswith(".keys")]
    assert leftovers == []  # temporary files were all renamed into place


def test_sign_and_verify(ring: KeyRing) -> None:
    signature = ring.sign(AUTHORITY, MESSAGE)  # creates the first key
    assert signature.key_id == ring.current(AUTHORITY).key_id
    assert ring.verify(AUTHORITY, MESSAGE, signature)
    assert not ring.verify(AUTHORITY, MESSAGE + b" ", signature)
    assert not ring.verify(OTHER, MESSAGE, signature)  # another authority, no keys


def test_rotation_keeps_old_keys_verifying(ring: KeyRing) -> None:
    first = ring.ensure(AUTHORITY)
    old_signature = ring.sign(AUTHORITY, MESSAGE)
    second = ring.rotate(AUTHORITY)
    assert second.key_id != first.key_id
    assert ring.current(AUTHORITY) == second
    new_signature = ring.sign(AUTHORITY, MESSAGE)
    assert new_signature.key_id == second.key_id
    assert ring.verify(AUTHORITY, MESSAGE, old_signature)
    assert ring.verify(AUTHORITY, MESSAGE, new_signature)
    keys = ring.keys(AUTHORITY)
    assert [k.key_id for k in keys] == [first.key_id, second.key_id]
    assert keys[0].retired is not None and keys[1].retired is None
    assert set(ring.public_keys(AUTHORITY)) == {first.key_id, second.key_id}


@pytest.mark.parametrize(
    "garbage",
    [
        Signature("ed25519", "no-such-key", base64.b64encode(b"x" * 64).decode()),
        Signature("sm2", "KEY", base64.b64encode(b"x" * 64).decode()),  # scheme mismatch
        Signature("ed25519", "KEY", "not base64!"),
        Signature("ed25519", "KEY", ""),
        Signature("ed25519", "../../etc/passwd", "AAAA"),
        Signature(None, ["KEY"], 5),  # type: ignore[arg-type]
        None,
        "a string",
    ],
)
def test_verify_says_false_to_garbage(ring: KeyRing, garbage: object) -> None:
    key_id = ring.ensure(AUTHORITY).key_id
    if isinstance(garbage, Signature) and garbage.key_id == "KEY":
        garbage = Signature(garbage.scheme, key_id, garbage.value)
    assert not ring.verify(AUTHORITY, MESSAGE, garbage)  # type: ignore[arg-type]
    good = ring.sign(AUTHORITY, MESSAGE)
    assert not ring.verify("not a code", MESSAGE, good)
    assert not ring.verify(AUTHORITY, "text, not bytes", good)  # type: ignore[arg-type]


def test_authority_must_be_a_valid_code(ring: KeyRing) -> None:
    for bad in ("11141100649644281X", "../11141100649644281T", "11141100-649644281T"):
        with pytest.raises(ValueError, match=r"unified social credit code|compactly"):
            ring.ensure(bad)


def test_exported_public_keys_verify_offline(ring: KeyRing, tmp_path: Path) -> None:
    old = ring.sign(AUTHORITY, MESSAGE)
    ring.rotate(AUTHORITY)
    new = ring.sign(AUTHORITY, MESSAGE)
    other = ring.sign(OTHER, MESSAGE)
    path = tmp_path / "public" / "keys.json"
    ring.export_public(path)
    assert "key" not in {p.suffix for p in path.parent.iterdir()}
    keys = PublicKeys.load(path)
    assert keys.authorities() == sorted([AUTHORITY, OTHER])
    assert keys.verify(AUTHORITY, MESSAGE, old)
    assert keys.verify(AUTHORITY, MESSAGE, new)
    assert keys.verify(OTHER, MESSAGE, other)
    assert not keys.verify(OTHER, MESSAGE, new)
    assert not keys.verify("nobody", MESSAGE, new)
    assert keys.public_keys(AUTHORITY) == ring.public_keys(AUTHORITY)


@pytest.mark.parametrize(
    "text", ["", "[]", '{"authorities": 1}', '{"authorities": {"A": {"k": {"scheme": "x"}}}}']
)
def test_loading_something_else_is_a_value_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "keys.json"
    path.write_text(text)
    with pytest.raises(ValueError):
        PublicKeys.load(path)


class KeyedHash:
    """A toy scheme (the public key equals the private one) to show the registry at work."""

    name = "toy-hmac"

    def generate(self) -> tuple[bytes, bytes]:
        return b"k" * 16, b"k" * 16

    def sign(self, private_key: bytes, message: bytes) -> bytes:
        return hmac.new(private_key, message, hashlib.sha256).digest()

    def verify(self, public_key: bytes, message: bytes, signature: bytes) -> bool:
        return hmac.compare_digest(self.sign(public_key, message), signature)


def test_a_registered_scheme_signs_and_verifies(
    ring: KeyRing, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("onething.licences.signing.SCHEMES", dict(SCHEMES))
    register_scheme(KeyedHash())
    ring.ensure(AUTHORITY)
    toy = KeyRing(ring.root, "toy-hmac")  # a ring signs with its own scheme's key
    info = toy.rotate(AUTHORITY)
    signature = toy.sign(AUTHORITY, MESSAGE)
    assert (signature.scheme, signature.key_id) == ("toy-hmac", info.key_id)
    assert ring.verify(AUTHORITY, MESSAGE, signature)  # any ring verifies every scheme
    assert not ring.verify(AUTHORITY, MESSAGE + b"?", signature)
    assert ring.sign(AUTHORITY, MESSAGE).scheme == "ed25519"  # its key was not retired
