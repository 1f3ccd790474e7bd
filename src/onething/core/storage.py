"""Where the platform keeps the files it must not lose (uploaded materials, encrypted
before they get here): Django's storage API, the storage named ``uploads`` in
settings.STORAGES.

- One host (the default): the data directory, `DataFolderStorage` — a FileSystemStorage
  that writes each file whole (a temporary file, fsync, rename: a crash or a full disk
  never leaves half a file under the real name), 0600 files in 0700 folders.
- Several hosts: an S3-compatible object store (django-storages), from
  ``ONETHING_STORAGE_URL=s3://BUCKET/PREFIX?endpoint_url=https://…&region=…`` (credentials
  as ``s3://KEY:SECRET@BUCKET/…`` or in the variables below), or from
  ``ONETHING_S3_BUCKET``, ``ONETHING_S3_PREFIX``, ``ONETHING_S3_ENDPOINT_URL``,
  ``ONETHING_S3_REGION``, ``ONETHING_S3_ACCESS_KEY_ID``, ``ONETHING_S3_SECRET_ACCESS_KEY``
  (without keys: boto3's own chain — AWS_* variables, an instance role).

A store that is full, read-only or unreachable is a refusal with a message
(`StorageUnavailable`, 507), never a traceback, and nothing is stored.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.files.storage import FileSystemStorage, storages

from onething.core.errors import CaseError

UPLOADS = "uploads"
FILE_MODE = 0o600
FOLDER_MODE = 0o700


class StorageUnavailable(CaseError):
    """The file store refused the file: full, read-only or out of reach (507)."""

    status = 507


class DataFolderStorage(FileSystemStorage):
    """The data directory: each file written whole and renamed into place."""

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return name  # stored by content: the same name is the same file

    def _save(self, name: str, content) -> str:
        target = Path(self.path(name))
        target.parent.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, self.file_permissions_mode or FILE_MODE)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return name


def upload_storage_settings(data_dir: Path) -> dict[str, Any]:
    """settings.STORAGES["uploads"] from the environment."""
    url = os.environ.get("ONETHING_STORAGE_URL", "").strip()
    if url:
        return _from_url(url, data_dir)
    bucket = os.environ.get("ONETHING_S3_BUCKET", "").strip()
    if bucket:
        return _s3(bucket, os.environ.get("ONETHING_S3_PREFIX", ""), {})
    return _data_folder(data_dir)


def _data_folder(location: Path) -> dict[str, Any]:
    return {
        "BACKEND": "onething.core.storage.DataFolderStorage",
        "OPTIONS": {
            "location": str(location),
            "file_permissions_mode": FILE_MODE,
            "directory_permissions_mode": FOLDER_MODE,
        },
    }


def _from_url(url: str, data_dir: Path) -> dict[str, Any]:
    parts = urlsplit(url)
    if parts.scheme == "file":
        return _data_folder(Path(unquote(parts.path)) if parts.path else data_dir)
    if parts.scheme != "s3" or not parts.hostname:
        raise ValueError(
            "ONETHING_STORAGE_URL: use s3://BUCKET/PREFIX?endpoint_url=… or file:///PATH"
        )
    query = dict(parse_qsl(parts.query))
    if parts.username:
        query["access_key"] = unquote(parts.username)
        query["secret_key"] = unquote(parts.password or "")
    return _s3(parts.hostname, unquote(parts.path), query)


def _s3(bucket: str, prefix: str, query: dict[str, str]) -> dict[str, Any]:
    env = os.environ.get
    options = {
        "bucket_name": bucket,
        "location": prefix.strip("/"),
        "endpoint_url": query.get("endpoint_url") or env("ONETHING_S3_ENDPOINT_URL") or None,
        "region_name": query.get("region") or env("ONETHING_S3_REGION") or None,
        "access_key": query.get("access_key") or env("ONETHING_S3_ACCESS_KEY_ID") or None,
        "secret_key": query.get("secret_key") or env("ONETHING_S3_SECRET_ACCESS_KEY") or None,
        "addressing_style": query.get("addressing_style", "path"),
        "file_overwrite": True,  # stored by content: the same name is the same file
        "default_acl": None,
        "querystring_auth": True,
    }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {key: value for key, value in options.items() if value is not None},
    }


def upload_storage():
    return storages[UPLOADS]


def refusal(problem: Exception) -> StorageUnavailable:
    """What to tell the person whose file could not be stored."""
    code = getattr(problem, "errno", None)
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        why = "文件存储空间已满"
    elif code in (errno.EROFS, errno.EACCES, errno.EPERM):
        why = "文件存储当前为只读"
    else:
        why = "文件存储暂时无法访问"
    return StorageUnavailable(f"文件没有保存：{why}，请稍后再试或联系管理员")


def storage_errors() -> tuple[type[Exception], ...]:
    """What a store raises when it cannot keep a file (OSError; boto's for S3)."""
    found: list[type[Exception]] = [OSError]
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        return tuple(found)
    return (*found, BotoCoreError, ClientError)
