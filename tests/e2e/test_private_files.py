"""The data folder is the service account's alone: after `onething setup` nothing in it —
the SQLite database and its -wal and -shm files, the secret key, the data and signing
keys, their folders — is readable by the group or by others, and the WSGI app (what
gunicorn loads) runs with the same umask."""

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def environment(data: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ONETHING_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["ONETHING_DATA_DIR"] = str(data)
    return env


def opened_to_others(data: Path) -> list[str]:
    found = []
    for path in [data, *data.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & 0o077:
            found.append(f"{oct(mode)} {path.relative_to(data.parent)}")
    return found


def test_setup_leaves_nothing_readable_by_others(tmp_path):
    data = tmp_path / "data"
    old = os.umask(0o022)  # a usual login shell's: what setup must not rely on
    try:
        result = subprocess.run(
            [sys.executable, "-m", "onething", "setup"],
            env=environment(data),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    names = {path.name for path in data.rglob("*")}
    assert {"onething.sqlite3", "secret_key", "keys", "licence-keys"} <= names  # -wal, -shm too
    assert opened_to_others(data) == []


def test_an_existing_data_folder_open_to_others_is_closed(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    script = (
        "import os; import onething.web.wsgi; "
        "print(oct(os.umask(0o022)), oct(os.stat(os.environ['ONETHING_DATA_DIR']).st_mode & 0o777))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=environment(data),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0o77", "0o700"]
