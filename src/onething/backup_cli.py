"""`onething backup FILE` and `onething restore FILE [--force]` (backup.py, restore.py).
Exit codes: 0 done; 1 refused (a damaged archive, a target that is not empty, a missing
program), with a one-line `error:` on stderr."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from onething import paths
from onething.backup import BackupError
from onething.bootstrap import setup_django

app = typer.Typer(pretty_exceptions_enable=False, add_completion=False)


def _refuse(problem: BackupError) -> typer.Exit:
    typer.echo(f"error: {problem}", err=True)
    return typer.Exit(1)


@app.command("backup")
def backup_command(
    file: Annotated[Path, typer.Argument(help="The archive to write (tar.gz).")],
) -> None:
    """Back up the database, the keys and the uploads into one tar.gz with a manifest
    (sizes, SHA-256). Safe while the site serves."""
    from onething.backup import create_backup

    setup_django()
    try:
        manifest = create_backup(file, typer.echo)
    except BackupError as problem:
        raise _refuse(problem) from None
    size = sum(entry["size"] for entry in manifest["files"])
    typer.echo(f"wrote {file}: {len(manifest['files'])} files, {size:,} bytes before compression")


@app.command("restore")
def restore_command(
    file: Annotated[Path, typer.Argument(help="An archive written by onething backup.")],
    force: Annotated[
        bool, typer.Option(help="Overwrite a data directory or database that is not empty.")
    ] = False,
) -> None:
    """Restore a backup into the configured data directory and database: checked against
    its manifest first; refused into a target that is not empty unless --force."""
    from onething import restore

    data_dir = paths.data_dir()
    in_use = restore.data_dir_in_use(data_dir)
    if in_use and not force:
        listed = "、".join(in_use[:5])
        raise _refuse(
            BackupError(f"数据目录 {data_dir} 不是空的（{listed}）；确认覆盖请加 --force")
        )
    try:
        with tempfile.TemporaryDirectory(prefix="onething-restore-") as staging:
            manifest = restore.unpack(file, Path(staging))
            restore.describe(manifest, typer.echo)
            placed = restore.place_files(Path(staging), data_dir)
            setup_django()
            where = restore.restore_database(Path(staging), manifest, force)
            uploaded = restore.restore_uploads(Path(staging))
    except BackupError as problem:
        raise _refuse(problem) from None
    typer.echo(f"restored: database ({where}), {placed} key and data files, {uploaded} uploads")
    typer.echo("next: onething setup --no-demo (migrations), then onething serve")
