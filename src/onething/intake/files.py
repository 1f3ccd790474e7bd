"""Uploaded files (申请材料电子件): what a file really is, judged by its content and never
by its name, how many pages it has, and a name safe to show. Pure, no framework.

Accepted: PDF, JPEG, PNG and OFD (GB/T 33190, the Chinese fixed-layout format: a ZIP
container with an OFD.xml entry). An executable renamed ``.pdf`` is refused, and a
name such as ``../../etc/passwd`` is only ever shown, never used as a path.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

MAX_BYTES = 10 * 1024 * 1024  # per file
KINDS = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "ofd": "application/ofd",
}
_OFD_PAGE = re.compile(r"(^|/)Pages/Page_\d+/Content\.xml$", re.IGNORECASE)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")


class UploadRefused(ValueError):
    """A file that cannot be taken; the message says why, in Chinese."""


@dataclass(frozen=True, slots=True)
class FileFacts:
    kind: str  # pdf | jpg | png | ofd
    content_type: str
    size: int
    pages: int | None  # None when it cannot be told


def examine(data: bytes, limit: int = MAX_BYTES) -> FileFacts:
    """The file's kind (from its content), size and page count; `UploadRefused` names
    what is wrong with it."""
    if not data:
        raise UploadRefused("文件是空的，请重新选择")
    if len(data) > limit:
        size, most = len(data) / 1024 / 1024, limit // 1024 // 1024
        raise UploadRefused(f"文件太大（{size:.1f} MB）：每份材料不超过 {most} MB")
    kind = _sniff(data)
    if kind is None:
        raise UploadRefused("只接受 PDF、OFD、JPG 或 PNG 文件（文件内容与格式不符）")
    return FileFacts(kind, KINDS[kind], len(data), _pages(kind, data))


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"PK\x03\x04") and _is_ofd(data):
        return "ofd"
    return None


def _is_ofd(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(name.upper() == "OFD.XML" for name in archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def _pages(kind: str, data: bytes) -> int | None:
    if kind in ("jpg", "png"):
        return 1
    if kind == "ofd":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return sum(1 for name in archive.namelist() if _OFD_PAGE.search(name)) or None
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
    try:
        import logging

        from pypdf import PdfReader

        logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged file is our answer
        return len(PdfReader(io.BytesIO(data)).pages)
    except Exception:  # a damaged PDF is still a PDF: its pages just cannot be counted
        return None


def safe_display_name(name: str, kind: str) -> str:
    """The uploaded name as it may be shown: its last path component only, no control
    or reserved characters, at most 100 characters; a default when nothing is left."""
    last = re.split(r"[\\\\/]", name or "")[-1]
    cleaned = _UNSAFE.sub("", last).strip().lstrip(".")
    return cleaned[-100:] or f"材料.{kind}"
