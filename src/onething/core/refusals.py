"""A refusal in the shape its client reads: the site's error page for a browser, the API's
``{"detail": "…"}`` under /api/, and Open311's standard error body
``[{"code": …, "description": "…"}]`` under /open311/. Used where a refusal is decided
before any view runs (a throttle, a body too large), so it cannot be the view's own page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse

from onething.core.error_pages import error_page

API_PREFIX = "/api/"
OPEN311_PREFIX = "/open311/"


def refusal(
    request: HttpRequest, status: int, title: str, message: str, **headers: str
) -> HttpResponse:
    """`status` with `message` (Chinese, naming what is wrong) as this client expects it;
    `title` heads the HTML page. `headers` are set as given (Retry_After → Retry-After)."""
    path = request.path_info
    if path.startswith(API_PREFIX):
        response: HttpResponse = JsonResponse({"detail": message}, status=status)
    elif path.startswith(OPEN311_PREFIX):
        body = [{"code": status, "description": message}]
        response = JsonResponse(body, status=status, safe=False)
    else:
        response = error_page(request, title, message, status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response
