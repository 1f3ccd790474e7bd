"""The 联动办 API under /api/v1:

- ``POST /meetings``: schedule a joint meeting (联合审批): subject, starts_at, venue, the
  departments invited (every item's department among them) and the items (task ids);
- ``GET /meetings/{id}``: the meeting, its items and each department's decision;
- ``POST /meetings/{id}/decisions``: the caller's department's decision (its reviewer):
  ``{"approve": true|false, "reason": "…"}``; the last one advances every item;
- ``POST /inspections`` (联合验收: site, day, departments, task_ids), ``GET
  /inspections/{id}``, ``POST /inspections/{id}/findings`` (the caller's department:
  ``passed``, ``findings``, ``rectify_days``, ``photos`` as base64 JPEG or PNG);
- ``POST /inspections/{id}/reinspections``: 复验 after 整改, the same body as findings;
- ``GET /inspections/{id}/photos`` (each department's photos) and
  ``GET /inspections/{id}/photos/{photo_id}`` (the image, from the encrypted store);
- 全代办's authorisations: linked/agency_api.py.

Refusals are ``{"detail": "…", "fields": {…}}`` with 400, 403, 404 or 409, as elsewhere.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from onething.accounts.auth import api_user
from onething.cases import uploads
from onething.core.access import inspections_visible_to, meetings_visible_to
from onething.core.errors import InvalidInput, NotFound
from onething.linked import inspections, meetings as services, reinspections
from onething.linked.agency_api import router as agency_router
from onething.linked.models import InspectionPhoto, JointInspection, JointMeeting
from onething.linked.report import MIME

router = Router(tags=["linked"])
router.add_router("", agency_router)


class MeetingIn(Schema):
    subject: str
    starts_at: datetime
    venue: str
    departments: list[str]
    task_ids: list[int]


class DecisionIn(Schema):
    approve: bool
    reason: str = ""


class ItemOut(Schema):
    task_id: int
    case_id: UUID
    case_number: str | None
    item_id: str
    item_name: str
    department: str
    state: str


class SeatOut(Schema):
    department: str
    department_name: str
    decided: bool
    approve: bool | None
    reason: str
    decided_at: datetime | None


class MeetingOut(Schema):
    id: UUID
    subject: str
    starts_at: datetime
    venue: str
    jurisdiction: str
    state: str
    decided_at: datetime | None
    items: list[ItemOut]
    departments: list[SeatOut]


def meeting_out(meeting: JointMeeting) -> dict:
    return {
        "id": meeting.public_id,
        "subject": meeting.subject,
        "starts_at": meeting.starts_at,
        "venue": meeting.venue,
        "jurisdiction": meeting.jurisdiction,
        "state": meeting.state,
        "decided_at": meeting.decided_at,
        "items": [
            {
                "task_id": t.pk,
                "case_id": t.case.public_id,
                "case_number": t.case.number,
                "item_id": t.item_id,
                "item_name": t.item_name,
                "department": t.department,
                "state": t.state,
            }
            for t in services.meeting_tasks(meeting)
        ],
        "departments": [
            {
                "department": s.department,
                "department_name": s.department_name,
                "decided": s.decided,
                "approve": s.approve,
                "reason": s.reason,
                "decided_at": s.decided_at,
            }
            for s in meeting.seats.all()
        ],
    }


def _visible(request: HttpRequest, meeting_id: UUID) -> JointMeeting:
    meeting = meetings_visible_to(api_user(request)).filter(public_id=meeting_id).first()
    if meeting is None:
        raise NotFound("没有找到这个联合审批会议")
    return meeting


@router.post("/meetings", response={201: MeetingOut}, summary="Schedule a joint meeting (联合审批)")
def schedule_meeting(request: HttpRequest, body: MeetingIn):
    plan = services.MeetingPlan(
        subject=body.subject,
        starts_at=body.starts_at,
        venue=body.venue,
        departments=body.departments,
        task_ids=body.task_ids,
    )
    return Status(201, meeting_out(services.schedule_meeting(api_user(request), plan)))


@router.get("/meetings/{meeting_id}", response=MeetingOut, summary="One joint meeting")
def get_meeting(request: HttpRequest, meeting_id: UUID):
    return meeting_out(_visible(request, meeting_id))


@router.post(
    "/meetings/{meeting_id}/decisions",
    response=MeetingOut,
    summary="The caller's department's decision at the meeting",
)
def record_decision(request: HttpRequest, meeting_id: UUID, body: DecisionIn):
    meeting = _visible(request, meeting_id)
    decided = services.record_decision(
        api_user(request), meeting.public_id, body.approve, body.reason
    )
    decided.refresh_from_db()
    return meeting_out(decided)


# --------------------------------------------------------------------------- 联合验收


class InspectionIn(Schema):
    site: str
    day: date
    departments: list[str]
    task_ids: list[int]


class FindingsIn(Schema):
    passed: bool
    findings: str = ""
    rectify_days: int | None = None
    photos: list[str] = []  # base64 JPEG or PNG


class InspectedOut(Schema):
    task_id: int
    case_number: str | None
    item_id: str
    item_name: str
    state: str
    outcome: str
    rectify_by: date | None
    overdue_days: int = 0  # past its rectification deadline


class ReinspectionOut(Schema):
    passed: bool
    findings: str
    rectify_by: date | None
    inspected_at: datetime


class InspectionSeatOut(Schema):
    department: str
    department_name: str
    passed: bool | None
    findings: str
    rectify_days: int | None
    photos: int
    reinspections: list[ReinspectionOut]


class InspectionOut(Schema):
    id: UUID
    site: str
    day: date
    state: str
    items: list[InspectedOut]
    departments: list[InspectionSeatOut]


def inspection_out(found: JointInspection) -> dict:
    late = {r.item.pk: r.overdue_days for r in reinspections.rectifications(found)}
    return {
        "id": found.public_id,
        "site": found.site,
        "day": found.day,
        "state": found.state,
        "items": [
            {
                "task_id": i.task.pk,
                "case_number": i.task.case.number,
                "item_id": i.task.item_id,
                "item_name": i.task.item_name,
                "state": i.task.state,
                "outcome": i.outcome,
                "rectify_by": i.rectify_by,
                "overdue_days": late.get(i.pk, 0),
            }
            for i in inspections.inspected_items(found)
        ],
        "departments": [
            {
                "department": s.department,
                "department_name": s.department_name,
                "passed": s.passed,
                "findings": s.findings,
                "rectify_days": s.rectify_days,
                "photos": s.photos.count(),
                "reinspections": [
                    {
                        "passed": r.passed,
                        "findings": r.findings,
                        "rectify_by": r.rectify_by,
                        "inspected_at": r.inspected_at,
                    }
                    for r in s.reinspections.all()
                ],
            }
            for s in found.seats.prefetch_related("reinspections")
        ],
    }


def _visible_inspection(request: HttpRequest, inspection_id: UUID) -> JointInspection:
    found = inspections_visible_to(api_user(request)).filter(public_id=inspection_id).first()
    if found is None:
        raise NotFound("没有找到这个联合验收")
    return found


def _photo(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        message = "现场照片应为 base64 编码的 JPG 或 PNG"
        raise InvalidInput(message, {"fields": {"photos": message}}) from None


@router.post("/inspections", response={201: InspectionOut}, summary="Schedule a joint inspection")
def schedule_inspection(request: HttpRequest, body: InspectionIn):
    plan = inspections.InspectionPlan(body.site, body.day, body.departments, body.task_ids)
    return Status(201, inspection_out(inspections.schedule_inspection(api_user(request), plan)))


@router.get("/inspections/{inspection_id}", response=InspectionOut, summary="One joint inspection")
def get_inspection(request: HttpRequest, inspection_id: UUID):
    return inspection_out(_visible_inspection(request, inspection_id))


@router.post(
    "/inspections/{inspection_id}/findings",
    response=InspectionOut,
    summary="The caller's department's findings and photos",
)
def record_findings(request: HttpRequest, inspection_id: UUID, body: FindingsIn):
    found = _visible_inspection(request, inspection_id)
    findings = inspections.Findings(
        body.passed, body.findings, body.rectify_days, [_photo(p) for p in body.photos]
    )
    inspections.record_findings(api_user(request), found.public_id, findings)
    found.refresh_from_db()
    return inspection_out(found)


@router.post(
    "/inspections/{inspection_id}/reinspections",
    response=InspectionOut,
    summary="复验: the caller's department re-inspects a rectification",
)
def record_reinspection(request: HttpRequest, inspection_id: UUID, body: FindingsIn):
    found = _visible_inspection(request, inspection_id)
    findings = inspections.Findings(
        body.passed, body.findings, body.rectify_days, [_photo(p) for p in body.photos]
    )
    reinspections.record_reinspection(api_user(request), found.public_id, findings)
    found.refresh_from_db()
    return inspection_out(found)


class PhotoOut(Schema):
    id: int
    department: str
    department_name: str
    kind: str
    size: int
    at_reinspection: bool
    uploaded_at: datetime
    url: str  # the image itself, for the same caller


@router.get(
    "/inspections/{inspection_id}/photos",
    response=list[PhotoOut],
    summary="The photos each department took on site",
)
def list_photos(request: HttpRequest, inspection_id: UUID):
    found = _visible_inspection(request, inspection_id)
    taken = InspectionPhoto.objects.filter(seat__inspection=found).select_related("seat")
    return [
        {
            "id": p.pk,
            "department": p.seat.department,
            "department_name": p.seat.department_name,
            "kind": p.kind,
            "size": p.size,
            "at_reinspection": p.reinspection_id is not None,
            "uploaded_at": p.uploaded_at,
            "url": f"/api/v1/inspections/{found.public_id}/photos/{p.pk}",
        }
        for p in taken.order_by("seat_id", "pk")
    ]


@router.get(
    "/inspections/{inspection_id}/photos/{photo_id}",
    summary="One photo (image/jpeg or image/png), read from the encrypted store",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "The photo",
                "content": {"image/jpeg": {}, "image/png": {}},
            }
        }
    },
)
def get_photo(request: HttpRequest, inspection_id: UUID, photo_id: int):
    found = _visible_inspection(request, inspection_id)
    taken = InspectionPhoto.objects.filter(pk=photo_id, seat__inspection=found).first()
    if taken is None:
        raise NotFound("没有这张现场照片")
    response = HttpResponse(uploads.get(taken.stored_name), content_type=MIME[taken.kind])
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
