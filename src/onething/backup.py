"""`onething backup FILE` and `onething restore FILE`: the database, the keys and the
uploads in one tar.gz with a manifest (format, version, and each file's size and SHA-256),
checked whole before anything is restored.

What goes in, in this order (what the database refers to is copied after it, so a backup
taken while the site serves never names a file it lacks):

- ``database/``: SQLite as one consistent snapshot (``VACUUM INTO``: SQLite's online copy,
  through Django's cursor), PostgreSQL as ``pg_dump --format=custom`` (on PATH);
- ``data/``: the data directory but for the database, ``run/`` and the uploads — the keys
  (``keys/``: data, look-up, audit), the secret key, the licence signing keys, loaded
  holiday arrangements; keys given in the environment are written as the files they stand
  for, and licence keys kept elsewhere (``ONETHING_LICENCE_KEYS_DIR``) as ``licence-keys/``;
- ``uploads/``: every upload, read through the storage API (the folder or S3), still
  encrypted.

Restore refuses a damaged archive (a checksum, a size, a member missing or unlisted, an
unsafe name) and a target that is not empty — data directory or database — without
``force``. Problems are `BackupError`s with a message in Chinese.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from onething import paths

FORMAT = "onething-backup"
VERSION = 1
MANIFEST = "manifest.json"
SKIPPED_AT_TOP = {"run", "uploads"}
ENV_KEY_FILES = {  # a key given in the environment → the file it stands for
    "ONETHING_SECRET_KEY": "secret_key",
    "ONETHING_DATA_KEYS": "keys/data.keys",
    "ONETHING_LOOKUP_KEY": "keys/lookup.key",
}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in Chinese."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _env_key_files() -> dict[str, str]:
    named = dict(ENV_KEY_FILES)
    for name, (variable, _why) in getattr(paths, "KEY_FILES", {}).items():
        named[variable] = f"keys/{name}"
    return named


def _database_settings() -> dict:
    from django.db import connection

    return connection.settings_dict


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


def pg_environment(settings: dict) -> tuple[list[str], dict[str, str]]:
    args = []
    if settings.get("HOST"):
        args += ["--host", settings["HOST"]]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", settings["USER"]]
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    if settings.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = settings["OPTIONS"]["sslmode"]
    return args, env


def program(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"找不到 {name}：PostgreSQL 的备份与恢复需要它"
            "（Debian: apt-get install postgresql-client）"
        )
    return found


def run_tool(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [""]
        raise BackupError(f"{what}失败：{detail[0]}")


def _dump_database(target: Path) -> str:
    """The database into `target`'s folder; its file name there."""
    from django.db import connection

    if _vendor() == "sqlite":
        out = target / "onething.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(out)])
        return out.name
    out = target / "onething.pgdump"
    args, env = pg_environment(_database_settings())
    command = [program("pg_dump"), "--format=custom", "--no-owner", "--file", str(out)]
    run_tool([*command, *args, _database_settings()["NAME"]], env, "pg_dump 导出数据库")
    return out.name


def _data_files(data_dir: Path, database: Path | None) -> Iterator[tuple[Path, str]]:
    """(file, name in the archive) for the data directory's keys and files."""
    skipped = set()
    if database is not None:
        skipped = {database, *(database.with_name(database.name + s) for s in ("-wal", "-shm"))}
    for path in sorted(data_dir.rglob("*")):
        relative = path.relative_to(data_dir)
        if relative.parts[0] in SKIPPED_AT_TOP or path in skipped or not path.is_file():
            continue
        if path.name.startswith((".part-", ".upload-")) or path.is_symlink():
            continue
        yield path, f"data/{relative.as_posix()}"
    licence_keys = paths.licence_keys_dir()
    if data_dir not in licence_keys.parents and licence_keys.is_dir():
        for path in sorted(licence_keys.rglob("*")):
            if path.is_file():
                yield path, f"data/licence-keys/{path.relative_to(licence_keys).as_posix()}"


def create_backup(archive: Path, echo: Callable[[str], None] = lambda line: None) -> dict:
    """Write the backup to `archive` (tar.gz); returns its manifest."""
    from onething.cases import uploads
    from onething.core.storage import upload_storage

    data_dir = paths.data_dir()
    with tempfile.TemporaryDirectory(prefix="onething-backup-") as staging_name:
        staging = Path(staging_name)
        (staging / "database").mkdir()
        database = _dump_database(staging / "database")
        echo(f"database: {_vendor()}")
        entries: list[tuple[Path, str]] = [
            (staging / "database" / database, f"database/{database}")
        ]
        sqlite = Path(_database_settings()["NAME"]) if _vendor() == "sqlite" else None
        for source, name in _data_files(data_dir, sqlite):  # copied: the sums match the copy
            copy = staging / name
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy)
            entries.append((copy, name))
        for variable, name in _env_key_files().items():
            value = os.environ.get(variable, "").strip()
            if value and f"data/{name}" not in {n for _, n in entries}:
                (staging / "env" / name).parent.mkdir(parents=True, exist_ok=True)
                (staging / "env" / name).write_text(value + "\n")
                entries.append((staging / "env" / name, f"data/{name}"))
        storage = upload_storage()
        for name in uploads.names():
            copy = staging / name
            copy.parent.mkdir(parents=True, exist_ok=True)
            with storage.open(name, "rb") as stored, copy.open("wb") as out:
                shutil.copyfileobj(stored, out)
            entries.append((copy, name))
        manifest = _manifest(_vendor(), f"database/{database}", entries)
        _write_archive(archive, staging, manifest, entries)
    return manifest


def _manifest(vendor: str, database: str, entries: list[tuple[Path, str]]) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("onething")
    except PackageNotFoundError:
        release = "unknown"
    return {
        "format": FORMAT,
        "version": VERSION,
        "onething": release,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": {"vendor": vendor, "path": database},
        "files": [
            {"path": name, "size": path.stat().st_size, "sha256": _sha256(path)}
            for path, name in entries
        ],
    }


def _write_archive(archive: Path, staging: Path, manifest: dict, entries) -> None:
    manifest_file = staging / MANIFEST
    manifest_file.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    partial = archive.with_name(f".{archive.name}.part")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            tar.add(manifest_file, arcname=MANIFEST)
            for path, name in entries:
                tar.add(path, arcname=name, recursive=False)
            tar.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, archive)
    except OSError as problem:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise BackupError(f"无法写入备份文件 {archive}：{problem.strerror or problem}") from None
