"""Encryption at rest for personal data, keyed digests to find records by it, and the
audit chain's key.

Keys live outside the database, in ``<data dir>/keys/`` (`paths.keys_dir`, which lists
them all), each created on first use (and by ``onething setup``) with mode 0600, or given
in the environment instead:
- ``data.keys`` / ``ONETHING_DATA_KEYS``: Fernet keys, comma- or line-separated; the first
  encrypts, all decrypt (rotation);
- ``sm4.keys`` / ``ONETHING_SM4_KEYS``: SM4 keys (16 bytes, base64), the same way;
- ``lookup.key`` / ``ONETHING_LOOKUP_KEY``: the HMAC key of the lookup digests;
- ``audit.key`` / ``ONETHING_AUDIT_KEY``: the audit chain's key (core/audit_chain.py).

What is written depends on the crypto profile (core/crypto_profile.py): ``intl`` stores
``enc1:<Fernet token>`` (AES-128-CBC with HMAC-SHA256), ``gm`` stores
``sm4gcm1:<base64 of nonce, ciphertext, tag>`` (SM4 in GCM mode, GB/T 32907). The prefix
names the cipher, so whatever the profile, both decrypt. Files are the same with the
prefix as bytes (SM4) or a bare Fernet token. Lookup digests stay HMAC-SHA256 under
either profile: they must stay equal to the digests already stored.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from onething import paths
from onething.core import crypto_profile

PREFIX = "enc1:"  # Fernet
SM4_PREFIX = "sm4gcm1:"  # SM4-GCM: 12-byte nonce, ciphertext, 16-byte tag
PREFIXES = (PREFIX, SM4_PREFIX)
_SM4_BYTES = SM4_PREFIX.encode("ascii")
_NONCE, _TAG = 12, 16
_lock = threading.Lock()


class DecryptionError(Exception):
    """Stored personal data that none of the keys can decrypt."""


def keys_dir() -> Path:
    return paths.keys_dir()


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


def _random_key(size: int) -> Callable[[], str]:
    return lambda: base64.urlsafe_b64encode(os.urandom(size)).decode()


def _key_list(env: str, file: str, make: Callable[[], str]) -> list[str]:
    text = os.environ.get(env, "").strip() or _read_or_create(keys_dir() / file, make)
    return [k.strip() for k in text.replace("\n", ",").split(",") if k.strip()]


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = _key_list("ONETHING_DATA_KEYS", "data.keys", lambda: Fernet.generate_key().decode())
    return MultiFernet([Fernet(k.encode()) for k in keys])


@lru_cache(maxsize=1)
def _sm4_keys() -> tuple[bytes, ...]:
    keys = [
        base64.urlsafe_b64decode(k)
        for k in _key_list("ONETHING_SM4_KEYS", "sm4.keys", _random_key(16))
    ]
    if any(len(key) != 16 for key in keys):
        raise ValueError("an SM4 key is 16 bytes (base64): see ONETHING_SM4_KEYS / sm4.keys")
    return tuple(keys)


@lru_cache(maxsize=1)
def _lookup_key() -> bytes:
    configured = os.environ.get("ONETHING_LOOKUP_KEY", "").strip()
    text = configured or _read_or_create(keys_dir() / "lookup.key", _random_key(32))
    return text.encode()


@lru_cache(maxsize=1)
def audit_key() -> bytes:
    """The audit chain's key (32 random bytes, base64 in the file or the environment)."""
    configured = os.environ.get("ONETHING_AUDIT_KEY", "").strip()
    text = configured or _read_or_create(keys_dir() / "audit.key", _random_key(32))
    try:
        return base64.urlsafe_b64decode(text)
    except (binascii.Error, ValueError):
        raise ValueError("ONETHING_AUDIT_KEY / audit.key is not base64") from None


def ensure_keys() -> list[str]:
    """Every key file that is missing, created now (`onething setup`); the key files."""
    _fernet(), _sm4_keys(), _lookup_key(), audit_key()
    return sorted(p.name for p in keys_dir().glob("*") if p.is_file())


def reset_keys() -> None:
    """Forget cached keys (tests, key rotation)."""
    for cached in (_fernet, _sm4_keys, _lookup_key, audit_key):
        cached.cache_clear()


def _cipher() -> str:
    return crypto_profile.current().cipher


def _sm4_encrypt(data: bytes) -> bytes:
    nonce = os.urandom(_NONCE)
    encryptor = Cipher(algorithms.SM4(_sm4_keys()[0]), modes.GCM(nonce)).encryptor()
    sealed = encryptor.update(data) + encryptor.finalize()
    return nonce + sealed + encryptor.tag


def _sm4_decrypt(blob: bytes) -> bytes:
    if len(blob) < _NONCE + _TAG:
        raise DecryptionError("a truncated SM4 value")
    nonce, sealed, tag = blob[:_NONCE], blob[_NONCE:-_TAG], blob[-_TAG:]
    for key in _sm4_keys():
        decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        try:
            return decryptor.update(sealed) + decryptor.finalize()
        except InvalidTag:
            continue
    raise DecryptionError("no key decrypts this value")


def is_encrypted(stored: object) -> bool:
    """Whether a stored text is a ciphertext of either profile."""
    return isinstance(stored, str) and stored.startswith(PREFIXES)


def encrypt(value: str) -> str:
    data = value.encode("utf-8")
    if _cipher() == "sm4gcm":
        return SM4_PREFIX + base64.urlsafe_b64encode(_sm4_encrypt(data)).decode("ascii")
    return PREFIX + _fernet().encrypt(data).decode("ascii")


def decrypt(stored: str) -> str:
    if stored.startswith(SM4_PREFIX):
        try:
            blob = base64.urlsafe_b64decode(stored[len(SM4_PREFIX) :])
        except (binascii.Error, ValueError):
            raise DecryptionError("a damaged SM4 value") from None
        return _sm4_decrypt(blob).decode("utf-8")
    if not stored.startswith(PREFIX):
        raise DecryptionError("not an encrypted value")
    try:
        return _fernet().decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise DecryptionError("no key decrypts this value") from None


def encrypt_bytes(data: bytes) -> bytes:
    """A file's content encrypted at rest (uploaded copies of ID cards, contracts …)."""
    if _cipher() == "sm4gcm":
        return _SM4_BYTES + _sm4_encrypt(data)
    return _fernet().encrypt(data)


def decrypt_bytes(stored: bytes) -> bytes:
    if stored.startswith(_SM4_BYTES):
        return _sm4_decrypt(stored[len(_SM4_BYTES) :])
    try:
        return _fernet().decrypt(stored)
    except InvalidToken:
        raise DecryptionError("no key decrypts this file") from None


def lookup_digest(value: str) -> str:
    """A keyed digest of a normalised value: equal values, equal digests; not reversible."""
    normalised = value.strip().upper()
    return hmac.new(_lookup_key(), normalised.encode("utf-8"), hashlib.sha256).hexdigest()
