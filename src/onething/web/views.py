from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404

from onething.web.api import api


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
    return render(
        request, "web/error.html", {"title": "页面不存在", "message": message}, status=404
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {
            "title": "系统繁忙",
            "message": "服务器出了点问题，已记录。请稍后再试，或拨打 12345 咨询。",
        },
        status=500,
    )
