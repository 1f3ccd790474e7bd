"""While the database cannot be reached (a restart, a network cut, a full disk on the
database host), every request is answered plainly instead of with a server error: 503
with ``Retry-After``, ``{"detail": "…"}`` under /api/, ``{"status": "unhealthy"}`` at
/healthz (so a load balancer takes the instance out), and a page in Chinese elsewhere.
Nothing was changed: a transaction that could not reach the database was not committed.

`OutageMiddleware.process_exception` catches what a view raises; what a middleware
raises (a session read, a log-in throttle) reaches handler500, which asks
`outage_answer` first (web/views.server_error). The page is rendered without the request,
so it needs no session and no user from the database.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

log = logging.getLogger(__name__)

RETRY_AFTER_S = 30
MESSAGE = "系统暂时无法连接数据库，您的操作没有保存，请稍后再试"


def is_outage(problem: BaseException | None) -> bool:
    return isinstance(problem, OperationalError | InterfaceError)


def outage_response(request: HttpRequest) -> HttpResponse:
    if request.path.rstrip("/") == "/healthz":
        response: HttpResponse = JsonResponse(
            {"status": "unhealthy", "detail": "数据库无法连接"}, status=503
        )
    elif request.path.startswith("/api/"):
        response = JsonResponse({"detail": MESSAGE}, status=503)
    else:
        page = render_to_string("web/outage.html", {"message": MESSAGE})
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_S)
    response["Cache-Control"] = "no-store"
    return response


def outage_answer(request: HttpRequest) -> HttpResponse | None:
    """For handler500: the outage answer when the exception being handled is one."""
    problem = sys.exc_info()[1]
    if not is_outage(problem):
        return None
    log.warning("database unreachable: %s %s: %s", request.method, request.path, problem)
    return outage_response(request)


class OutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not is_outage(exception):
            return None
        log.warning("database unreachable: %s %s: %s", request.method, request.path, exception)
        return outage_response(request)
