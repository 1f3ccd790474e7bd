"""`onething restore FILE`: a backup made by `onething backup` (backup.py) put back — the
archive checked whole against its manifest first, then the keys and files into the data
directory (before Django starts, so it reads the restored secret key), the database (a
SQLite file, or pg_restore into the configured PostgreSQL database) and the uploads
through the storage API. A target that is not empty is refused without ``force``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from onething import paths
from onething.backup import FORMAT, MANIFEST, VERSION, BackupError

DAMAGED = (tarfile.TarError, OSError, EOFError, zlib.error, ValueError, KeyError, TypeError)


def _safe(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and path.parts[0]
        in (
            "database",
            "data",
            "uploads",
        )
    )


def unpack(archive: Path, into: Path) -> dict:
    """Check `archive` against its manifest while unpacking it into `into`; the manifest.
    Anything wrong — not a tar.gz, a checksum or size, a member missing or not listed —
    is a BackupError and nothing is restored."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            return _unpack(tar, into)
    except BackupError:
        raise
    except FileNotFoundError:
        raise BackupError(f"找不到备份文件 {archive}") from None
    except DAMAGED:
        raise BackupError(f"备份文件已损坏或不完整，未恢复任何内容：{archive}") from None


def _unpack(tar: tarfile.TarFile, into: Path) -> dict:
    members = tar.getmembers()
    names = [member.name for member in members]
    if MANIFEST not in names:
        raise BackupError("备份文件中没有清单 manifest.json：不是 onething 备份")
    manifest = json.loads(tar.extractfile(MANIFEST).read())  # type: ignore[union-attr]
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(f"不认识的备份格式：{manifest.get('format')} {manifest.get('version')}")
    listed = {entry["path"]: entry for entry in manifest["files"]}
    unlisted = [n for n in names if n != MANIFEST and n not in listed]
    missing = sorted(set(listed) - set(names))
    if unlisted or missing or len(names) != len(set(names)):
        raise BackupError(f"备份文件与清单不符：多出 {unlisted[:3]}，缺少 {missing[:3]}")
    for member in members:
        if member.name == MANIFEST:
            continue
        if not member.isfile() or not _safe(member.name):
            raise BackupError(f"备份文件含不允许的条目：{member.name}")
        _extract_checked(tar, member, into / member.name, listed[member.name])
    return manifest


def _extract_checked(tar: tarfile.TarFile, member, target: Path, entry: dict) -> None:
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest, size = hashlib.sha256(), 0
    source = tar.extractfile(member)
    assert source is not None
    with target.open("wb") as out:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
            out.write(block)
    if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
        raise BackupError(f"备份文件已损坏：{member.name} 的校验和与清单不符，未恢复任何内容")


def data_dir_in_use(data_dir: Path) -> list[str]:
    """What the data directory already holds (its run/ folder aside)."""
    if not data_dir.exists():
        return []
    return sorted(p.name for p in data_dir.iterdir() if p.name != "run")


def place_files(unpacked: Path, data_dir: Path) -> int:
    """The keys and files into the data directory (licence keys where they are configured);
    before Django starts. How many files."""
    count = 0
    licence_keys = paths.licence_keys_dir()
    for source in sorted((unpacked / "data").rglob("*")):
        if not source.is_file():
            continue
        relative = source.relative_to(unpacked / "data")
        if relative.parts[0] == "licence-keys":
            target = licence_keys.joinpath(*relative.parts[1:])
        else:
            target = data_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        shutil.copyfile(source, target)
        os.chmod(
            target, 0o600 if "key" in str(relative) or relative.name == "secret_key" else 0o644
        )
        count += 1
    return count


def restore_database(unpacked: Path, manifest: dict, force: bool) -> str:
    """The database back, into what the settings name (Django set up)."""
    from django.db import connection

    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"备份的数据库是 {vendor}，而当前配置的是 {connection.vendor}：未恢复数据库"
        )
    dump = unpacked / manifest["database"]["path"]
    settings = connection.settings_dict
    if vendor == "sqlite":
        return _restore_sqlite(dump, Path(settings["NAME"]), force)
    return _restore_postgres(dump, settings, force)


def _restore_sqlite(dump: Path, target: Path, force: bool) -> str:
    from django.db import connections

    if target.exists() and target.stat().st_size and not force:
        raise BackupError(f"目标数据库不是空的：{target}（确认覆盖请加 --force）")
    connections.close_all()
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    for suffix in ("-wal", "-shm"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    partial = target.with_name(f".{target.name}.restore")
    shutil.copyfile(dump, partial)
    os.chmod(partial, 0o600)
    os.replace(partial, target)
    return f"SQLite {target}"


def _restore_postgres(dump: Path, settings: dict, force: bool) -> str:
    from django.db import connection

    from onething.backup import pg_environment, program, run_tool

    if connection.introspection.table_names() and not force:
        raise BackupError(f"目标数据库 {settings['NAME']} 不是空的（确认覆盖请加 --force）")
    connection.close()
    args, env = pg_environment(settings)
    command = [program("pg_restore"), "--clean", "--if-exists", "--no-owner", "--exit-on-error"]
    command += [*args, "--dbname", settings["NAME"], str(dump)]
    run_tool(command, env, "pg_restore 恢复数据库")
    return f"PostgreSQL {settings['NAME']}"


def restore_uploads(unpacked: Path) -> int:
    from django.core.files import File

    from onething.core.storage import upload_storage

    storage = upload_storage()
    count = 0
    for source in sorted((unpacked / "uploads").rglob("*")):
        if source.is_file():
            name = source.relative_to(unpacked).as_posix()
            with source.open("rb") as handle:
                storage.save(name, File(handle))
            count += 1
    return count


def describe(manifest: dict, echo: Callable[[str], None]) -> None:
    files = manifest["files"]
    size = sum(entry["size"] for entry in files)
    echo(
        f"backup of {manifest['created_at']} (onething {manifest['onething']}): "
        f"{len(files)} files, {size:,} bytes, checksums verified"
    )
