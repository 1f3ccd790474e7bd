"""Two guards on every request, after Django's session and user (web/settings.MIDDLEWARE):

- IdleSessionMiddleware: a session slides — each use extends it — and ends after
  STAFF_IDLE_MINUTES unused for staff (30), APPLICANT_IDLE_DAYS for applicants and
  agents (14). A page asked for with an ended session (idle, or ended elsewhere: a new
  password, a second-factor reset) leads to the log-in page with a note in Chinese.
- SecondFactorMiddleware: a session that still owes its second factor reaches the
  enrolment and code pages and log-out, nothing else (the API answers 401).
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from onething.accounts import twofactor
from onething.core.roles import STAFF_ROLES

# When the session was last used (seconds since the epoch), written at most once a minute.
SEEN_KEY = "_onething_seen"
# A cookie that says "this browser was logged in", so that a request whose session has
# gone can be told from one that never had one. It holds nothing else.
SIGNED_IN_COOKIE = "onething_signed_in"
ENDED_NOTE = (
    "您的登录已结束：长时间未操作会自动退出（工作人员 {minutes} 分钟），"
    "在其他地方修改密码或重置验证器也会结束登录。请重新登录。"
)
API_PREFIX = "/api/"


def idle_limit(user) -> int:
    """Seconds a session of this user may stay unused."""
    if getattr(user, "role", None) in STAFF_ROLES or getattr(user, "is_staff", False):
        return settings.STAFF_IDLE_MINUTES * 60
    return settings.APPLICANT_IDLE_DAYS * 24 * 3600


def _to_login(request: HttpRequest) -> HttpResponse:
    """The log-in page, coming back here afterwards (a page someone was reading)."""
    target = reverse(settings.LOGIN_URL)
    if request.method == "GET" and request.path != target:
        target += "?" + urlencode({"next": request.get_full_path()})
    if request.headers.get("HX-Request"):  # htmx: the whole page goes, not a fragment
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target)


class IdleSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            return self._slide(request) or self.get_response(request)
        ended = self._slide(request)
        went = request.COOKIES.get(SIGNED_IN_COOKIE) and not request.user.is_authenticated
        if ended is None and went:  # the session ended while the person was away
            ended = self._ended(request)
        response = ended or self.get_response(request)
        return self._mark(request, response)

    def _slide(self, request: HttpRequest) -> HttpResponse | None:
        """Extend a session in use; end one unused for too long."""
        user = request.user
        if not user.is_authenticated:
            return None
        limit, now = idle_limit(user), int(time.time())
        seen = request.session.get(SEEN_KEY)
        if seen is not None and now - seen > limit:
            logout(request)
            return None if request.path.startswith(API_PREFIX) else self._ended(request)
        if seen is None or now - seen >= min(60, limit // 10):
            request.session[SEEN_KEY] = now
            request.session.set_expiry(limit)  # the stored session ends then, unless used
        return None

    def _ended(self, request: HttpRequest) -> HttpResponse:
        messages.info(request, ENDED_NOTE.format(minutes=settings.STAFF_IDLE_MINUTES))
        return _to_login(request)

    def _mark(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        signed_in = request.user.is_authenticated
        if signed_in and not request.COOKIES.get(SIGNED_IN_COOKIE):
            response.set_cookie(
                SIGNED_IN_COOKIE,
                "1",
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        elif not signed_in and request.COOKIES.get(SIGNED_IN_COOKIE):
            response.delete_cookie(SIGNED_IN_COOKIE, samesite="Lax")
        return response


# The pages a session that owes its second factor may open.
OPEN_BEFORE_SECOND_FACTOR = frozenset(
    {
        "accounts:second_factor",
        "accounts:enrol",
        "accounts:logout",
        "admin:logout",
        "favicon",
        "health",
    }
)


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        if not twofactor.needed(request):
            return None
        match = request.resolver_match
        if match is None or match.view_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        if request.path.startswith(API_PREFIX):
            detail = "请先完成双因素认证：登录后输入验证器上的 6 位动态验证码"
            return JsonResponse({"detail": detail}, status=401)
        target = reverse("accounts:second_factor")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
