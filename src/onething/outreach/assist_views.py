"""帮办代办 pages (window clerks, agents): find the citizen by ID number (or register
them), fill in the one form for them, then their consent — a code sent to their phone or
a signature on the tablet — files the case. Each view reads the request, calls one
service and renders."""

from __future__ import annotations

import base64
import binascii

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from onething.cases.views.common import case_url, role_required
from onething.catalog.services import current_catalog
from onething.core.access import assists_visible_to
from onething.core.errors import CaseError, InvalidInput
from onething.core.roles import Role
from onething.outreach import assisting, consent
from onething.outreach.form_part import form_context, posted_form
from onething.outreach.models import ASSIST_WAYS
from onething.privacy.masking import mask_id_number, mask_phone
from onething.privacy.services import display_name, record_view

ASSISTING = (Role.CLERK, Role.AGENT)


def _packages() -> list[tuple[str, str]]:
    current = current_catalog()
    return [(p.id, p.name) for p in current.catalog.packages.values()] if current else []


@role_required(*ASSISTING)
@require_http_methods(["GET", "POST"])
def assist_home(request: HttpRequest) -> HttpResponse:
    """Find the citizen and the package; register the citizen when there is no account."""
    user, posted = request.user, request.POST
    error, fields, register = "", {}, False
    if request.method == "POST":
        try:
            if posted.get("intent") == "register":
                citizen = assisting.register_citizen(
                    user, posted.get("full_name", ""), posted.get("id_number", ""),
                    posted.get("phone", ""),
                )  # fmt: skip
            else:
                citizen = assisting.find_citizen(user, posted.get("id_number", ""))
            if citizen is None:
                register = user.role == Role.CLERK
                error = "没有找到该身份证号码的申请人账户" + (
                    "，请为其登记账户" if register else "（或其没有向您出具代办授权）"
                )
            else:
                assist = assisting.start_assist(
                    user, citizen, posted.get("package", ""), posted.get("way", "window")
                )
                return redirect("outreach:assist", assist.public_id)
        except CaseError as exc:
            error, fields = exc.message, exc.details.get("fields", {})
            register = posted.get("intent") == "register"
    rows = assists_visible_to(user).select_related("citizen", "staff", "case")[:50]
    context = {
        "nav": "assist",
        "rows": [(a, display_name(user, a.citizen)) for a in rows],
        "packages": _packages(),
        "ways": ASSIST_WAYS,
        "posted": posted,
        "error": error,
        "fields": fields,
        "register": register,
    }
    return render(request, "outreach/assist_home.html", context, status=400 if error else 200)


def _assist_context(request: HttpRequest, assist, errors=None) -> dict:
    citizen = assist.citizen
    return {
        "nav": "assist",
        "assist": assist,
        "citizen_name": display_name(request.user, citizen),
        "citizen_id": mask_id_number(citizen.id_number),
        "citizen_phone": mask_phone(citizen.phone),
        **form_context(assist, citizen, request, errors),
    }


@role_required(*ASSISTING)
@require_http_methods(["GET", "POST"])
def assist_page(request: HttpRequest, public_id) -> HttpResponse:
    """The one form for the citizen; once kept, the consent part below it."""
    try:
        assist = assisting.open_assist(request.user, public_id)
    except CaseError:
        raise Http404("没有找到这份帮办代办") from None
    error, errors = "", {}
    if assist.state == "open":  # the one form shows the citizen's numbers in full
        record_view(request.user, assist.citizen, "身份证号码、手机号码（一表）", "帮办代办")
    if request.method == "POST" and request.POST.get("intent") == "save":
        try:
            answers, place, values = posted_form(request, assist)
            assisting.save_assist_form(request.user, public_id, answers, place, values)
        except CaseError as exc:
            error = exc.message
            errors = exc.details.get("fields", {}) if isinstance(exc, InvalidInput) else {}
        else:
            messages.success(request, "一表已填好。请申请人确认后提交。")
            return redirect("outreach:assist", public_id)
    context = {**_assist_context(request, assist, errors), "error": error}
    return render(request, "outreach/assist.html", context, status=400 if error else 200)


def _signature(text: str) -> bytes:
    head, _, body = (text or "").partition(",")
    if not body or not head.startswith("data:image/png;base64"):
        return b""
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return b""


@role_required(*ASSISTING)
@require_POST
def assist_consent(request: HttpRequest, public_id) -> HttpResponse:
    """发送验证码 / 确认验证码 / 签名确认 / 放弃."""
    intent, user = request.POST.get("intent", ""), request.user
    try:
        if intent == "send_code":
            assist = consent.send_code(user, public_id)
            messages.success(request, f"验证码已发送至申请人手机 {consent.sent_to(assist)}。")
        elif intent == "cancel":
            assisting.cancel_assist(user, public_id)
            messages.info(request, "已放弃这份帮办代办，没有提交办件。")
            return redirect("outreach:assist_home")
        else:
            if intent == "signature":
                png = _signature(request.POST.get("signature", ""))
                case = consent.confirm_with_signature(user, public_id, png)
            else:
                case = consent.confirm_with_code(user, public_id, request.POST.get("code", ""))
            messages.success(request, f"已为申请人提交，受理编号 {case.number}。")
            return redirect(case_url(case))
    except CaseError as exc:
        messages.error(request, exc.message)
    return redirect("outreach:assist", public_id)


@role_required(Role.CLERK, Role.AGENT, Role.APPLICANT, Role.SUPERVISOR)
def assist_signature(request: HttpRequest, public_id) -> HttpResponse:
    """The signature the citizen drew (the citizen, the filer, staff of the window)."""
    assist = assists_visible_to(request.user).filter(public_id=public_id).first()
    if assist is None or not assist.signature_path:
        raise Http404("没有签名")
    response = HttpResponse(consent.signature_png(assist), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response
