"""Signatures for electronic licences: pluggable schemes and a key ring on disk.

``SCHEMES`` maps a scheme name to its implementation: ``ed25519`` (the intl crypto
profile) and ``sm2`` (the gm profile, licences/sm2.py); ``register_scheme`` adds others.
``KeyRing`` keeps one directory per issuing authority, named by its unified social credit
code::

    <root>/<USCC>/keys.json    {"current": id, "keys": {id: {"scheme", "created", "retired"}}}
    <root>/<USCC>/<id>.key     private key, raw bytes in base64, mode 0600
    <root>/<USCC>/<id>.pub     public key, raw bytes in base64

An authority may hold keys of several schemes: a ring signs with the newest unretired key
of its own scheme (``KeyRing(root, scheme)``, the crypto profile's), creating one if there
is none, and ``"current"`` names the newest key of all. Rotation retires the keys of the
same scheme and keeps them, so the licences they signed still verify. A signature names
its scheme and key; verification dispatches on the scheme the key was made for, so
certificates signed under either profile verify everywhere. ``PublicKeys`` is the
exported public half (every key, with its scheme), for offline verification.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import json
import os
import re
import secrets
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from stdnum.cn import uscc

from onething.licences.sm2 import SM2

_KEY_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")


class Scheme(Protocol):
    """A signature scheme over raw key bytes."""

    name: str

    def generate(self) -> tuple[bytes, bytes]:
        """A new key pair: (private bytes, public bytes)."""
        ...

    def sign(self, private_key: bytes, message: bytes) -> bytes: ...

    def verify(self, public_key: bytes, message: bytes, signature: bytes) -> bool:
        """True only for a good signature; never raises on malformed keys or signatures."""
        ...


class Ed25519Scheme:
    """Ed25519 (RFC 8032) with raw 32-byte keys."""

    name = "ed25519"

    def generate(self) -> tuple[bytes, bytes]:
        private = Ed25519PrivateKey.generate()
        return (
            private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()),
            private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
        )

    def sign(self, private_key: bytes, message: bytes) -> bytes:
        return _ed25519_private(private_key).sign(message)

    def verify(self, public_key: bytes, message: bytes, signature: bytes) -> bool:
        try:
            _ed25519_public(public_key).verify(signature, message)
        except (InvalidSignature, ValueError, TypeError):
            return False
        return True


@lru_cache(maxsize=256)
def _ed25519_private(raw: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(raw)


@lru_cache(maxsize=1024)
def _ed25519_public(raw: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(raw)


ED25519 = Ed25519Scheme()
SCHEMES: dict[str, Scheme] = {}


def register_scheme(scheme: Scheme) -> None:
    """Make ``scheme`` available by its name (replacing any scheme of that name)."""
    SCHEMES[scheme.name] = scheme


register_scheme(ED25519)
register_scheme(SM2)


def _signing_key(index: Mapping[str, Any], scheme: str) -> str | None:
    """The newest unretired key of `scheme` in an authority's index (keys oldest first)."""
    found = None
    for key_id, meta in index["keys"].items():
        if meta["scheme"] == scheme and meta["retired"] is None:
            found = key_id
    return found


@dataclass(frozen=True, slots=True)
class Signature:
    scheme: str
    key_id: str
    value: str  # base64

    def as_dict(self) -> dict[str, str]:
        return {"scheme": self.scheme, "key_id": self.key_id, "value": self.value}


@dataclass(frozen=True, slots=True)
class KeyInfo:
    authority: str
    key_id: str
    scheme: str
    created: str
    retired: str | None


def _b64decode(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _verify(keys: Mapping[str, tuple[str, bytes]], message: bytes, signature: object) -> bool:
    """Check ``signature`` against ``keys``; False for anything wrong, never an exception."""
    if not isinstance(signature, Signature) or not isinstance(message, bytes):
        return False
    entry = keys.get(signature.key_id) if isinstance(signature.key_id, str) else None
    if entry is None or entry[0] != signature.scheme:
        return False
    scheme = SCHEMES.get(entry[0])
    if scheme is None or not isinstance(signature.value, str):
        return False
    try:
        value = _b64decode(signature.value)
    except (binascii.Error, ValueError):
        return False
    return scheme.verify(entry[1], message, value)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _write_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``path`` through a temporary file in its directory and ``os.replace``."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as file:
            os.fchmod(file.fileno(), mode)
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


@lru_cache(maxsize=4096)
def _valid_authority(authority: str) -> bool:
    return uscc.is_valid(authority) and uscc.compact(authority) == authority


def _known_authority(authority: object) -> bool:
    return isinstance(authority, str) and _valid_authority(authority)


class KeyRing:
    """Signing keys of every issuing authority, kept under ``root``."""

    def __init__(self, root: str | os.PathLike[str], scheme: str = "ed25519") -> None:
        if scheme not in SCHEMES:
            raise ValueError(f"unknown signature scheme {scheme!r}")
        self.root = Path(root)
        self.scheme = scheme  # what this ring signs with and makes new keys for
        # authority -> (keys.json's mtime and size, index, the signing key's id and private
        # key): signing reads the files again only when keys.json changed (a rotation).
        self._loaded: dict[str, tuple[tuple[int, int], dict[str, Any], str | None, bytes]] = {}
        self._publics: dict[str, tuple[tuple[int, int], dict[str, tuple[str, bytes]]]] = {}

    # -- reading ---------------------------------------------------------------

    def _directory(self, authority: str) -> Path:
        if _known_authority(authority):
            return self.root / authority
        if not isinstance(authority, str) or not uscc.is_valid(authority):
            raise ValueError(f"authority must be a valid unified social credit code: {authority!r}")
        if uscc.compact(authority) != authority:
            raise ValueError(f"authority code must be written compactly: {authority!r}")
        return self.root / authority

    def _index(self, directory: Path) -> dict[str, Any]:
        try:
            index: dict[str, Any] = json.loads((directory / "keys.json").read_bytes())
        except FileNotFoundError:
            return {"current": None, "keys": {}}
        return index

    def _info(self, authority: str, index: Mapping[str, Any], key_id: str) -> KeyInfo:
        meta = index["keys"][key_id]
        return KeyInfo(authority, key_id, meta["scheme"], meta["created"], meta["retired"])

    def authorities(self) -> list[str]:
        """Every authority that has keys, sorted."""
        if not self.root.is_dir():
            return []
        return sorted(
            entry.name
            for entry in self.root.iterdir()
            if (entry / "keys.json").is_file() and uscc.is_valid(entry.name)
        )

    def keys(self, authority: str) -> list[KeyInfo]:
        """An authority's keys, oldest first."""
        index = self._index(self._directory(authority))
        return [self._info(authority, index, key_id) for key_id in index["keys"]]

    def current(self, authority: str, scheme: str | None = None) -> KeyInfo | None:
        """The key the authority signs with under `scheme` (the ring's): its newest
        unretired key of that scheme; None if it has none."""
        index = self._index(self._directory(authority))
        key_id = _signing_key(index, scheme or self.scheme)
        return None if key_id is None else self._info(authority, index, key_id)

    def public_keys(self, authority: str) -> dict[str, tuple[str, bytes]]:
        """key id → (scheme, raw public key) of every key the authority ever had (from
        memory while keys.json is unchanged)."""
        directory = self._directory(authority)
        try:
            stat = (directory / "keys.json").stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            stamp = (0, 0)
        cached = self._publics.get(authority)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        index = self._index(directory)
        keys = {
            key_id: (meta["scheme"], _b64decode((directory / f"{key_id}.pub").read_text()))
            for key_id, meta in index["keys"].items()
        }
        self._publics[authority] = (stamp, keys)
        return keys

    # -- writing ---------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self, authority: str) -> Iterator[Path]:
        directory = self._directory(authority)
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        directory.mkdir(mode=0o700, exist_ok=True)
        with open(directory / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield directory
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _add_key(self, authority: str, directory: Path, scheme: Scheme) -> KeyInfo:
        index = self._index(directory)
        now = _now()
        key_id = f"{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(4)}"
        private, public = scheme.generate()
        _write_atomic(directory / f"{key_id}.key", base64.b64encode(private), mode=0o600)
        _write_atomic(directory / f"{key_id}.pub", base64.b64encode(public))
        for meta in index["keys"].values():
            if meta["retired"] is None and meta["scheme"] == scheme.name:
                meta["retired"] = now
        index["keys"][key_id] = {"scheme": scheme.name, "created": now, "retired": None}
        index["current"] = key_id
        text = json.dumps(index, ensure_ascii=False, indent=2) + "\n"  # keys oldest first
        _write_atomic(directory / "keys.json", text.encode())
        return self._info(authority, index, key_id)

    def ensure(self, authority: str, scheme: str | None = None) -> KeyInfo:
        """The authority's signing key of `scheme` (the ring's), created first if it has
        none."""
        scheme = scheme or self.scheme
        with self._locked(authority) as directory:
            index = self._index(directory)
            key_id = _signing_key(index, scheme)
            if key_id is not None:
                return self._info(authority, index, key_id)
            return self._add_key(authority, directory, SCHEMES[scheme])

    def rotate(self, authority: str, scheme: str | None = None) -> KeyInfo:
        """A new signing key of `scheme` (the ring's); the previous ones of that scheme are
        marked retired and still verify."""
        with self._locked(authority) as directory:
            return self._add_key(authority, directory, SCHEMES[scheme or self.scheme])

    # -- signing and verifying ---------------------------------------------------

    def _current_private(self, authority: str) -> tuple[str, bytes] | None:
        """(key id, private key) of the ring's signing key, from memory while keys.json
        is unchanged; None if the authority has no key of the ring's scheme yet."""
        directory = self._directory(authority)
        try:
            stat = (directory / "keys.json").stat()
        except FileNotFoundError:
            return None
        stamp = (stat.st_mtime_ns, stat.st_size)
        loaded = self._loaded.get(authority)
        if loaded is None or loaded[0] != stamp:
            index = self._index(directory)
            key_id = _signing_key(index, self.scheme)
            private = _b64decode((directory / f"{key_id}.key").read_text()) if key_id else b""
            loaded = (stamp, index, key_id, private)
            self._loaded[authority] = loaded
        _stamp, _index, key_id, private = loaded
        return None if key_id is None else (key_id, private)

    def sign(self, authority: str, message: bytes) -> Signature:
        """Sign with the authority's key of the ring's scheme (created if it has none)."""
        current = self._current_private(authority)
        if current is None:
            self.ensure(authority)
            current = self._current_private(authority)
            assert current is not None
        key_id, private = current
        value = SCHEMES[self.scheme].sign(private, message)
        return Signature(self.scheme, key_id, base64.b64encode(value).decode("ascii"))

    def verify(self, authority: str, message: bytes, signature: Signature) -> bool:
        """True for a good signature by any of the authority's keys, current or retired."""
        try:
            keys = self.public_keys(authority)
        except (OSError, ValueError, KeyError, TypeError):
            return False
        return _verify(keys, message, signature)

    def export_public(self, path: str | os.PathLike[str]) -> None:
        """Write every authority's public keys to ``path`` (JSON) for ``PublicKeys.load``."""
        authorities: dict[str, dict[str, dict[str, str | None]]] = {}
        for authority in self.authorities():
            directory = self._directory(authority)
            index = self._index(directory)
            authorities[authority] = {
                key_id: {
                    "scheme": meta["scheme"],
                    "public": (directory / f"{key_id}.pub").read_text().strip(),
                    "created": meta["created"],
                    "retired": meta["retired"],
                }
                for key_id, meta in index["keys"].items()
            }
        document = {"version": 1, "authorities": authorities}
        text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(target, text.encode(), mode=0o644)  # public keys, to hand out


class PublicKeys:
    """Public keys of many authorities, for verifying licences without the key ring."""

    def __init__(self, keys: Mapping[str, Mapping[str, tuple[str, bytes]]]) -> None:
        self._keys = {authority: dict(entries) for authority, entries in keys.items()}

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> PublicKeys:
        """Read a file written by ``KeyRing.export_public``; ``ValueError`` if it is not one."""
        try:
            document = json.loads(Path(path).read_bytes())
            keys = {
                authority: {
                    key_id: (meta["scheme"], _b64decode(meta["public"]))
                    for key_id, meta in entries.items()
                }
                for authority, entries in document["authorities"].items()
            }
        except (KeyError, TypeError, AttributeError, binascii.Error) as error:
            raise ValueError(f"not a public key file: {error!r}") from None
        except RecursionError:
            raise ValueError("not a public key file: nested too deeply") from None
        return cls(keys)

    def authorities(self) -> list[str]:
        return sorted(self._keys)

    def public_keys(self, authority: str) -> dict[str, tuple[str, bytes]]:
        return dict(self._keys.get(authority, {}))

    def verify(self, authority: str, message: bytes, signature: Signature) -> bool:
        """True for a good signature by one of the authority's keys; never raises."""
        keys = self._keys.get(authority) if isinstance(authority, str) else None
        return keys is not None and _verify(keys, message, signature)
