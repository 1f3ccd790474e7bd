"""Encryption at rest for personal data, and keyed digests to find records by it.

Keys live outside the database: ``ONETHING_DATA_KEYS`` (comma-separated Fernet keys,
the first encrypts, all decrypt — rotation) or ``<data dir>/keys/data.keys`` created on
first use with mode 0600. Lookup digests use an HMAC key derived from the first key
ever created, kept in ``<data dir>/keys/lookup.key`` (or ``ONETHING_LOOKUP_KEY``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from onething.paths import data_dir

PREFIX = "enc1:"
_lock = threading.Lock()


class DecryptionError(Exception):
    """Stored personal data that none of the keys can decrypt."""


def keys_dir() -> Path:
    return data_dir() / "keys"


def _read_or_create(path: Path, make: Callable[[], str]) -> str:
    with _lock:
        try:
            return path.read_text().strip()
        except FileNotFoundError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        value = make()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(value + "\n")
        return value


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    configured = os.environ.get("ONETHING_DATA_KEYS", "").strip()
    text = configured or _read_or_create(
        keys_dir() / "data.keys", lambda: Fernet.generate_key().decode()
    )
    keys = [k.strip() for k in text.replace("\n", ",").split(",") if k.strip()]
    return MultiFernet([Fernet(k.encode()) for k in keys])


@lru_cache(maxsize=1)
def _lookup_key() -> bytes:
    configured = os.environ.get("ONETHING_LOOKUP_KEY", "").strip()
    text = configured or _read_or_create(
        keys_dir() / "lookup.key", lambda: base64.urlsafe_b64encode(os.urandom(32)).decode()
    )
    return text.encode()


def reset_keys() -> None:
    """Forget cached keys (tests, key rotation)."""
    _fernet.cache_clear()
    _lookup_key.cache_clear()


def encrypt(value: str) -> str:
    return PREFIX + _fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise DecryptionError("not an encrypted value")
    try:
        return _fernet().decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise DecryptionError("no key decrypts this value") from None


def encrypt_bytes(data: bytes) -> bytes:
    """A file's content encrypted at rest (uploaded copies of ID cards, contracts …)."""
    return _fernet().encrypt(data)


def decrypt_bytes(stored: bytes) -> bytes:
    try:
        return _fernet().decrypt(stored)
    except InvalidToken:
        raise DecryptionError("no key decrypts this file") from None


def lookup_digest(value: str) -> str:
    """A keyed digest of a normalised value: equal values, equal digests; not reversible."""
    normalised = value.strip().upper()
    return hmac.new(_lookup_key(), normalised.encode("utf-8"), hashlib.sha256).hexdigest()
