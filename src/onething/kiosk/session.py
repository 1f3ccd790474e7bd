"""The terminal's cookie and the kiosk session.

- A terminal is set up once with its kiosk's token (`/kiosk/<code>/?token=…`); it keeps a
  signed cookie naming the kiosk and the token's digest, so a new token stops it.
- A kiosk session is a citizen signed in at a kiosk: marked with the kiosk's code, short
  (`KIOSK_SESSION_SECONDS` at most, ended sooner when unused), applicants only.
- `KioskSessionMiddleware` (after the idle-session guard) enforces both on every request
  and tells the pages which kiosk a request comes from: `request.kiosk_code` ("" when
  none), which the filing page passes on so that cases filed there carry the kiosk, and
  `request.kiosk_card_read` (the kiosk's code when its reader read the person's ID card).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import login, logout
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from onething.core.roles import Role
from onething.kiosk import rules

COOKIE = "onething_kiosk"
SALT = "onething.kiosk.terminal"
SESSION_KEY = "_onething_kiosk"
STARTED_KEY = "_onething_kiosk_started"
CARD_KEY = "_onething_kiosk_card"  # signed in with the ID card the kiosk's reader read
SERVER_IDLE_SECONDS = 3 * 60  # the stored session ends this long after the last request
BACKEND = "onething.accounts.auth.AccountBackend"


def terminal_cookie(response: HttpResponse, code: str, token_digest: str) -> None:
    value = signing.dumps([code, token_digest], salt=SALT)
    response.set_cookie(
        COOKIE,
        value,
        max_age=400 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def terminal_of(request: HttpRequest) -> tuple[str, str] | None:
    """(kiosk code, token digest) this browser was set up with, or None."""
    value = request.COOKIES.get(COOKIE)
    if not value:
        return None
    try:
        code, digest = signing.loads(value, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return str(code), str(digest)


def start_kiosk_session(request: HttpRequest, kiosk_code: str, user, by_card: bool = False) -> None:
    """Sign this applicant in for a kiosk session (nothing of the session before stays);
    `by_card`: with their ID card, read by the kiosk's reader (the original: a case
    filed in this session has its ID card materials checked)."""
    request.session.flush()
    login(request, user, backend=BACKEND)
    request.session[SESSION_KEY] = kiosk_code
    request.session[CARD_KEY] = by_card
    request.session[STARTED_KEY] = int(time.time())
    request.session.set_expiry(SERVER_IDLE_SECONDS)


def kiosk_limit() -> int:
    return getattr(settings, "KIOSK_SESSION_SECONDS", rules.KIOSK_SESSION_SECONDS)


class KioskSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.kiosk_code = request.kiosk_card_read = ""
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        kiosk_code = request.session.get(SESSION_KEY)
        if kiosk_code:
            started = int(request.session.get(STARTED_KEY) or 0)
            left = started + kiosk_limit() - int(time.time())
            if user.role != Role.APPLICANT or left <= 0:
                return self._end(request, kiosk_code)
            request.session.set_expiry(min(left, SERVER_IDLE_SECONDS))
            request.kiosk_code = kiosk_code
            request.kiosk_card_read = kiosk_code if request.session.get(CARD_KEY) else ""
        elif (at := terminal_of(request)) is not None:
            # A password log-in at a terminal is no kiosk session; staff never sign in here.
            return self._end(request, at[0])
        return self.get_response(request)

    def _end(self, request: HttpRequest, kiosk_code: str) -> HttpResponse:
        logout(request)
        return HttpResponseRedirect(reverse("kiosk:start", args=[kiosk_code]))
