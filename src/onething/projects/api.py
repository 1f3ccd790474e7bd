"""The projects API under /api/v1 (项目, 打包办):

- ``POST /bundles``: several projects of one type filed as one (send an Idempotency-Key
  header: the same key files one bundle); each project becomes a case of its own;
- ``GET /bundles``, ``GET /bundles/{id}``: the bundles the caller may see, with their
  projects' cases, the joint expert review and the savings figures;
- ``POST /bundles/{id}/accept``: the window accepts every project at once (一包受理);
- ``POST /bundles/{id}/review``: the reviewer starts one expert review for them all;
- ``/plans…``: 定制办 (plan_api.py).

Refusals are ``{"detail": "…", "fields": {…}}`` with 400, 403, 404 or 409, as elsewhere.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status

from onething.accounts.auth import api_user
from onething.core.access import bundles_visible_to, projects_visible_to
from onething.core.errors import NotFound
from onething.projects import services
from onething.projects.models import Bundle, Project

router = Router(tags=["projects"])


class ProjectIn(Schema):
    name: str
    code: str
    address: str
    investment: Decimal
    form: dict[str, str] = {}
    project_type: str = ""


class BundleIn(Schema):
    package_id: str
    place: str
    answers: dict[str, str | bool] = {}
    form: dict[str, str] = {}
    projects: list[ProjectIn]


class ProjectOut(Schema):
    name: str
    code: str
    address: str
    investment: Decimal
    case_id: UUID | None
    case_number: str | None
    case_state: str | None


class ProjectListOut(ProjectOut):
    id: UUID
    project_type: str
    place: str
    bundle_id: UUID | None


class ReviewOut(Schema):
    title: str
    days: int
    due_date: date
    ended_on: date | None
    fee: int | None


class FiguresOut(Schema):
    projects: int
    cycle_separate_days: int
    cycle_bundle_days: int
    cycle_saved_share: float
    fees_separate: int
    fees_bundle: int
    fees_saved_share: float


class BundleOut(Schema):
    id: UUID
    package_id: str
    package_name: str
    project_type: str
    place: str
    created_at: str
    projects: list[ProjectOut]
    review: ReviewOut | None
    figures: FiguresOut | None


def project_out(p: Project) -> dict:
    """A project as the API shows it, with its bundle and its case."""
    return {
        "id": p.public_id,
        "name": p.name,
        "code": p.code,
        "project_type": p.project_type,
        "place": p.place,
        "address": p.address,
        "investment": p.investment,
        "bundle_id": p.bundle.public_id if p.bundle else None,
        "case_id": p.case.public_id if p.case else None,
        "case_number": p.case.number if p.case else None,
        "case_state": p.case.state if p.case else None,
    }


def bundle_out(bundle: Bundle) -> dict:
    projects = services.projects_of(bundle)
    figures = services.bundle_figures_of(bundle, projects)
    review = bundle.review
    return {
        "id": bundle.public_id,
        "package_id": bundle.package_id,
        "package_name": bundle.package_name,
        "project_type": bundle.project_type,
        "place": bundle.place,
        "created_at": bundle.created_at.isoformat(),
        "projects": [project_out(p) for p in projects],
        "review": None
        if review is None
        else {
            "title": review.title,
            "days": review.days,
            "due_date": review.due_date,
            "ended_on": review.ended_on,
            "fee": bundle.review_fee,
        },
        "figures": None if figures is None else asdict(figures),
    }


def _visible(request: HttpRequest, bundle_id: UUID) -> Bundle:
    bundle = bundles_visible_to(api_user(request)).filter(public_id=bundle_id).first()
    if bundle is None:
        raise NotFound("没有找到这个打包办件")
    return bundle


@router.post(
    "/bundles",
    response={201: BundleOut, 200: BundleOut},
    summary="File several projects of one type as one bundle (打包办)",
    description="Send an Idempotency-Key header: the same key files one bundle.",
)
def file_bundle(request: HttpRequest, body: BundleIn):
    filing = services.BundleFiling(
        package_id=body.package_id,
        answers=body.answers,
        place=body.place,
        shared_form=body.form,
        projects=[
            services.ProjectRow(
                name=p.name,
                code=p.code,
                address=p.address,
                investment=str(p.investment),
                form=p.form,
                project_type=p.project_type,
            )
            for p in body.projects
        ],
        channel="api",
    )
    bundle, created = services.file_bundle(
        api_user(request), filing, idempotency_key=request.headers.get("Idempotency-Key")
    )
    return Status(201 if created else 200, bundle_out(bundle))


@router.get("/projects", response=list[ProjectListOut], summary="The projects the caller may see")
def list_projects(request: HttpRequest):
    found = (
        projects_visible_to(api_user(request))
        .select_related("case", "bundle")
        .order_by("-created_at")[:200]
    )
    return [project_out(p) for p in found]


@router.get("/bundles", response=list[BundleOut], summary="The bundles the caller may see")
def list_bundles(request: HttpRequest):
    bundles = bundles_visible_to(api_user(request)).order_by("-created_at")[:200]
    return [bundle_out(bundle) for bundle in bundles]


@router.get("/bundles/{bundle_id}", response=BundleOut, summary="One bundle")
def get_bundle(request: HttpRequest, bundle_id: UUID):
    return bundle_out(_visible(request, bundle_id))


@router.post("/bundles/{bundle_id}/accept", response=BundleOut, summary="一包受理")
def accept_bundle(request: HttpRequest, bundle_id: UUID):
    bundle = _visible(request, bundle_id)
    return bundle_out(services.accept_bundle(api_user(request), bundle.public_id))


@router.post("/bundles/{bundle_id}/review", response=BundleOut, summary="一次专家评审")
def start_review(request: HttpRequest, bundle_id: UUID):
    bundle = _visible(request, bundle_id)
    return bundle_out(services.start_joint_review(api_user(request), bundle.public_id))


# --------------------------------------------------------------------------- 定制办


router.add_router("", "onething.projects.plan_api.router")  # 定制办
