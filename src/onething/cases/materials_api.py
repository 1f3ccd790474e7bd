"""The API of a case's materials, its 预审 and how its results are delivered — the same
services the case page calls (`materials`, `delivery`)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import File, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from onething.accounts.auth import api_user
from onething.cases import delivery, materials
from onething.cases.evidence import TrustLevel, labels
from onething.cases.models import Evidence
from onething.cases.query import case_by_public_id, evidence_of
from onething.core.access import may_view_case

router = Router(tags=["materials"])


class MaterialOut(Schema):
    id: int
    material_id: str
    name: str
    origin: str
    trust: str
    state_label: str
    file_name: str
    pages: int | None
    blank_pages: list[int]
    checked_at: str | None
    check_note: str
    licence: str | None


class FindingOut(Schema):
    key: str
    text: str
    blocking: bool


class PaperIn(Schema):
    paper: bool = False


class UncheckedReasonIn(Schema):
    reason: str


class DeliveryIn(Schema):
    method: str
    recipient_name: str = ""
    recipient_phone: str = ""
    address: str = ""


class SignedIn(Schema):
    note: str = ""
    version: int | None = None


def _case(request: HttpRequest, case_id: UUID):
    user = api_user(request)
    case = case_by_public_id(case_id)
    if case is None or not may_view_case(user, case):
        raise HttpError(404, f"办件 {case_id} 不存在或您无权查看")
    return user, case


def _material_out(evidence: Evidence) -> dict[str, Any]:
    level = TrustLevel(evidence.trust) if evidence.trust else None
    return {
        "id": evidence.pk,
        "material_id": evidence.material_id,
        "name": evidence.material_name,
        "origin": evidence.origin,
        "trust": evidence.trust,
        "state_label": labels(level, evidence.origin)[0],
        "file_name": evidence.file_name,
        "pages": evidence.pages,
        "blank_pages": list(evidence.blank_pages or []),
        "checked_at": evidence.checked_at.isoformat() if evidence.checked_at else None,
        "check_note": evidence.check_note,
        "licence": evidence.licence.number if evidence.licence_id else None,
    }


def _materials_of(case) -> list[dict[str, Any]]:
    return [_material_out(e) for e in evidence_of(case)]


@router.get("/cases/{case_id}/materials", response=list[MaterialOut], summary="申请材料")
def list_materials(request: HttpRequest, case_id: UUID):
    _user, case = _case(request, case_id)
    return _materials_of(case)


@router.get("/cases/{case_id}/precheck", response=list[FindingOut], summary="预审结果")
def precheck(request: HttpRequest, case_id: UUID):
    _user, case = _case(request, case_id)
    findings = materials.precheck_of(case)
    return [{"key": f.key, "text": f.text, "blocking": f.blocking} for f in findings]


@router.post(
    "/cases/{case_id}/materials/{evidence_id}/file",
    response=MaterialOut,
    summary="上传材料电子件（PDF、OFD、JPG、PNG，10 MB 以内；草稿也可上传）",
)
def upload(
    request: HttpRequest,
    case_id: UUID,
    evidence_id: int,
    file: UploadedFile = File(...),  # noqa: B008 (django-ninja's way to declare a file)
):
    user, _case_row = _case(request, case_id)
    if file.size and file.size > materials.MAX_UPLOAD_BYTES:
        raise HttpError(400, "文件太大：每份材料不超过 10 MB")
    data = file.read(materials.MAX_UPLOAD_BYTES + 1)
    return _material_out(materials.upload_evidence(user, case_id, evidence_id, file.name, data))


@router.post("/cases/{case_id}/materials/{evidence_id}/promise", response=MaterialOut)
def promise(request: HttpRequest, case_id: UUID, evidence_id: int):
    user, _case_row = _case(request, case_id)
    return _material_out(materials.promise_evidence(user, case_id, evidence_id))


@router.post(
    "/cases/{case_id}/materials/{evidence_id}/check", response=MaterialOut, summary="核验原件"
)
def check(request: HttpRequest, case_id: UUID, evidence_id: int, body: PaperIn):
    user, _case_row = _case(request, case_id)
    return _material_out(materials.check_original(user, case_id, evidence_id, body.paper))


@router.post(
    "/cases/{case_id}/materials/{evidence_id}/unchecked-reason",
    response=MaterialOut,
    summary="记录未核验原件的理由",
)
def unchecked_reason(
    request: HttpRequest, case_id: UUID, evidence_id: int, body: UncheckedReasonIn
):
    user, _case_row = _case(request, case_id)
    return _material_out(materials.note_unchecked(user, case_id, evidence_id, body.reason))


@router.post(
    "/cases/{case_id}/materials/check-all", response=list[MaterialOut], summary="原件全部核验"
)
def check_all(request: HttpRequest, case_id: UUID, body: PaperIn):
    user, case = _case(request, case_id)
    materials.check_all(user, case_id, body.paper)
    return _materials_of(case)


@router.put("/cases/{case_id}/delivery", summary="选择领取方式（窗口领取、邮寄送达、电子送达）")
def choose_delivery(request: HttpRequest, case_id: UUID, body: DeliveryIn) -> dict[str, Any]:
    user, _case_row = _case(request, case_id)
    chosen = delivery.choose_delivery(
        user,
        case_id,
        delivery.DeliveryChoice(
            body.method, body.recipient_name, body.recipient_phone, body.address
        ),
    )
    return {"method": chosen.method, "method_label": chosen.method_label}


@router.post("/cases/{case_id}/delivery/signed", summary="邮寄送达：确认签收")
def signed(request: HttpRequest, case_id: UUID, body: SignedIn) -> dict[str, Any]:
    user, _case_row = _case(request, case_id)
    done = delivery.confirm_signed(user, case_id, body.note, body.version)
    return {"signed_at": done.signed_at.isoformat(), "signed_note": done.signed_note}
