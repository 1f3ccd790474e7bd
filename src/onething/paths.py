"""Where onething keeps its files: the database, keys, calendar arrangements.

One data directory, ``$ONETHING_DATA_DIR`` or ``~/.local/share/onething``, so that
the web app and the command line always read and write the same place.
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
