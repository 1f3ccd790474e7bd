"""/favicon.ico: browsers ask for it at the site's root whatever a page links, the admin's
pages and PDFs opened in a tab too; served from the static folder, kept for a day."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

ICON = Path(__file__).parent / "static" / "onething" / "favicon.ico"


@cache
def _icon() -> bytes:
    return ICON.read_bytes()


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_icon(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
