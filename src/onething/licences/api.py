"""The electronic certificates API under /api/v1 (电子证照).

Logged in (``Authorization: Bearer <token>`` or the browser session with its CSRF token):

- ``GET /licences``: the caller's own certificates; staff look a holder's certificates up
  with ``?holder=<统一社会信用代码 or 身份证号码>`` (every certificate returned is recorded);
- ``GET /licences/{number}``: one certificate with its signed JSON document;
- ``POST /licences/{number}/revoke``: the issuing department revokes it, with a reason.

Public (no log-in), what the QR code on a certificate leads to:

- ``GET /verify/{number}``: what the registry says of a number;
- ``POST /verify``: the certificate's PDF (what a bank receives: it carries the signed
  JSON as ``licence.json``) or the signed JSON document itself, checked against the
  issuers' keys and the registry.

Certificate numbers contain dots (``1.2.156.3005.2.…``); they go into the path as they
are. Refusals come back as ``{"detail": "…"}`` with 400, 403, 404 or 409; the public
verification is throttled per address (core/throttle.py: LICENCE_LOOKUP, LICENCE_UPLOAD,
shared with the /verify/ page: 429).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError

from onething.accounts.auth import api_user
from onething.accounts.models import User
from onething.core.access import handles_cases, may_see_licence
from onething.core.throttle import LICENCE_LOOKUP, LICENCE_UPLOAD, THROTTLED_RESPONSES, throttle
from onething.licences import events, services, upload
from onething.licences.certificate import LicenceStatus
from onething.licences.models import Licence, LicenceEvent
from onething.licences.query import visible_licence
from onething.licences.rendering import verify_url
from onething.licences.views import TRUSTED, public_code, public_holder
from onething.privacy.crypto import lookup_digest

router = Router(tags=["licences"])
public_router = Router(tags=["licences"])

MAX_PAGE = 200
MAX_OFFSET = 1_000_000
STATUS_TEXT = {
    LicenceStatus.valid: "这是本平台签发的有效电子证照，签名完整，未被改动。",
    LicenceStatus.expired: "证照真实，但已过有效期。",
    LicenceStatus.revoked: "证照已被发证机关撤销。",
    LicenceStatus.unknown: "没有找到这个编号的证照。",
    LicenceStatus.forged: "该证照的数据与发证机关的签名不符：可能被伪造或篡改，请勿采信。",
}
STATUS_DESCRIPTION = (
    "valid 有效 | expired 已过期 | revoked 已撤销 | unknown 未找到 | forged 伪造或被篡改"
)


# --------------------------------------------------------------------------- schemas


class LicenceOut(Schema):
    number: str = Field(description="证照编号, e.g. 1.2.156.3005.2.YPJYXKZ.{发证机关代码}.…")
    type_id: str = Field(description="the catalogue's licence type id")
    type_name: str = Field(description="证照名称, e.g. 药品经营许可证")
    holder_kind: str = Field(description="enterprise | person")
    holder_name: str = Field(description="持证主体: the enterprise's or the person's name")
    issuer_name: str = Field(description="发证机关")
    issuer_uscc: str = Field(description="the issuing authority's 统一社会信用代码 (its key id)")
    issued_on: date = Field(description="发证日期")
    valid_until: date | None = Field(description="有效期至 (null: 长期)")
    status: str = Field(description=f"today's status: {STATUS_DESCRIPTION}")
    status_label: str = Field(description="the status in Chinese, as the pages show it")
    revoked_on: date | None = Field(description="撤销日期, when revoked")
    revoked_reason: str = Field(description="撤销理由, when revoked")


class LicenceDetailOut(LicenceOut):
    document: dict[str, Any] = Field(
        description="the signed certificate: the payload and its Ed25519 `signature`; "
        "POST it to /verify (or verify it offline with the keys of /verify/keys.json)"
    )
    verify_url: str = Field(description="the public verification page (what the QR code carries)")


class RevokeIn(Schema):
    reason: str = Field(description="撤销理由: shown to anyone who verifies the certificate")


class VerificationOut(Schema):
    status: str = Field(description=STATUS_DESCRIPTION)
    status_label: str = Field(description="the status in Chinese")
    number: str = Field(description="the number as read (canonical when it could be parsed)")
    type_name: str | None = Field(description="证照名称 (registry facts: valid, expired, revoked)")
    holder: str | None = Field(
        description="持证主体: an enterprise's name in full, a person's masked (张*)"
    )
    holder_code: str | None = Field(
        description="the holder's 统一社会信用代码 in full, or a person's ID number masked"
    )
    issuer: str | None = Field(description="发证机关")
    issued_on: date | None = Field(description="发证日期")
    valid_until: date | None = Field(description="有效期至 (null: 长期, or not known)")
    revoked_on: date | None = Field(description="撤销日期, when revoked")
    revoked_reason: str | None = Field(description="撤销理由, when revoked")
    message: str = Field(description="what to make of it, in Chinese (why a number is wrong…)")


DOCUMENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "a signed certificate exactly as downloaded (/licences/{number}.json, "
    "the PDF's licence.json attachment or the API's `document`); any change makes it forged",
    "required": [
        "number",
        "type",
        "type_name",
        "holder",
        "issuer",
        "issued_on",
        "valid_until",
        "data",
        "signature",
    ],
    "properties": {
        "number": {"type": "string"},
        "type": {"type": "string"},
        "type_name": {"type": "string"},
        "holder": {
            "type": "object",
            "properties": {k: {"type": "string"} for k in ("kind", "name", "code")},
        },
        "issuer": {
            "type": "object",
            "properties": {
                k: {"type": "string"} for k in ("name", "department", "jurisdiction", "uscc")
            },
        },
        "issued_on": {"type": "string", "format": "date"},
        "valid_until": {"type": "string", "format": "date", "nullable": True},
        "data": {"type": "object", "additionalProperties": {"type": "string"}},
        "signature": {
            "type": "object",
            "properties": {k: {"type": "string"} for k in ("scheme", "key_id", "value")},
        },
    },
}


# --------------------------------------------------------------------------- helpers


def _revoked_on(licence: Licence) -> date | None:
    if licence.revoked_at is None:
        return None
    return timezone.localtime(licence.revoked_at).date()


def _licence_out(licence: Licence, today: date) -> dict[str, Any]:
    status = licence.status_on(today)
    return {
        "number": licence.number,
        "type_id": licence.type_id,
        "type_name": licence.type_name,
        "holder_kind": licence.holder_kind,
        "holder_name": licence.holder_name,
        "issuer_name": licence.issuer_name,
        "issuer_uscc": licence.issuer_uscc,
        "issued_on": licence.issued_on,
        "valid_until": licence.valid_until,
        "status": status.value,
        "status_label": status.label,
        "revoked_on": _revoked_on(licence),
        "revoked_reason": licence.revoked_reason,
    }


def _visible(user: User, number: str) -> Licence:
    try:
        return visible_licence(user, number)  # which reads the number as stored
    except Http404:
        raise HttpError(404, f"证照 {number[:96]} 不存在，或您无权查看") from None


def _verification_out(result: services.Verification, message: str = "") -> dict[str, Any]:
    licence = result.licence if result.status in TRUSTED else None
    out: dict[str, Any] = {
        "status": result.status.value,
        "status_label": result.status.label,
        "number": result.number,
        "type_name": None,
        "holder": None,
        "holder_code": None,
        "issuer": None,
        "issued_on": None,
        "valid_until": None,
        "revoked_on": None,
        "revoked_reason": None,
        "message": message or result.message or STATUS_TEXT[result.status],
    }
    if licence is not None:
        out.update(
            type_name=licence.type_name,
            holder=public_holder(licence),
            holder_code=public_code(licence),
            issuer=licence.issuer_name,
            issued_on=licence.issued_on,
            valid_until=licence.valid_until,
        )
        if result.status == LicenceStatus.revoked:
            out.update(revoked_on=_revoked_on(licence), revoked_reason=licence.revoked_reason)
    return out


# --------------------------------------------------------------------------- endpoints


@router.get(
    "/licences",
    response=list[LicenceOut],
    summary="My certificates (我的证照); staff: a holder's, with ?holder=",
    description="Without `holder`: the caller's own certificates, newest first (staff have "
    "none: they get 403 and are told to give `holder`). With `holder` (staff only: window "
    "clerks, reviewers, supervisors, administrators): the certificates of the enterprise or "
    "person with that 统一社会信用代码 or 身份证号码 that the caller may see — issued in, "
    "or held by someone of, their jurisdiction. Every certificate returned to staff is "
    "recorded in its history (证照记录: 工作人员查看).",
)
def list_licences(
    request: HttpRequest,
    holder: str | None = None,
    limit: int = Query(50, ge=1, le=MAX_PAGE),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    user = api_user(request)
    today = timezone.localdate()
    start, end = offset, offset + limit
    if holder is None:
        if handles_cases(user):
            raise HttpError(
                403, "工作人员没有本人证照：请用 ?holder=统一社会信用代码或身份证号码 查询"
            )
        mine = user.licences.defer("document_text")[start:end]  # the document is encrypted
        return [_licence_out(licence, today) for licence in mine]
    if not handles_cases(user):
        raise HttpError(403, "按持证主体查询证照仅供工作人员使用")
    code = holder.strip().upper()
    if not code:
        raise HttpError(400, "请给出持证主体的统一社会信用代码或身份证号码")
    found = (
        Licence.objects.filter(holder_digest=lookup_digest(code))
        .select_related("holder")
        .defer("document_text")
    )
    shown = [licence for licence in found if may_see_licence(user, licence)][start:end]
    # The holder's code is not written into the record: the licence already names them.
    events.record_all(
        [
            LicenceEvent(licence=licence, kind="lookup", actor=user, note="证照查询（API）")
            for licence in shown
        ]
    )
    return [_licence_out(licence, today) for licence in shown]


@router.get(
    "/licences/{number}",
    response=LicenceDetailOut,
    summary="A certificate with its signed document",
    description="For the holder, an agent the holder has authorised (代办授权), or staff who "
    "may see it (the look-up is recorded in the certificate's history). Anyone else: 404.",
)
def get_licence(request: HttpRequest, number: str):
    user = api_user(request)
    licence = _visible(user, number)
    if licence.holder_id != user.pk:
        events.record(licence, "lookup", user, "查看证照详情（API）")
    document = licence.document
    return {
        **_licence_out(licence, timezone.localdate()),
        "document": document,
        "verify_url": verify_url(licence.number, document["signature"]["value"]),
    }


@router.post(
    "/licences/{number}/revoke",
    response=LicenceOut,
    summary="Revoke a certificate (撤销), with a reason",
    description="Reviewers of the issuing department and jurisdiction, and administrators. "
    "The reason is shown to anyone who verifies the certificate. 400: no reason; 403: not "
    "the issuing department; 404: no such certificate (or not visible); 409: already revoked.",
)
def revoke_licence(request: HttpRequest, number: str, body: RevokeIn):
    user = api_user(request)
    licence = _visible(user, number)
    licence = services.revoke(user, licence.number, body.reason)
    return _licence_out(licence, timezone.localdate())


@public_router.get(
    "/verify/{path:number}",
    response=VerificationOut,
    auth=None,
    summary="Verify a certificate number (public, no log-in)",
    description="What the registry says of a number typed or scanned: its status, and for "
    "a certificate the registry knows (valid, expired, revoked) what it certifies. A person's "
    "name and ID number are masked. A mistyped number is `unknown` with a message saying what "
    "is wrong (a check character that does not match catches any one wrong character). `s`: "
    "the start of the signature the QR code carries — a copy re-signed with another key is "
    "`forged`.",
    openapi_extra={"responses": THROTTLED_RESPONSES},
)
@decorate_view(throttle(GET=LICENCE_LOOKUP))
def verify_number(request: HttpRequest, number: str, s: str | None = None):
    result = services.verify_number(number)
    licence = result.licence
    if (
        s
        and licence is not None
        and result.status in TRUSTED
        and not licence.document["signature"]["value"].startswith(s.strip())
    ):
        return _verification_out(
            services.Verification(LicenceStatus.forged, result.number, licence),
            "二维码中的签名与登记库中的证照不符：可能是伪造的证照",
        )
    return _verification_out(result)


@public_router.post(
    "/verify",
    response=VerificationOut,
    auth=None,
    summary="Verify a certificate's PDF or its signed document (public, no log-in)",
    description="Send the certificate's PDF as received (`application/pdf`: its embedded "
    "`licence.json` is read) or its JSON exactly as downloaded; the content decides, not the "
    "content type. The signature is checked with the issuing authority's public key, then the "
    "registry: a changed datum, a signature of another key or a document that differs from "
    "the registry's is `forged`; a revoked one says when and why. A PDF without certificate "
    "data is `unknown` (not issued by this platform). 400: neither a PDF nor JSON, or JSON "
    "nested too deeply; 413: over 10 MB (refused by its Content-Length before it is read, "
    "web/limits.py).",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": DOCUMENT_SCHEMA},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            },
        },
        "responses": THROTTLED_RESPONSES,
    },
)
@decorate_view(throttle(POST=LICENCE_UPLOAD))
def verify_document(request: HttpRequest):
    try:
        return _verification_out(services.verify_file(request.body))
    except upload.NotReadable as problem:
        raise HttpError(400, str(problem)) from None
