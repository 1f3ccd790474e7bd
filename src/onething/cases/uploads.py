"""Uploaded material files, stored by content: the SHA-256 of the plain content names
the file (``uploads/ab/abcdef….enc``), so the same file uploaded twice is kept once and
a name typed by the applicant never becomes a path. Contents are encrypted at rest."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from onething import paths
from onething.privacy.crypto import decrypt_bytes, encrypt_bytes


def _root() -> Path:
    return paths.data_dir() / "uploads"


def relative_path(digest: str) -> str:
    if len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest):
        raise ValueError("not a SHA-256 digest")
    return f"uploads/{digest[:2]}/{digest}.enc"


def put(data: bytes) -> tuple[str, str]:
    """Store the content (once); returns (sha256, path relative to the data directory).
    Written to a temporary file and renamed, so a crash never leaves half a file."""
    digest = hashlib.sha256(data).hexdigest()
    relative = relative_path(digest)
    target = paths.data_dir() / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(encrypt_bytes(data))
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return digest, relative


def get(relative: str) -> bytes:
    target = (paths.data_dir() / relative).resolve()
    if _root().resolve() not in target.parents:
        raise ValueError("outside the upload folder")
    return decrypt_bytes(target.read_bytes())
