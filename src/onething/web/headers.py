"""Response headers every answer gets: the Content-Security-Policy (with a nonce) and
Cache-Control for answers that carry personal data.

- ContentSecurityPolicy: django-csp's middleware, with two decisions of ours. Every HTML
  page's policy carries the request's nonce (base.html's scripts carry it too), so the
  policy has one shape on every page, the admin's included. A PDF gets no policy: Chrome
  shows a PDF through an internal <embed> that `object-src 'none'` would block
  (crbug.com/271452), and a PDF runs no page script a policy could restrain.
- PrivateCache: `Cache-Control: no-store, private` on every answer to a logged-in user
  and on the public addresses that show one person's data (a complaint followed by its
  code, a case's progress, a certificate's verification, the API), unless the view set
  its own Cache-Control (the guide's QR code, the favicon; static files never reach it).
"""

from __future__ import annotations

from collections.abc import Callable

from csp.middleware import CSPMiddleware
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

# Public addresses (no log-in needed) whose answers show somebody's data.
PRIVATE_PREFIXES = (
    "/accounts/",  # log-in and what follows it
    "/complaints/",  # the tracking page, a refused filing shown again with its contact
    "/progress/",  # 办件查询
    "/verify/",  # a certificate's holder and dates; an uploaded certificate checked
    "/open311/v2/requests",  # a complaint's status by its code
    "/api/v1/",  # tokens, cases, licences, verification (see PUBLIC_API below)
)
# API answers that are the same for everyone: the catalogue's packages and guides.
PUBLIC_API = ("/api/v1/packages",)
NO_STORE = {"no_store": True, "private": True}


def keeps_private(request: HttpRequest) -> bool:
    """Whether the answer to this request may show one person's data."""
    path = request.path_info
    if path.startswith(PUBLIC_API):
        return False
    if path.startswith(PRIVATE_PREFIXES):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class PrivateCache:
    """Nothing personal in a browser's or a proxy's cache: see the module's docstring."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "Cache-Control" not in response and keeps_private(request):
            patch_cache_control(response, **NO_STORE)
        return response


class ContentSecurityPolicy(CSPMiddleware):
    """django-csp's header, with the nonce on every HTML page and none on a PDF."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        content_type = response.get("Content-Type", "")
        if content_type.startswith("application/pdf"):
            return response
        nonce = getattr(request, "csp_nonce", None)
        if nonce is not None and content_type.startswith("text/html"):
            str(nonce)  # drawn now, so that it goes into the header
        return super().process_response(request, response)
