"""The 延伸办 API under /api/v1 (the same services as the pages):

- ``GET /outreach/visits``, ``POST /outreach/visits`` (an applicant for themself; a
  clerk with the applicant's ``id_number``), ``GET /outreach/visits/{id}``;
- ``POST /outreach/visits/{id}/schedule`` (a supervisor: ``day``, ``time``,
  ``visitor_id``), ``…/identity`` (``id_number``, ``method``), ``…/form`` (``answers``,
  ``place``, ``form``), ``…/photos`` (``material_id``, ``photo`` as base64 JPEG/PNG),
  ``…/accept`` (the case, accepted), ``…/cancel`` (``reason``);
- ``POST /outreach/assists`` (``id_number``, ``package_id``, ``way``; ``full_name`` and
  ``phone`` register a clerk's citizen who has no account), ``GET …/{id}``,
  ``POST …/{id}/form``, ``POST …/{id}/code`` (send the code),
  ``POST …/{id}/consent`` (``code``, or ``signature`` as a base64 PNG): the case;
- ``GET /outreach/figures?jurisdiction=…&month=YYYY-MM`` (repeatable): monthly figures.

Refusals are ``{"detail": "…", "fields": {…}}`` with 400, 403, 404 or 409."""

from __future__ import annotations

import base64
import binascii
from dataclasses import asdict
from datetime import date, datetime, time
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from onething.accounts.auth import api_user
from onething.cases.models import Case
from onething.core.access import assists_visible_to, handles_cases, visits_visible_to
from onething.core.errors import Forbidden, InvalidInput, NotFound
from onething.outreach import assisting, consent, figures, visits
from onething.outreach.models import AssistedFiling, HomeVisit

router = Router(tags=["上门办与帮办代办"])


class VisitIn(Schema):
    package_id: str
    place: str
    address: str
    reason: str
    reason_note: str = ""
    preferred_dates: list[date]
    phone: str = ""
    id_number: str = ""  # a clerk asking for an applicant


class VisitOut(Schema):
    id: UUID
    package_id: str
    package_name: str
    jurisdiction: str
    state: str
    reason: str
    preferred_dates: list[str]
    visit_date: date | None
    visit_time: time | None
    visitor: str | None
    identity_checked: bool
    form_ready: bool
    photos: int
    case_id: UUID | None
    case_number: str | None


class ScheduleIn(Schema):
    day: date
    time: time
    visitor_id: int


class IdentityIn(Schema):
    id_number: str
    method: str = "typed"


class FormIn(Schema):
    answers: dict[str, bool | str] = {}
    place: str
    form: dict[str, str] = {}


class PhotoIn(Schema):
    material_id: str
    photo: str  # base64 JPEG or PNG


class CancelReasonIn(Schema):
    reason: str = ""


class FiledCaseOut(Schema):
    id: UUID
    number: str | None
    state: str
    channel: str
    filed_by: str | None
    consent: str


class AssistIn(Schema):
    id_number: str
    package_id: str
    way: str = "window"
    full_name: str = ""  # with phone: register the citizen first (a clerk)
    phone: str = ""


class AssistOut(Schema):
    id: UUID
    package_id: str
    package_name: str
    state: str
    way: str
    form_ready: bool
    code_sent_at: datetime | None
    case_id: UUID | None
    case_number: str | None


class ConsentIn(Schema):
    code: str = ""
    signature: str = ""  # base64 PNG


class OutreachMonthOut(Schema):
    jurisdiction: str
    month: str
    home_visits: int
    assisted_cases: int


def visit_out(visit: HomeVisit) -> dict:
    return {
        "id": visit.public_id,
        "package_id": visit.package_id,
        "package_name": visit.package_name,
        "jurisdiction": visit.jurisdiction,
        "state": visit.state,
        "reason": visit.reason,
        "preferred_dates": visit.preferred_dates,
        "visit_date": visit.visit_date,
        "visit_time": visit.visit_time,
        "visitor": visit.visitor.full_name if visit.visitor_id else None,
        "identity_checked": visit.identity_checked_at is not None,
        "form_ready": visit.form_ready,
        "photos": visit.photos.count(),
        "case_id": visit.case.public_id if visit.case_id else None,
        "case_number": visit.case.number if visit.case_id else None,
    }


def case_out(case: Case) -> dict:
    return {
        "id": case.public_id,
        "number": case.number,
        "state": case.state,
        "channel": case.channel,
        "filed_by": case.filed_by.username if case.filed_by_id else None,
        "consent": case.consent,
    }


def _base64(text: str, what: str, field: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        message = f"{what}应为 base64 编码"
        raise InvalidInput(message, {"fields": {field: message}}) from None


def _visit(request: HttpRequest, visit_id: UUID) -> HomeVisit:
    found = visits_visible_to(api_user(request)).filter(public_id=visit_id).first()
    if found is None:
        raise NotFound("没有找到这个上门办申请")
    return found


@router.get("/outreach/visits", response=list[VisitOut], summary="上门办 requests one may see")
def list_visits(request: HttpRequest):
    rows = visits_visible_to(api_user(request)).select_related("visitor", "case")[:200]
    return [visit_out(v) for v in rows]


@router.post("/outreach/visits", response={201: VisitOut}, summary="Ask for a home visit")
def request_visit(request: HttpRequest, body: VisitIn):
    user = api_user(request)
    applicant = None
    if body.id_number:
        applicant = assisting.find_citizen(user, body.id_number)
        if applicant is None:
            raise NotFound("没有找到该身份证号码的申请人账户")
    asked = visits.VisitRequest(
        body.package_id, body.place, body.address, body.reason, body.reason_note,
        tuple(body.preferred_dates), body.phone,
    )  # fmt: skip
    return Status(201, visit_out(visits.request_visit(user, asked, applicant)))


@router.get("/outreach/visits/{visit_id}", response=VisitOut, summary="One home visit")
def get_visit(request: HttpRequest, visit_id: UUID):
    return visit_out(_visit(request, visit_id))


@router.post("/outreach/visits/{visit_id}/schedule", response=VisitOut, summary="Schedule")
def schedule_visit(request: HttpRequest, visit_id: UUID, body: ScheduleIn):
    user = api_user(request)
    _visit(request, visit_id)
    return visit_out(visits.schedule_visit(user, visit_id, body.day, body.time, body.visitor_id))


@router.post("/outreach/visits/{visit_id}/identity", response=VisitOut, summary="Check identity")
def check_identity(request: HttpRequest, visit_id: UUID, body: IdentityIn):
    user = api_user(request)
    return visit_out(visits.check_identity(user, visit_id, body.id_number, body.method))


@router.post("/outreach/visits/{visit_id}/form", response=VisitOut, summary="The one form")
def visit_form(request: HttpRequest, visit_id: UUID, body: FormIn):
    user = api_user(request)
    return visit_out(visits.save_visit_form(user, visit_id, body.answers, body.place, body.form))


@router.post("/outreach/visits/{visit_id}/photos", response={201: VisitOut}, summary="A photo")
def add_photo(request: HttpRequest, visit_id: UUID, body: PhotoIn):
    user = api_user(request)
    data = _base64(body.photo, "照片", "photo")
    photo = visits.add_photo(user, visit_id, body.material_id, "photo", data)
    return Status(201, visit_out(photo.visit))


@router.post("/outreach/visits/{visit_id}/accept", response=FiledCaseOut, summary="Accept on site")
def accept_visit(request: HttpRequest, visit_id: UUID):
    return case_out(visits.accept_on_site(api_user(request), visit_id))


@router.post("/outreach/visits/{visit_id}/cancel", response=VisitOut, summary="Cancel")
def cancel_visit(request: HttpRequest, visit_id: UUID, body: CancelReasonIn):
    return visit_out(visits.cancel_visit(api_user(request), visit_id, body.reason))


# --------------------------------------------------------------------------- 帮办代办


def assist_out(assist: AssistedFiling) -> dict:
    return {
        "id": assist.public_id,
        "package_id": assist.package_id,
        "package_name": assist.package_name,
        "state": assist.state,
        "way": assist.way,
        "form_ready": assist.form_ready,
        "code_sent_at": assist.code_sent_at,
        "case_id": assist.case.public_id if assist.case_id else None,
        "case_number": assist.case.number if assist.case_id else None,
    }


@router.post("/outreach/assists", response={201: AssistOut}, summary="Start assisted filing")
def start_assist(request: HttpRequest, body: AssistIn):
    user = api_user(request)
    if body.full_name or body.phone:
        citizen = assisting.register_citizen(user, body.full_name, body.id_number, body.phone)
    else:
        citizen = assisting.find_citizen(user, body.id_number)
    if citizen is None:
        raise NotFound("没有找到该身份证号码的申请人账户：请同时提供 full_name 和 phone 为其登记")
    assist = assisting.start_assist(user, citizen, body.package_id, body.way)
    return Status(201, assist_out(assist))


@router.get("/outreach/assists/{assist_id}", response=AssistOut, summary="One assisted filing")
def get_assist(request: HttpRequest, assist_id: UUID):
    found = assists_visible_to(api_user(request)).filter(public_id=assist_id).first()
    if found is None:
        raise NotFound("没有找到这份帮办代办")
    return assist_out(found)


@router.post("/outreach/assists/{assist_id}/form", response=AssistOut, summary="The one form")
def assist_form(request: HttpRequest, assist_id: UUID, body: FormIn):
    user = api_user(request)
    saved = assisting.save_assist_form(user, assist_id, body.answers, body.place, body.form)
    return assist_out(saved)


@router.post("/outreach/assists/{assist_id}/code", response=AssistOut, summary="Send the code")
def send_code(request: HttpRequest, assist_id: UUID):
    return assist_out(consent.send_code(api_user(request), assist_id))


@router.post(
    "/outreach/assists/{assist_id}/consent", response={201: FiledCaseOut}, summary="Consent"
)
def give_consent(request: HttpRequest, assist_id: UUID, body: ConsentIn):
    user = api_user(request)
    if body.signature:
        png = _base64(body.signature, "签名", "signature")
        case = consent.confirm_with_signature(user, assist_id, png)
    else:
        case = consent.confirm_with_code(user, assist_id, body.code)
    return Status(201, case_out(case))


class FiguresQuery(Schema):
    jurisdiction: list[str]
    month: list[str]


@router.get("/outreach/figures", response=list[OutreachMonthOut], summary="Monthly figures")
def monthly_figures(request: HttpRequest, query: Query[FiguresQuery]):
    user = api_user(request)
    if not handles_cases(user):
        raise Forbidden("只有工作人员可以查看上门办与帮办代办统计")
    return [asdict(row) for row in figures.monthly(query.jurisdiction, query.month)]
