"""Behind a reverse proxy (deploy/nginx.conf): who the client is, and whether they came
over HTTPS. Trusted only when ONETHING_TRUSTED_PROXIES says how many proxies stand in
front, since anyone can send these headers to an app that faces the internet itself."""

from __future__ import annotations

import os

from django.http import HttpRequest


def trusted_proxies() -> int:
    """How many proxies in front append to X-Forwarded-For (0: none, headers ignored)."""
    try:
        return max(0, int(os.environ.get("ONETHING_TRUSTED_PROXIES", "0") or 0))
    except ValueError:
        return 0


def client_address(request: HttpRequest) -> str | None:
    """The client's address: with N trusted proxies, the Nth address from the right of
    X-Forwarded-For (each proxy appends who connected to it; what the client itself sent
    stands further left and is not believed); else the connection's own address."""
    proxies = trusted_proxies()
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
