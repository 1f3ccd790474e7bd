"""Request bodies refused early (a middleware, before any view, CSRF check or form
parser reads them):

- 413 when the declared Content-Length exceeds what the endpoint takes: an upload 10 MB
  and the form around it (BODY_LIMITS), the filing page the materials of one submission
  (FILING_PAGE_MOST), everything else 1 MB (MOST_BY_DEFAULT). A refused body is read away
  (up to DRAIN_AT_MOST, never parsed or stored) so that a browser shows the answer
  rather than a broken connection.
- 400 when a JSON body nests arrays and objects beyond core/nesting.MAX_JSON_DEPTH:
  Python's parser would end in RecursionError (a 500); and when the query string or a
  JSON body holds a NUL character, which PostgreSQL cannot store.

Either answer is in Chinese, shaped as its client reads it (core/refusals.py). Django's
DATA_UPLOAD_MAX_MEMORY_SIZE (settings, 10 MB) stays the ceiling of a body read whole
(the verify API's PDF); what an endpoint takes is decided here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from onething.core.nesting import NUL_IN_JSON, TOO_DEEP, has_nul, too_deep
from onething.core.refusals import refusal
from onething.intake.files import MAX_BYTES as MATERIAL_BYTES
from onething.licences.upload import MAX_FILE_BYTES as LICENCE_BYTES, TOO_LARGE

MB = 1024 * 1024
FORM_SLACK = 64 * 1024  # a multipart form's boundaries, headers and other fields
MOST_BY_DEFAULT = 1 * MB
FILING_PAGE_MOST = 50 * MB  # the one form with the materials chosen on it, sent at once
DRAIN_AT_MOST = 64 * MB
MATERIAL_TOO_LARGE = "文件太大：每份材料不超过 10 MB"


@dataclass(frozen=True, slots=True)
class BodyLimit:
    path: re.Pattern[str]
    most: int  # bytes
    message: str  # in Chinese: what is too large and what is allowed


BODY_LIMITS = (
    BodyLimit(re.compile(r"^/verify/$"), LICENCE_BYTES + FORM_SLACK, TOO_LARGE),
    BodyLimit(re.compile(r"^/api/v1/verify$"), LICENCE_BYTES, TOO_LARGE),  # the file is the body
    BodyLimit(re.compile(r"^/exchange/verify$"), LICENCE_BYTES + FORM_SLACK, TOO_LARGE),  # 证照互认
    BodyLimit(re.compile(r"^/api/v1/exchange/verify$"), LICENCE_BYTES, TOO_LARGE),
    BodyLimit(
        re.compile(r"^/cases/[^/]+/evidence/\d+/upload$"),
        MATERIAL_BYTES + FORM_SLACK,
        MATERIAL_TOO_LARGE,
    ),
    BodyLimit(
        re.compile(r"^/projects/bundles/[^/]+/materials/[^/]+$"),  # 打包办: one for all
        MATERIAL_BYTES + FORM_SLACK,
        MATERIAL_TOO_LARGE,
    ),
    BodyLimit(
        re.compile(r"^/api/v1/cases/[^/]+/materials/\d+/file$"),
        MATERIAL_BYTES + FORM_SLACK,
        MATERIAL_TOO_LARGE,
    ),
    BodyLimit(
        re.compile(r"^(/api/v1)?/zones/[^/]+/(imports|materials)$"),  # 专区办: a sheet, a material
        MATERIAL_BYTES + FORM_SLACK,
        "文件太大：表格和材料均不超过 10 MB",
    ),
    BodyLimit(  # 跨省通办: one envelope, an application's materials (10 MB) inside
        re.compile(r"^/exchange/inbox$"),
        48 * MB,
        "交换消息太大：一份消息不超过 48 MB",
    ),
    BodyLimit(
        re.compile(r"^/apply/[^/]+$"),
        FILING_PAGE_MOST,
        "一次提交的材料合计不能超过 50 MB：请分几次上传（已上传的材料会保存在草稿中）",
    ),
)
DEFAULT_LIMIT = BodyLimit(
    re.compile(""), MOST_BY_DEFAULT, "请求内容太大：此地址接受的请求内容不超过 1 MB"
)


NUL_IN_QUERY = "地址中含有空字符（%00），请删去后再试"


def limit_for(path: str) -> BodyLimit:
    return next((limit for limit in BODY_LIMITS if limit.path.match(path)), DEFAULT_LIMIT)


def declared_length(request: HttpRequest) -> int:
    """The body's length as the client declares it (0 when none or unreadable)."""
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _drain(request: HttpRequest, length: int) -> None:
    """Read a refused body away, unparsed, so the client reads the answer (not beyond
    DRAIN_AT_MOST: then the connection is simply closed)."""
    left = min(length, DRAIN_AT_MOST)
    while left > 0 and (chunk := request.read(min(left, 64 * 1024))):
        left -= len(chunk)


def _is_json(request: HttpRequest) -> bool:
    kind = (request.content_type or "").lower()
    return kind == "application/json" or kind.endswith("+json")


class BodyLimits:
    """413 for a body declared larger than its endpoint takes; 400 for JSON nested too
    deeply, and for a NUL character in the query string or a JSON body (PostgreSQL's text
    cannot hold one). Everything else goes on untouched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = declared_length(request)
        limit = limit_for(request.path_info)
        if length > limit.most:
            if length <= DRAIN_AT_MOST:
                _drain(request, length)
            return refusal(request, 413, "文件太大", limit.message)
        # A JSON body of an upload endpoint may be larger: its view checks what it reads.
        if "%00" in request.META.get("QUERY_STRING", ""):
            return refusal(request, 400, "请求有误", NUL_IN_QUERY)
        if length and length <= MOST_BY_DEFAULT and _is_json(request):
            if too_deep(request.body):
                return refusal(request, 400, "请求有误", TOO_DEEP)
            if has_nul(request.body):
                return refusal(request, 400, "请求有误", NUL_IN_JSON)
        return self.get_response(request)
