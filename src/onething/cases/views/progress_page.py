"""办件进度查询 (no log-in): by case number and the applicant's name or the last four
digits of their phone, or from the 受理通知书's QR code. Guessing is throttled: by
address, and by case number after failed attempts (django-ratelimit on the shared cache)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage

from onething.cases import progress

LOOKUPS_PER_ADDRESS = "30/10m"
FAILURES_PER_NUMBER = "5/h"
_SESSION_KEY = "progress_numbers"  # the numbers this browser has proved it may follow


def _too_many(request: HttpRequest, usage: dict, what: str) -> HttpResponse:
    minutes = max(1, round(usage.get("time_left", 60) / 60))
    response = render(
        request,
        "cases/progress.html",
        {"nav": "progress", "error": f"{what}，请 {minutes} 分钟后再试。"},
        status=429,
    )
    response["Retry-After"] = str(max(1, int(usage.get("time_left", 60))))
    return response


def _number_key(group: str, request: HttpRequest) -> str:
    return request.POST.get("number", "").strip().upper()[:32]


def _shown(request: HttpRequest, case) -> HttpResponse:
    return render(request, "cases/progress.html", {"nav": "progress", **progress.progress_of(case)})


@never_cache
@require_http_methods(["GET", "POST"])
def progress_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _look_up(request)
    number, token = request.GET.get("n", ""), request.GET.get("t", "")
    if number and token:  # the QR code of a 受理通知书
        case = progress.case_by_token(number, token)
        if case is not None:
            return _shown(request, case)
    allowed = request.session.get(_SESSION_KEY, [])
    if number and number.strip().upper() in allowed:
        case = progress.case_by_token(number, progress.progress_token_for_number(number))
        if case is not None:
            return _shown(request, case)
    return render(request, "cases/progress.html", {"nav": "progress", "number": number})


def _look_up(request: HttpRequest) -> HttpResponse:
    by_address = get_usage(
        request, group="progress", key="ip", rate=LOOKUPS_PER_ADDRESS, increment=True
    )
    if by_address and by_address["should_limit"]:
        return _too_many(request, by_address, "查询过于频繁")
    number, proof = _number_key("", request), request.POST.get("proof", "")
    failures = get_usage(
        request, group="progress-number", key=_number_key, rate=FAILURES_PER_NUMBER
    )
    if failures and failures["count"] >= failures["limit"]:  # read without counting
        return _too_many(request, failures, "该受理编号查询失败次数过多")
    if not number or not proof.strip():
        context = {"error": "请填写受理编号，以及申请人姓名或手机号后四位", "number": number}
        return render(request, "cases/progress.html", {"nav": "progress", **context}, status=400)
    case = progress.case_by_applicant(number, proof)
    if case is None:
        get_usage(
            request,
            group="progress-number",
            key=_number_key,
            rate=FAILURES_PER_NUMBER,
            increment=True,
        )
        context = {
            "error": "没有找到：受理编号与申请人姓名（或手机号后四位）不符，请核对后再查",
            "number": number,
        }
        return render(request, "cases/progress.html", {"nav": "progress", **context}, status=404)
    request.session[_SESSION_KEY] = [*request.session.get(_SESSION_KEY, [])[-9:], case.number]
    return redirect(f"{reverse('cases:progress')}?n={case.number}")
