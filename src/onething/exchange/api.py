"""The exchange API under /api/v1 (跨省通办), the same services as the pages:

- ``GET /exchange/identity``, ``GET /exchange/figures``: public (this node's public keys
  and 跨省通办 list; the public figures); ``POST /exchange/verify``: a partner's
  certificate checked with its published issuing keys (证照互认). Envelopes themselves go to ``POST
  /exchange/inbox`` (outside /api/v1: authenticated by their signature, docs/exchange.md).
- ``POST /exchange/forward`` (window clerk): 收件 and forward an application;
  ``GET /exchange/cases``, ``GET /exchange/cases/{ref}``, ``POST
  /exchange/cases/{ref}/hand-over``.
- ``GET /exchange/messages`` (supervisor), ``POST /exchange/messages/{id}/retry|cancel``.
- ``POST /exchange/partners`` (administrator): a partner's identity document.

Refusals are ``{"detail": "…"}`` with 400, 403, 404 or 409.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status

from onething.accounts.auth import API_AUTH, api_user
from onething.core.access import may_keep_partners, may_watch_exchange, remote_cases_visible_to
from onething.core.errors import Forbidden, InvalidInput, NotFound
from onething.exchange import journey, outbox, partners, recognition, services
from onething.exchange.identity import identity_document
from onething.exchange.models import RemoteCase

router = Router(tags=["跨省通办"])


class MaterialIn(Schema):
    material_id: str
    name: str
    data_base64: str


class ForwardIn(Schema):
    partner: str
    package: str
    name: str
    id_number: str
    phone: str
    form: dict[str, str] = {}
    answers: dict[str, Any] = {}
    materials: list[MaterialIn] = []
    collection: str = "window"
    joint_case: str = ""  # 多地联办: the local case's 受理编号


class ExchangeHandOverIn(Schema):
    collection: str = ""


def _case_out(remote: RemoteCase) -> dict[str, Any]:
    return {
        "ref": str(remote.ref),
        "partner": remote.partner.code,
        "direction": remote.direction,
        "mode": remote.mode,
        "package": remote.package_id,
        "package_name": remote.package_name,
        "items": list(remote.items),  # 多地联办: the local case's items the partner implements
        "forward_due": remote.forward_due,
        "forwarded_at": remote.forwarded_at,
        "partner_number": remote.partner_number,
        "partner_state": remote.partner_state,
        "partner_due": remote.partner_due,
        "certificate_number": (remote.certificate or {}).get("number"),
        "certificate_status": remote.certificate_status,
        "handed_over_at": remote.handed_over_at,
        "events": [{"at": e.at, "text": e.text} for e in remote.events.all()],
    }


@router.get("/exchange/identity", auth=None)
def get_identity(request: HttpRequest):
    return identity_document()


@router.get("/exchange/figures", auth=None)
def get_figures(request: HttpRequest):
    return services.public_figures()


def _materials(items: list[MaterialIn]) -> tuple[journey.Material, ...]:
    found = []
    for item in items:
        try:
            data = base64.b64decode(item.data_base64, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput(f"材料“{item.name}”的 data_base64 不是有效的 Base64") from None
        if len(data) > journey.MOST_MATERIAL_BYTES:
            raise InvalidInput(f"材料“{item.name}”太大：每份材料不超过 10 MB")
        found.append(journey.Material(item.material_id, item.name, data))
    return tuple(found)


@router.post("/exchange/verify", auth=None)
def verify(request: HttpRequest):
    """证照互认: the body is a partner's certificate (its JSON, or the PDF carrying it)."""
    result = recognition.recognise_file(request.body[: 10 * 1024 * 1024 + 1])
    return {
        "status": result.status,
        "detail": result.label,
        "number": result.number,
        "partner": result.partner.code if result.partner else None,
    }


@router.post("/exchange/forward", auth=API_AUTH, response={201: dict})
def forward(request: HttpRequest, payload: ForwardIn):
    remote = journey.forward(
        api_user(request),
        journey.Forwarding(
            partner=payload.partner,
            package_id=payload.package,
            name=payload.name,
            id_number=payload.id_number,
            phone=payload.phone,
            form=payload.form,
            answers=payload.answers,
            materials=_materials(payload.materials),
            collection=payload.collection,
            joint_case=payload.joint_case,
        ),
    )
    return Status(201, _case_out(remote))


@router.get("/exchange/cases", auth=API_AUTH)
def list_cases(request: HttpRequest):
    cases = remote_cases_visible_to(api_user(request)).select_related("partner")[:200]
    return [_case_out(c) for c in cases]


def _visible(request: HttpRequest, ref: UUID) -> RemoteCase:
    remote = remote_cases_visible_to(api_user(request)).filter(ref=ref).first()
    if remote is None:
        raise NotFound("没有这件跨省通办件")
    return remote


@router.get("/exchange/cases/{ref}", auth=API_AUTH)
def get_case(request: HttpRequest, ref: UUID):
    return _case_out(_visible(request, ref))


@router.post("/exchange/cases/{ref}/hand-over", auth=API_AUTH)
def hand_over(request: HttpRequest, ref: UUID, payload: ExchangeHandOverIn):
    _visible(request, ref)
    return _case_out(journey.hand_over(api_user(request), ref, payload.collection))


def _supervisor(request: HttpRequest) -> None:
    if not may_watch_exchange(api_user(request)):
        raise Forbidden("只有监督人员和系统管理员可以查看交换消息")


@router.get("/exchange/messages", auth=API_AUTH)
def list_messages(request: HttpRequest, state: str = ""):
    _supervisor(request)
    return [
        {
            "id": row.message.pk,
            "message_id": str(row.message.message_id),
            "partner": row.message.partner.code,
            "kind": row.message.kind,
            "seq": row.message.seq,
            "state": row.state,
            "delay_s": row.delay_s,
            "attempts": row.message.attempts,
            "last_error": row.message.last_error,
        }
        for row in services.outbound_rows(state)
    ]


@router.post("/exchange/messages/{pk}/retry", auth=API_AUTH)
def retry(request: HttpRequest, pk: int):
    _supervisor(request)
    outbox.retry_now(pk)
    return {"detail": "已安排立即重发"}


@router.post("/exchange/messages/{pk}/cancel", auth=API_AUTH)
def cancel(request: HttpRequest, pk: int):
    _supervisor(request)
    outbox.cancel(pk)
    return {"detail": "已取消发送"}


@router.post("/exchange/partners", auth=API_AUTH, response={201: dict, 200: dict})
def add_partner(request: HttpRequest):
    """The body is the partner's identity document (`onething exchange identity`)."""
    if not may_keep_partners(api_user(request)):
        raise Forbidden("只有系统管理员可以维护合作节点")
    try:
        document = json.loads(request.body or b"{}")
    except ValueError:
        raise InvalidInput("节点信息不是有效的 JSON") from None
    partner, created = partners.add_partner(document)
    return Status(201 if created else 200, {"code": partner.code, "name": partner.name})
