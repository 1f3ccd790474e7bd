"""What someone hands in to verify a certificate: its PDF — what a bank or a landlord
receives — which carries the signed JSON as the attachment ``licence.json``, or that
JSON itself. Judged by the content, never by the file's name. Pure: no Django.

`signed_document` returns the document to check (any JSON: the signature check says
whether it is ours), or raises `NotReadable` (neither a PDF nor JSON) or `NoLicenceData`
(a PDF that carries no certificate data).
"""

from __future__ import annotations

import io
import json
from typing import Any

from onething.core.nesting import TOO_DEEP, too_deep

ATTACHMENT = "licence.json"
MAX_FILE_BYTES = 10 * 1024 * 1024  # a certificate PDF is ~100 KB; a scan of one is bigger
MAX_DOCUMENT_BYTES = 256 * 1024  # the signed JSON is ~2 KB
PDF_HEADER_WITHIN = 1024  # PDF readers accept the %PDF- header anywhere in the first KB

TOO_LARGE = "文件太大：证照 PDF 或数据文件不超过 10 MB"
NOT_READABLE = (
    "这不是证照数据文件：请上传本平台签发的电子证照 PDF，或从“我的证照”下载的数据文件（JSON）"
)
NO_LICENCE_DATA = "这份 PDF 中没有电子证照数据：不是本平台签发的证照文件"
DAMAGED = "证照 PDF 中的证照数据已损坏或被改动"


class UploadProblem(ValueError):
    """Why an uploaded file cannot be verified, in Chinese."""


class NotReadable(UploadProblem):
    """Neither a PDF nor JSON: a photo, a Word file, an empty file."""


class NoLicenceData(UploadProblem):
    """A PDF without the certificate data: not one this platform issued."""


class DamagedData(UploadProblem):
    """A PDF whose licence.json is not JSON: changed by hand, or cut off."""


def is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:PDF_HEADER_WITHIN]


def signed_document(data: bytes) -> Any:
    """The signed certificate document an uploaded file carries."""
    if len(data) > MAX_FILE_BYTES:
        raise NotReadable(TOO_LARGE)
    if is_pdf(data):
        return _parse(embedded_document(data), DamagedData(DAMAGED))
    if len(data) > MAX_DOCUMENT_BYTES:
        raise NotReadable(NOT_READABLE)
    return _parse(data, NotReadable(NOT_READABLE))


def embedded_document(pdf: bytes) -> bytes:
    """The bytes of the PDF's ``licence.json`` attachment."""
    from pypdf import PdfReader

    try:
        contents = PdfReader(io.BytesIO(pdf)).attachments.get(ATTACHMENT)
    except Exception:  # pypdf raises many kinds on a damaged or hostile file
        raise NoLicenceData(NO_LICENCE_DATA) from None
    if not contents:
        raise NoLicenceData(NO_LICENCE_DATA)
    # A second, different licence.json added beside the issued one: which would a reader
    # see? Neither is trusted.
    if len(set(contents)) > 1 or len(contents[0]) > MAX_DOCUMENT_BYTES:
        raise DamagedData(DAMAGED)
    return contents[0]


def _parse(data: bytes, problem: UploadProblem) -> Any:
    if too_deep(data):  # the parser would recurse a level at a time
        raise NotReadable(TOO_DEEP)
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise problem from None
