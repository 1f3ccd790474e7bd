"""The kiosk's pages: the terminal's start page (sign in by ID card or by the phone's
code), the sign-in posts, the end of a kiosk session, and the citizen's phone page
在自助终端登录 that shows the one-time QR code. Each view reads the request, calls one
service, renders."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from onething.cases import delivery
from onething.cases.views.common import posted_version, role_required
from onething.core.errors import CaseError, NotFound
from onething.core.qr import qr_svg
from onething.core.roles import Role
from onething.core.throttle import Limit, over_limit
from onething.kiosk import rules, services, session
from onething.kiosk.models import Kiosk
from onething.licences.models import Licence
from onething.privacy.masking import mask_name

# A terminal signs in a few people a minute at most; a script guessing codes far more.
SIGN_IN = Limit("kiosk-sign-in", "30/5m", "自助终端登录")
SIMULATED_CARD = ("张三", "142331198503151231")  # the demo's zhangsan


def _kiosk(code: str) -> Kiosk:
    try:
        return services.kiosk_named(code)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _registered(request: HttpRequest, kiosk: Kiosk) -> bool:
    at = session.terminal_of(request)
    if at is None or at[0] != kiosk.code:
        return False
    try:
        services.terminal(kiosk.code, at[1])
    except CaseError:
        return False
    return True


def _page(request: HttpRequest, kiosk: Kiosk, message: str = "", status: int = 200):
    signed_in = request.user.is_authenticated and request.kiosk_code == kiosk.code
    context = {
        "kiosk": kiosk,
        "signed_in": signed_in,
        "shown_name": mask_name(request.user.full_name) if signed_in else "",
        "message": message,
        "simulated": _simulated(),
        "idle_seconds": getattr(settings, "KIOSK_IDLE_SECONDS", rules.IDLE_SECONDS),
        "countdown_seconds": getattr(settings, "KIOSK_COUNTDOWN_SECONDS", rules.COUNTDOWN_SECONDS),
    }
    return render(request, "kiosk/start.html", context, status=status)


def start(request: HttpRequest, code: str) -> HttpResponse:
    """The terminal's start page; `?token=` once sets this browser up as the kiosk."""
    kiosk = _kiosk(code)
    token = request.GET.get("token", "")
    if token:
        try:
            services.set_up_terminal(kiosk.code, token)
        except CaseError as exc:
            return _refused(request, kiosk, exc.message, exc.status)
        response = redirect("kiosk:start", kiosk.code)
        session.terminal_cookie(response, kiosk.code, kiosk.token_digest)
        return response
    if not _registered(request, kiosk):
        return _refused(request, kiosk, services.NOT_REGISTERED, 403)
    return _page(request, kiosk)


def _refused(request: HttpRequest, kiosk: Kiosk, message: str, status: int) -> HttpResponse:
    context = {"kiosk": kiosk, "message": message}
    return render(request, "kiosk/refused.html", context, status=status)


def _sign_in(request: HttpRequest, code: str, how, by_card: bool = False) -> HttpResponse:
    kiosk = _kiosk(code)
    if not _registered(request, kiosk):
        return _refused(request, kiosk, services.NOT_REGISTERED, 403)
    if (refused := over_limit(request, SIGN_IN)) is not None:
        return refused
    try:
        user = how(kiosk)
    except CaseError as exc:
        if request.user.is_authenticated:
            logout(request)
        return _page(request, kiosk, exc.message, exc.status)
    session.start_kiosk_session(request, kiosk.code, user, by_card)
    request.kiosk_code = kiosk.code
    return redirect("kiosk:start", kiosk.code)


@require_POST
def by_card(request: HttpRequest, code: str) -> HttpResponse:
    """The card reader read an ID card: its signed reading is posted (the terminal's page
    only relays it). In the demo, 模拟读卡 has the simulated reader make one."""
    reading, signature = request.POST.get("reading", ""), request.POST.get("signature", "")

    def by_reading(kiosk: Kiosk):
        text, signed = reading, signature
        if request.POST.get("simulate") and _simulated():
            text, signed = services.simulated_reading(kiosk, *SIMULATED_CARD)
        return services.sign_in_by_card(kiosk, text, signed)

    return _sign_in(request, code, by_reading, by_card=True)


def _simulated() -> bool:
    return bool(getattr(settings, "KIOSK_SIMULATED_READER", settings.DEBUG))


@require_POST
def by_code(request: HttpRequest, code: str) -> HttpResponse:
    """The code the citizen's phone shows, scanned or typed on the keypad."""
    text = request.POST.get("code", "")
    return _sign_in(request, code, lambda k: services.sign_in_by_code(k, text))


@require_POST
def end(request: HttpRequest) -> HttpResponse:
    """End the kiosk session (the idle countdown ran out, or 退出): back to the start."""
    kiosk_code = request.session.get(session.SESSION_KEY) or ""
    logout(request)
    at = session.terminal_of(request)
    target = at[0] if at is not None else kiosk_code
    if target:
        return redirect(reverse("kiosk:start", args=[target]) + "?ended=1")
    return redirect("guides:home")


@role_required(Role.APPLICANT, Role.AGENT)
@require_POST
def collect(request: HttpRequest, case_id) -> HttpResponse:
    """自助领取: the certificates of a finished case, collected at this kiosk; then the
    first one's page, to print (one certificate) or the case's results (several)."""
    try:
        case = delivery.collect_at_kiosk(
            request.user, case_id, request.kiosk_code, posted_version(request)
        )
    except CaseError as exc:
        messages.error(request, exc.message)
        return redirect("cases:detail", case_id)
    numbers = list(Licence.objects.filter(case_id=case.pk).values_list("number", flat=True))
    messages.success(request, "已领取：证照已存入“我的证照”，请点“打印”打印纸质证照。")
    if len(numbers) == 1:
        return redirect("licences:detail", numbers[0])
    return redirect(reverse("cases:detail", args=[case.public_id]) + "#results")


@role_required(Role.APPLICANT)
@require_http_methods(["GET", "POST"])
def phone_code(request: HttpRequest) -> HttpResponse:
    """在自助终端登录: the citizen's phone shows a one-time QR code for the kiosk to scan."""
    context: dict = {"nav": "mine", "seconds": rules.CODE_SECONDS}
    if request.method == "POST":
        try:
            code, issued = services.issue_sign_in_code(request.user)
        except CaseError as exc:
            context["message"] = exc.message
        else:
            context.update(
                code=code,
                shown=f"{code[:4]} {code[4:]}",
                qr=mark_safe(qr_svg(code)),  # our own SVG of digits
                expires_at=issued.expires_at,
            )
    return render(request, "kiosk/phone_code.html", context)
