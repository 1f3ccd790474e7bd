"""办件进度查询 (no log-in): by case number and the applicant's name or the last four
digits of their phone, or from the 受理通知书's QR code. Guessing is throttled: by
address, and by case number after failed attempts (core/throttle.py: PROGRESS_LOOKUP,
PROGRESS_FAILURES)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from onething.cases import progress
from onething.core.throttle import PROGRESS_FAILURES, PROGRESS_LOOKUP, over_limit, record, throttle

_SESSION_KEY = "progress_numbers"  # the numbers this browser has proved it may follow


def _shown(request: HttpRequest, case) -> HttpResponse:
    return render(request, "cases/progress.html", {"nav": "progress", **progress.progress_of(case)})


@never_cache
@require_http_methods(["GET", "POST"])
@throttle(POST=PROGRESS_LOOKUP)
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
    number = request.POST.get("number", "").strip().upper()[:32]
    proof = request.POST.get("proof", "")
    refused = over_limit(request, PROGRESS_FAILURES, count=False)  # read without counting
    if refused is not None:
        return refused
    if not number or not proof.strip():
        context = {"error": "请填写受理编号，以及申请人姓名或手机号后四位", "number": number}
        return render(request, "cases/progress.html", {"nav": "progress", **context}, status=400)
    case = progress.case_by_applicant(number, proof)
    if case is None:
        record(request, PROGRESS_FAILURES)
        context = {
            "error": "没有找到：受理编号与申请人姓名（或手机号后四位）不符，请核对后再查",
            "number": number,
        }
        return render(request, "cases/progress.html", {"nav": "progress", **context}, status=404)
    request.session[_SESSION_KEY] = [*request.session.get(_SESSION_KEY, [])[-9:], case.number]
    return redirect(f"{reverse('cases:progress')}?n={case.number}")
