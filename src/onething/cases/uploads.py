"""Uploaded material files, stored by content: the SHA-256 of the plain content names
the file (``uploads/ab/abcdef….enc``), so the same file uploaded twice is kept once and
a name typed by the applicant never becomes a path. Contents are encrypted before they
reach the store, which is Django's storage API (core/storage.py: the data directory, or
an S3-compatible object store for several hosts); a store that cannot keep the file is a
refusal (`StorageUnavailable`, 507: "文件没有保存：…") and nothing is kept."""

from __future__ import annotations

import hashlib
import re

from django.core.files.base import ContentFile

from onething.core.storage import refusal, storage_errors, upload_storage
from onething.privacy.crypto import decrypt_bytes, encrypt_bytes

NAME = re.compile(r"uploads/[0-9a-f]{2}/[0-9a-f]{64}\.enc")


def relative_path(digest: str) -> str:
    if len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest):
        raise ValueError("not a SHA-256 digest")
    return f"uploads/{digest[:2]}/{digest}.enc"


def put(data: bytes) -> tuple[str, str]:
    """Store the content (once); returns (sha256, its name in the store). Raises
    `StorageUnavailable` when the store is full, read-only or out of reach."""
    digest = hashlib.sha256(data).hexdigest()
    name = relative_path(digest)
    storage = upload_storage()
    try:
        if not storage.exists(name):
            storage.save(name, ContentFile(encrypt_bytes(data)))
    except storage_errors() as problem:
        raise refusal(problem) from None
    return digest, name


def get(name: str) -> bytes:
    if not NAME.fullmatch(name):
        raise ValueError("outside the upload folder")
    with upload_storage().open(name, "rb") as stored:
        return decrypt_bytes(stored.read())


def names() -> list[str]:
    """Every stored upload's name (backups)."""
    storage = upload_storage()
    found = []
    try:
        folders, _ = storage.listdir("uploads")
    except FileNotFoundError:
        return []
    for folder in sorted(folders):
        _, files = storage.listdir(f"uploads/{folder}")
        found += [f"uploads/{folder}/{name}" for name in sorted(files)]
    return [name for name in found if NAME.fullmatch(name)]
