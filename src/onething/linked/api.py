"""The 联动办 API under /api/v1:

- ``POST /meetings``: schedule a joint meeting (联合审批): subject, starts_at, venue, the
  departments invited (every item's department among them) and the items (task ids);
- ``GET /meetings/{id}``: the meeting, its items and each department's decision;
- ``POST /meetings/{id}/decisions``: the caller's department's decision (its reviewer):
  ``{"approve": true|false, "reason": "…"}``; the last one advances every item;
- ``POST /inspections`` (联合验收: site, day, departments, task_ids), ``GET
  /inspections/{id}``, ``POST /inspections/{id}/findings`` (the caller's department:
  ``passed``, ``findings``, ``rectify_days``, ``photos`` as base64 JPEG or PNG).

Refusals are ``{"detail": "…", "fields": {…}}`` with 400, 403, 404 or 409, as elsewhere.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status

from onething.accounts.auth import api_user
from onething.core.access import inspections_visible_to, meetings_visible_to
from onething.core.errors import InvalidInput, NotFound
from onething.linked import inspections, meetings as services
from onething.linked.models import JointInspection, JointMeeting

router = Router(tags=["linked"])


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


class InspectionSeatOut(Schema):
    department: str
    department_name: str
    passed: bool | None
    findings: str
    rectify_days: int | None
    photos: int


class InspectionOut(Schema):
    id: UUID
    site: str
    day: date
    state: str
    items: list[InspectedOut]
    departments: list[InspectionSeatOut]


def inspection_out(found: JointInspection) -> dict:
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
            }
            for s in found.seats.all()
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
