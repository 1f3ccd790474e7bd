"""Throttles of the public endpoints: django-ratelimit counting on the shared cache
(settings CACHES, a table in the database), so every instance counts the same requests.

A `Limit` counts the requests of one client address (behind a trusted proxy, the address
the proxy saw: RATELIMIT_IP_META_KEY) and, when someone is logged in, of their account as
well, so a script cannot spread over addresses with one account. Over the limit the answer
is 429 with ``Retry-After`` and a message in Chinese naming what was limited and for how
long, as the client reads it (core/refusals.py): the site's page, the API's
``{"detail": "…"}`` or Open311's error body.

The rates are ones a person never meets and a script does (fixed windows; a person who
files a complaint, follows it a few times and prints a guide uses a tenth of them):

==================  ===========  ===========================================================
limit               rate         endpoints (per address, and per account when logged in)
==================  ===========  ===========================================================
COMPLAINT_FILING    20 an hour   POST /complaints/new, POST /open311/v2/requests.json; a question
                                 filed as a 咨询: POST /guides/{package}/ask, /search/question,
                                 /api/v1/search/ask and /api/v1/search/question
COMPLAINT_LOOKUP    60 / 10 min  GET /complaints/track, GET /open311/v2/requests.json and
                                 /open311/v2/requests/{id}.json
LICENCE_LOOKUP      60 / 10 min  GET /verify/ (a number typed or scanned),
                                 GET /api/v1/verify/{number}
LICENCE_UPLOAD      30 / 10 min  POST /verify/, POST /api/v1/verify (a PDF is parsed)
GUIDE_PDF           30 / 10 min  GET /guides/{package}.pdf (one not rendered yet costs about
                                 a second of CPU)
API_TOKEN           20 / 10 min  POST /api/v1/auth/token (each success stores a token;
                                 failed log-ins are also locked by django-axes)
PROGRESS_LOOKUP     30 / 10 min  POST /progress/ (办件进度查询)
PROGRESS_FAILURES    5 an hour   wrong answers for one case number, from any address
==================  ===========  ===========================================================

Endpoints that share a limit share its count: the page and the API (or Open311) that do
the same thing are one budget, so a script gains nothing by switching.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from django_ratelimit.core import get_usage

from onething.core.refusals import refusal


@dataclass(frozen=True, slots=True)
class Limit:
    """How many requests of one client a window allows."""

    group: str  # the counter's name in the cache: every endpoint naming it shares it
    rate: str  # as django-ratelimit reads it: "30/10m", "5/h"
    what: str  # what is limited, in Chinese: "提交投诉"
    field: str = ""  # count by this posted field's value instead of address and account


COMPLAINT_FILING = Limit("complaint-filing", "20/h", "提交投诉与诉求")
COMPLAINT_LOOKUP = Limit("complaint-lookup", "60/10m", "查询诉求办理情况")
LICENCE_LOOKUP = Limit("licence-lookup", "60/10m", "按编号验证证照")
LICENCE_UPLOAD = Limit("licence-upload", "30/10m", "上传文件验证证照")
GUIDE_PDF = Limit("guide-pdf", "30/10m", "下载办事指南 PDF")
API_TOKEN = Limit("api-token", "20/10m", "申请 API 令牌")
PROGRESS_LOOKUP = Limit("progress", "30/10m", "查询办件进度")
PROGRESS_FAILURES = Limit("progress-number", "5/h", "该受理编号查询失败", field="number")

# What a throttled API operation may answer, for its OpenAPI description
# (`openapi_extra={"responses": THROTTLED_RESPONSES}`).
THROTTLED_RESPONSES: dict[int, dict[str, Any]] = {
    429: {
        "description": "请求过于频繁：detail 说明限制和等待时间，Retry-After 给出秒数",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
    }
}

_UNITS = {"s": "秒", "m": "分钟", "h": "小时", "d": "天"}
_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")


def describe_rate(rate: str) -> str:
    """ "30/10m" → "每 10 分钟最多 30 次"; "5/h" → "每小时最多 5 次"."""
    matched = _RATE.match(rate)
    if matched is None:
        raise ValueError(f"not a rate: {rate!r}")
    count, length, unit = matched.groups()
    period = f" {length} {_UNITS[unit]}" if length and length != "1" else _UNITS[unit]
    return f"每{period}最多 {count} 次"


def describe_wait(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} 秒"
    return f"{-(-seconds // 60)} 分钟"


def _by_address(group: str, request: HttpRequest) -> str:
    """The client's network as RATELIMIT_IP_META_KEY tells it (an IPv6 client by its /64,
    which it holds whole). A request with no address (a server on a Unix socket with no
    trusted proxy configured) is counted with every other such request, never a 500."""
    where = getattr(settings, "RATELIMIT_IP_META_KEY", None)
    address = import_string(where)(request) if where else request.META.get("REMOTE_ADDR")
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "address:unknown"
    if ip.version == 6:
        bits = getattr(settings, "RATELIMIT_IPV6_MASK", 64)
    else:
        bits = getattr(settings, "RATELIMIT_IPV4_MASK", 32)
    return "address:" + str(ipaddress.ip_network(f"{ip}/{bits}", strict=False).network_address)


def _by_account(group: str, request: HttpRequest) -> str:
    return f"account:{request.user.pk}"


def _keys(request: HttpRequest, limit: Limit) -> list[Any]:
    if limit.field:
        field = limit.field
        return [lambda group, r: "field:" + r.POST.get(field, "").strip().upper()[:64]]
    keys: list[Any] = [_by_address]
    if getattr(getattr(request, "user", None), "is_authenticated", False):
        keys.append(_by_account)
    return keys


def over_limit(request: HttpRequest, limit: Limit, count: bool = True) -> HttpResponse | None:
    """Count this request under `limit` (only look, with `count` false) and answer 429
    when it is one too many; None when it may go on."""
    for key in _keys(request, limit):
        usage = get_usage(request, group=limit.group, key=key, rate=limit.rate, increment=count)
        if usage is not None and usage["count"] + (0 if count else 1) > usage["limit"]:
            return too_many(request, limit, usage["time_left"])
    return None


def record(request: HttpRequest, limit: Limit) -> None:
    """Count one (a failed attempt) without refusing anything now."""
    for key in _keys(request, limit):
        get_usage(request, group=limit.group, key=key, rate=limit.rate, increment=True)


def too_many(request: HttpRequest, limit: Limit, time_left: int) -> HttpResponse:
    """429: what was limited, the rate, how long to wait; `Retry-After` in seconds."""
    wait = time_left if time_left > 0 else 60  # -1: the cache failed, and it fails closed
    if limit.field:
        rule = f"{limit.what}次数过多（{describe_rate(limit.rate)}）"
    else:
        rule = f"{limit.what}过于频繁（同一网络地址或账户{describe_rate(limit.rate)}）"
    message = f"{rule}，请 {describe_wait(wait)}后再试。"
    return refusal(request, 429, "请求过于频繁", message, Retry_After=str(wait))


def throttle(**by_method: Limit) -> Callable[[Callable], Callable]:
    """A view's requests of each named method counted under its limit:
    ``@throttle(GET=LICENCE_LOOKUP, POST=LICENCE_UPLOAD)``; 429 once over. For an API
    operation, wrap it with ninja's ``decorate_view(throttle(POST=API_TOKEN))``."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def run(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            limit = by_method.get(request.method or "")
            refused = over_limit(request, limit) if limit is not None else None
            return refused or view(request, *args, **kwargs)

        return run

    return decorate
