"""Pages: the holder's library (我的证照), a certificate with its downloads, staff
look-up (audited), revocation, and the public verification page (no log-in)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onething.core.access import (
    handles_cases,
    may_revoke_licence,
    may_see_licence,
)
from onething.core.error_pages import forbidden
from onething.core.qr import qr_svg
from onething.core.throttle import LICENCE_LOOKUP, LICENCE_UPLOAD, throttle
from onething.licences import events, services, upload
from onething.licences.certificate import LicenceStatus
from onething.licences.models import Licence
from onething.licences.query import visible_licence
from onething.licences.rendering import render_certificate_pdf, verify_url
from onething.privacy.crypto import lookup_digest
from onething.privacy.masking import mask_id_number, mask_name

MAX_UPLOAD = upload.MAX_FILE_BYTES
TRUSTED = (LicenceStatus.valid, LicenceStatus.expired, LicenceStatus.revoked)  # registry facts


def _row(licence: Licence, today) -> dict:
    status = licence.status_on(today)
    return {"licence": licence, "status": status, "status_label": status.label}


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """我的证照: every certificate issued to the account, newest first."""
    today = timezone.localdate()
    licences = Licence.objects.filter(holder=request.user)
    return render(
        request,
        "licences/mine.html",
        {"nav": "licences", "rows": [_row(lic, today) for lic in licences]},
    )


@login_required
@require_GET
def detail(request: HttpRequest, number: str) -> HttpResponse:
    licence = visible_licence(request.user, number)
    today = timezone.localdate()
    own = licence.holder_id == request.user.pk
    if not own:
        events.record(licence, "lookup", request.user, "查看证照详情")
    document = licence.document
    can_revoke = may_revoke_licence(request.user, licence)
    url = verify_url(licence.number, document["signature"]["value"])
    return render(
        request,
        "licences/detail.html",
        {
            "nav": "licences",
            **_row(licence, today),
            "document": document,
            "data": list(document["data"].items()),
            "own": own,
            "can_revoke": can_revoke and licence.state != "revoked",
            "events": licence.events.select_related("actor"),
            "uses": licence.uses.select_related("case").order_by("-id")[:20],
            "verify_url": url,
            # A kiosk's screen is public: the number masked there, in full on the paper.
            "on_kiosk": bool(getattr(request, "kiosk_code", "")),
            "holder_code_masked": _masked_code(document["holder"]),
            "verify_qr": mark_safe(qr_svg(url)),  # our own SVG of the verification address
        },
    )


def _masked_code(holder: dict) -> str:
    code = holder.get("code") or ""
    return mask_id_number(code) if holder.get("kind") == "person" and code else code


@login_required
@require_GET
def pdf(request: HttpRequest, number: str) -> HttpResponse:
    licence = visible_licence(request.user, number)
    response = HttpResponse(render_certificate_pdf(licence), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{licence.type_id}-{_tail(number)}.pdf"'
    return response


@login_required
@require_GET
def document_json(request: HttpRequest, number: str) -> HttpResponse:
    licence = visible_licence(request.user, number)
    body = json.dumps(licence.document, ensure_ascii=False, indent=2, sort_keys=True)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{licence.type_id}-{_tail(number)}.json"'
    )
    return response


def _tail(number: str) -> str:
    return number.rsplit(".", 3)[-3] if number.count(".") >= 3 else "licence"


@login_required
@require_POST
def revoke(request: HttpRequest, number: str) -> HttpResponse:
    number = visible_licence(request.user, number).number
    try:
        services.revoke(request.user, number, request.POST.get("reason", ""))
    except services.LicenceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "证照已撤销，验证时将显示撤销日期和理由。")
    return redirect(reverse("licences:detail", args=[number]))


SEARCH_KEY = "licence_search"  # the posted query, kept in the session for one showing


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """Staff look a holder's licences up by credit code / ID number, or by number; every
    look-up is recorded against each licence shown. The code is posted, never put in the
    address: an ID number in a URL ends up in access logs, proxies and browser history."""
    if not handles_cases(request.user):
        return forbidden(request, "证照查询供工作人员使用。")
    if request.method == "POST":  # post, redirect, show: a reload never searches again
        request.session[SEARCH_KEY] = request.POST.get("q", "").strip()[:100]
        return redirect(reverse("licences:search"))
    query = request.session.pop(SEARCH_KEY, "")
    rows, searched = [], False
    if query:
        searched = True
        upper = query.upper()
        licences = Licence.objects.filter(number=upper) | Licence.objects.filter(
            holder_digest=lookup_digest(upper)
        )
        today = timezone.localdate()
        for licence in licences.select_related("holder")[:50]:
            if not may_see_licence(request.user, licence):
                continue
            events.record(licence, "lookup", request.user, "证照查询")
            rows.append(_row(licence, today))
    return render(
        request,
        "licences/search.html",
        {
            "nav": "licences",
            "query": query,
            "rows": rows,
            "searched": searched,
            "from_address": "q" in request.GET,  # an old link: the code is not read from it
        },
    )


def public_holder(licence: Licence | None, document: dict | None = None) -> str:
    """The holder as the public page shows them: an enterprise by name, a person masked."""
    if licence is not None:
        kind, name = licence.holder_kind, licence.holder_name
    elif document:
        kind, name = document.get("holder", {}).get("kind"), document.get("holder", {}).get("name")
    else:
        return ""
    return name if kind == "enterprise" else mask_name(name or "")


# Open to anyone, logged in or not, and nothing changes: no CSRF token is needed. An
# upload over 10 MB is refused by its Content-Length before it is read (web/limits.py).
@csrf_exempt
@require_http_methods(["GET", "POST"])
@throttle(GET=LICENCE_LOOKUP, POST=LICENCE_UPLOAD)
def verify(request: HttpRequest) -> HttpResponse:
    """证照验证, open to anyone: a number typed or scanned, or the certificate's PDF (or
    its JSON data) uploaded; throttled per address (core/throttle.py)."""
    result, error, status = None, "", 200
    number = request.GET.get("n", "").strip()
    if request.method == "POST":
        result, error, status = _verify_upload(request)
    elif number:
        result = services.verify_number(number)
        printed = request.GET.get("s", "").strip()
        if printed and result.licence is not None:
            signature = result.licence.document["signature"]["value"]
            if not signature.startswith(printed):  # the QR of a copy signed by someone else
                result = services.Verification(
                    LicenceStatus.forged,
                    result.number,
                    message="二维码中的签名与登记的证照不符：该纸质或电子件可能被伪造",
                )
    context = {"nav": "verify", "number": number, "error": error, "result": result}
    if result is not None:
        licence = result.licence
        context.update(
            status=result.status,
            status_label=result.status.label,
            holder=public_holder(licence),
            holder_code=public_code(licence),
            trusted=result.status in TRUSTED,
        )
    return render(request, "licences/verify.html", context, status=status)


def _verify_upload(request: HttpRequest) -> tuple[services.Verification | None, str, int]:
    """(result, error, HTTP status) for an uploaded file (one declared too large never
    gets here: web/limits.py)."""
    chosen = request.FILES.get("document")
    if chosen is None:
        return None, "请选择要验证的文件：电子证照 PDF，或证照数据文件（JSON）", 400
    if chosen.size > MAX_UPLOAD:
        return None, upload.TOO_LARGE, 413
    try:
        return services.verify_file(chosen.read()), "", 200
    except upload.NotReadable as problem:
        return None, str(problem), 400


def public_code(licence: Licence | None) -> str:
    if licence is None:
        return ""
    code = licence.document["holder"].get("code", "")
    return code if licence.holder_kind == "enterprise" else mask_id_number(code)


@require_GET
def public_keys(request: HttpRequest) -> HttpResponse:
    """Every issuing authority's public keys, for offline verification by technical staff
    (`onething licence verify FILE --keys keys.json`)."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "keys.json"
        services.keyring().export_public(target)
        body = target.read_bytes()
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="onething-licence-keys.json"'
    return response
