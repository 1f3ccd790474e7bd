from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404

from onething.core.error_pages import error_page
from onething.web.api import api
from onething.web.outage import outage_answer


def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(api.get_openapi_schema(path_prefix="/api/v1"))


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = "您要找的页面不存在。"
    if exception is not None and not isinstance(exception, Resolver404) and str(exception):
        message = str(exception)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=404)
    return error_page(request, "页面不存在", message, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    if (outage := outage_answer(request)) is not None:  # the database out of reach: 503
        return outage
    message = "服务器出了点问题，已记录。请稍后再试，或拨打 12345 咨询。"
    return error_page(request, "系统繁忙", message, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted from a page that is too old (logged out and in again, or open for
    long): say so in plain words, with a way back, instead of Django's developer page."""
    if request.path.startswith("/api/"):
        detail = "请求缺少有效的 CSRF 令牌：使用会话时请带上 X-CSRFToken，或改用 Bearer 令牌"
        return JsonResponse({"detail": detail}, status=403)
    back = request.META.get("HTTP_REFERER", "")
    return render(
        request,
        "web/error.html",
        {
            "title": "页面已过期",
            "message": "这个页面打开的时间太久，或您已在别处重新登录，操作没有执行。"
            "请刷新页面后再操作，已填写的内容需要重新填写。",
            "back": back if back.startswith(("http://", "https://", "/")) else "",
        },
        status=403,
    )
