"""The second factor's two pages: enrolment (the QR code and the secret, confirmed with a
code) and the code asked at each log-in. Both carry `next`, the page asked for."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from onething.accounts import twofactor
from onething.accounts.forms import CodeForm
from onething.accounts.navigation import start_page_for
from onething.core.qr import qr_data_uri


def _next(request: HttpRequest) -> str:
    """The page to go on to: `next` when it is on this site, the role's start otherwise."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and safe else start_page_for(request.user)


def _to(name: str, request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': _next(request)})}")


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """输入动态验证码: the code of the account's authenticator app."""
    user = request.user
    if not twofactor.needed(request):
        return HttpResponseRedirect(_next(request))
    device = twofactor.confirmed_device(user)
    if device is None:
        return _to("accounts:enrol", request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem = twofactor.check(request, device, form.cleaned_data["code"])
        if not problem:
            return HttpResponseRedirect(_next(request))
        form.add_error("code", problem)
    context = {"form": form, "next": _next(request), "owing_code": True}
    return render(request, "accounts/second_factor.html", context, status=_status(form))


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """绑定验证器: staff at their first log-in, anyone else who chooses to."""
    user = request.user
    if twofactor.confirmed_device(user) is not None:
        return _to("accounts:second_factor", request)
    device = twofactor.enrolment_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem = twofactor.confirm(request, device, form.cleaned_data["code"])
        if not problem:
            return HttpResponseRedirect(_next(request))
        form.add_error("code", problem)
    secret = twofactor.secret_of(device)
    context = {
        "form": form,
        "next": _next(request),
        "qr": qr_data_uri(twofactor.setup_uri(device)),
        "secret": twofactor.grouped(secret),
        "required": twofactor.required_for(user),
        "owing_code": twofactor.needed(request),  # the header's work links wait for it
    }
    return render(request, "accounts/enrol.html", context, status=_status(form))


def _status(form: CodeForm) -> int:
    return 400 if form.errors else 200
