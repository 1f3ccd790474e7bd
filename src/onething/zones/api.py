"""The 专区办 API under /api/v1, as the pages offer it (the same services):

- ``GET /zones``, ``GET /zones/{id}``: the zones the caller may see, with their figures
  (已登记, 办理中, 已出证) and shared materials;
- ``POST /zones/{id}/imports`` (multipart ``file``: .xlsx or .csv): the zone clerk's
  spreadsheet kept as a batch to check (201), or refused as a whole with its message (400);
- ``GET /zones/batches/{id}``: the batch's progress (each call checks on for a moment, as
  the page's polling does) and, once checked, every problem by row and column;
- ``POST /zones/batches/{id}/confirm``: every valid row filed (all or none);
- ``POST /zones/batches/{id}/confirm-rows`` ``{"rows": [3, 7]}``: only those rows filed
  (逐行确认: all of them or none; the other valid rows wait in the batch);
- ``POST /zones/batches/{id}/accept``: the batch's submitted cases accepted at once.

Refusals are ``{"detail": "…"}`` with 400, 403, 404 or 409, as elsewhere.
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from onething.accounts.auth import api_user
from onething.core.access import zones_visible_to
from onething.zones import rules, services
from onething.zones.models import ImportBatch, Zone

router = Router(tags=["zones"])


class ZoneFiguresOut(Schema):
    registered: int
    pending: int
    done: int
    certificates: int


class ZoneMaterialOut(Schema):
    material_id: str
    material_name: str
    file_name: str


class ZoneOut(Schema):
    id: UUID
    name: str
    kind: str
    address: str
    jurisdiction: str
    figures: ZoneFiguresOut
    materials: list[ZoneMaterialOut]


class ZoneProblemOut(Schema):
    row: int
    column: str
    message: str


class ZoneBatchOut(Schema):
    id: UUID
    zone_id: UUID
    file_name: str
    state: str
    total: int
    checked: int
    valid: int
    problems: list[ZoneProblemOut]
    case_ids: list[UUID]


class ZoneAcceptedOut(Schema):
    accepted: int


def zone_out(zone: Zone) -> dict:
    return {
        "id": zone.public_id,
        "name": zone.name,
        "kind": zone.kind,
        "address": zone.address,
        "jurisdiction": zone.jurisdiction,
        "figures": services.zone_figures(zone),
        "materials": list(
            zone.materials.order_by("material_id").values(
                "material_id", "material_name", "file_name"
            )
        ),
    }


def batch_out(batch: ImportBatch) -> dict:
    checking = batch.state == ImportBatch.CHECKING
    problems = [] if checking else services.problems_of(batch)
    return {
        "id": batch.public_id,
        "zone_id": batch.zone.public_id,
        "file_name": batch.file_name,
        "state": batch.state,
        "total": batch.total,
        "checked": batch.checked,
        "valid": batch.valid,
        "problems": [{"row": p.row, "column": p.column, "message": p.message} for p in problems],
        "case_ids": list(
            services.cases_of(batch).order_by("pk").values_list("public_id", flat=True)
        ),
    }


@router.get("/zones", response=list[ZoneOut], summary="专区")
def list_zones(request: HttpRequest):
    return [zone_out(z) for z in zones_visible_to(api_user(request))[:100]]


@router.get("/zones/{zone_id}", response=ZoneOut, summary="专区及其登记情况")
def get_zone(request: HttpRequest, zone_id: UUID):
    return zone_out(services.visible_zone(api_user(request), zone_id))


@router.post(
    "/zones/{zone_id}/imports",
    response={201: ZoneBatchOut},
    summary="导入新开办企业表格（.xlsx 或 .csv，10 MB 以内）",
)
def start_import(
    request: HttpRequest,
    zone_id: UUID,
    file: UploadedFile = File(...),  # noqa: B008 (django-ninja's way to declare a file)
):
    user = api_user(request)
    if file.size and file.size > rules.MOST_FILE_BYTES:
        raise HttpError(400, "文件太大：表格不超过 10 MB")
    data = file.read(rules.MOST_FILE_BYTES + 1)
    return Status(201, batch_out(services.start_import(user, zone_id, file.name or "", data)))


@router.get("/zones/batches/{batch_id}", response=ZoneBatchOut, summary="导入批次的校验进度和问题")
def get_batch(request: HttpRequest, batch_id: UUID):
    batch = services.visible_batch(api_user(request), batch_id)
    if batch.state == ImportBatch.CHECKING:
        batch = services.check_some(batch.pk)
    return batch_out(batch)


@router.post("/zones/batches/{batch_id}/confirm", response=ZoneBatchOut, summary="确认申报")
def confirm(request: HttpRequest, batch_id: UUID):
    return batch_out(services.confirm_batch(api_user(request), batch_id))


class ConfirmRowsIn(Schema):
    rows: list[int]  # the sheet's row numbers to file (逐行确认)


@router.post(
    "/zones/batches/{batch_id}/confirm-rows", response=ZoneBatchOut, summary="逐行确认申报"
)
def confirm_rows(request: HttpRequest, batch_id: UUID, body: ConfirmRowsIn):
    return batch_out(services.confirm_batch(api_user(request), batch_id, body.rows))


@router.post("/zones/batches/{batch_id}/accept", response=ZoneAcceptedOut, summary="一次受理")
def accept(request: HttpRequest, batch_id: UUID):
    return {"accepted": services.accept_batch(api_user(request), batch_id)}
