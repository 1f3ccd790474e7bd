"""Where onething keeps its files: the database, keys, calendar arrangements.

One data directory, ``$ONETHING_DATA_DIR`` or ``~/.local/share/onething``, so that
the web app and the command line always read and write the same place.

Everything in it is the service account's alone: the folder is 0700, and the processes
that write there (``onething setup``, ``onething serve`` with its gunicorn workers and
sweep, the WSGI app) run with the umask 0o077 (`keep_private`), so that the SQLite
database (and its -wal and -shm files, which SQLite creates with the database's mode),
keys, uploads and the secret key are 0600 and their folders 0700.
"""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """The data directory (not created here)."""
    configured = os.environ.get("ONETHING_DATA_DIR")
    if configured:
        return Path(configured).expanduser().resolve()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "onething"


def calendar_dir() -> Path:
    """Official holiday arrangements loaded by an administrator, one YAML file per year."""
    return data_dir() / "calendar"


def licence_keys_dir() -> Path:
    """Issuing authorities' signing keys (电子证照签章), one folder per authority: outside
    the database, kept with backups; old keys stay so old certificates still verify."""
    configured = os.environ.get("ONETHING_LICENCE_KEYS_DIR")
    if configured:
        return Path(configured).expanduser().resolve()
    return data_dir() / "licence-keys"


PRIVATE_UMASK = 0o077  # no group or world access to anything created


def keep_private() -> None:
    """Files and folders this process creates are its account's alone, and so is the data
    directory (created 0700, or made 0700 if it is looser and ours)."""
    os.umask(PRIVATE_UMASK)
    private_dir(data_dir())


def private_dir(path: Path) -> Path:
    """`path` as a folder only its owner may enter: made 0700 (parents as the umask says),
    or tightened to 0700 if it lets others in. One we do not own is left as it is."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    status = path.stat()
    if status.st_mode & 0o077 and status.st_uid == os.getuid():
        path.chmod(0o700)
    return path


# Keys kept outside the database, in keys_dir(): each file is created 0600 by
# `onething setup` (or on first use), or its value is given in the environment instead.
# Back them up with the database: without them stored data cannot be read, nor the audit
# trail checked. file name → (environment variable, what it is)
KEY_FILES = {
    "data.keys": ("ONETHING_DATA_KEYS", "Fernet keys of personal data (the first encrypts)"),
    "sm4.keys": ("ONETHING_SM4_KEYS", "SM4 keys of personal data, gm profile (first encrypts)"),
    "lookup.key": ("ONETHING_LOOKUP_KEY", "HMAC key of the look-up digests"),
    "audit.key": ("ONETHING_AUDIT_KEY", "HMAC key of the audit chain (onething audit verify)"),
}


def keys_dir() -> Path:
    """Where the keys of KEY_FILES live (privacy/crypto.py reads and creates them); the
    licence signing keys have their own folder, `licence_keys_dir`."""
    return data_dir() / "keys"
