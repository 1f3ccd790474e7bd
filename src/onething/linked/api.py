"""The 联动办 API under /api/v1:

- ``POST /meetings``: schedule a joint meeting (联合审批): subject, starts_at, venue, the
  departments invited (every item's department among them) and the items (task ids);
- ``GET /meetings/{id}``: the meeting, its items and each department's decision;
- ``POST /meetings/{id}/decisions``: the caller's department's decision (its reviewer):
  ``{"approve": true|false, "reason": "…"}``; the last one advances every item.

Refusals are ``{"detail": "…", "fields": {…}}`` with 400, 403, 404 or 409, as elsewhere.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status

from onething.accounts.auth import api_user
from onething.core.access import meetings_visible_to
from onething.core.errors import NotFound
from onething.linked import meetings as services
from onething.linked.models import JointMeeting

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
