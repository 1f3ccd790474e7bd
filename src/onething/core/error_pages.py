"""The site's plain error page in Chinese, for every app (no imports of the apps: they
use it, so it must not pull them in)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def error_page(request: HttpRequest, title: str, message: str, status: int) -> HttpResponse:
    """The site's plain error page in Chinese (403 for a role, 404 …)."""
    return render(request, "web/error.html", {"title": title, "message": message}, status=status)


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return error_page(request, "无权访问", message, 403)
