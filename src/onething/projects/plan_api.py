"""The 定制办 API under /api/v1 (part of the projects router):

- ``POST /plans``: a plan for one enterprise's projects (the 审批局's reviewers or
  supervisors): its steps, dependencies (also across projects) and joint reviews;
- ``GET /plans``: the plans the caller may see; ``GET /plans/{id}``: its steps and
  reviews planned against actual (each step's ``waiting_for``: what outside its case it
  is held for), the critical path and the totals against the standard route;
- ``POST /plans/{id}/start``: one case per project filed;
- ``POST /plans/{id}/reviews/{key}``: the coordinator records a joint review held (its
  conclusion); the steps that waited on it are released;
- ``POST /plans/{id}/template``: saved as a template; ``POST /plans/{id}/compose``: a new
  plan from a template and the new projects' details.

Refusals are ``{"detail": "…", "fields": {…}}`` with 400, 403, 404 or 409, as elsewhere.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status

from onething.accounts.auth import api_user
from onething.core.access import plans_visible_to
from onething.projects import plan_holds, plan_services as plans, plan_templates
from onething.projects.models import CustomPlan

router = Router(tags=["projects"])


class PlanProjectIn(Schema):
    key: str
    name: str
    code: str
    address: str
    investment: Decimal
    package_id: str
    answers: dict[str, str | bool] = {}
    form: dict[str, str] = {}


class PlanStepIn(Schema):
    key: str
    project: str
    item_id: str
    after: list[str] = []
    lead: str = ""
    review: str = ""


class PlanReviewIn(Schema):
    key: str
    name: str
    days: int
    projects: list[str]
    after: list[str] = []


class PlanIn(Schema):
    title: str
    owner: str
    place: str
    start: date
    projects: list[PlanProjectIn]
    steps: list[PlanStepIn]
    reviews: list[PlanReviewIn] = []


class PlanRowOut(Schema):
    key: str
    name: str
    kind: str
    projects: list[str]
    days: int
    after: list[str]
    lead: str
    planned_start: date
    planned_due: date
    actual_start: date | None
    actual_finish: date | None
    state: str
    days_late: int
    slack: int
    on_critical_path: bool
    held_by: list[str]
    waiting_for: str
    outcome: str


class PlanProjectOut(Schema):
    key: str
    name: str
    package_id: str
    case_id: UUID | None
    case_number: str | None
    case_state: str | None


class PlanOut(Schema):
    id: UUID
    title: str
    state: str
    is_template: bool
    owner: str
    place: str
    start: date
    projects: list[PlanProjectOut]
    rows: list[PlanRowOut]
    critical_path: list[str]
    total_days: int
    end_date: date
    standard_days: int
    saved_days: int
    saved_share: float


def plan_out(plan: CustomPlan) -> dict:
    figures = plans.plan_figures(plan)
    schedule = figures.schedule
    return {
        "id": plan.public_id,
        "title": plan.title,
        "state": plan.state,
        "is_template": plan.is_template,
        "owner": plan.owner.username,
        "place": plan.place,
        "start": plan.start,
        "projects": [
            {
                "key": link.key,
                "name": link.name,
                "package_id": link.package_id,
                "case_id": case.public_id if case else None,
                "case_number": case.number if case else None,
                "case_state": case.state if case else None,
            }
            for link, case in figures.projects
        ],
        "rows": [row.as_dict() for row in figures.rows],
        "critical_path": list(schedule.critical_path),
        "total_days": schedule.total_days,
        "end_date": schedule.end_date,
        "standard_days": schedule.standard_days,
        "saved_days": schedule.saved_days,
        "saved_share": schedule.saved_share,
    }


@router.post("/plans", response={201: PlanOut}, summary="Compose a plan (定制办)")
def compose_plan(request: HttpRequest, body: PlanIn):
    data = plans.PlanInput(
        title=body.title,
        owner=body.owner,
        place=body.place,
        start=body.start,
        projects=[
            plans.ProjectInput(
                p.key, p.name, p.code, p.address, str(p.investment), p.package_id, p.answers, p.form
            )
            for p in body.projects
        ],
        steps=[
            plans.StepInput(s.key, s.project, s.item_id, s.after, s.lead, s.review)
            for s in body.steps
        ],
        reviews=[
            plans.ReviewInput(r.key, r.name, r.days, r.projects, r.after) for r in body.reviews
        ],
    )
    return Status(201, plan_out(plans.compose_plan(api_user(request), data)))


@router.get("/plans/{plan_id}", response=PlanOut, summary="One plan, planned against actual")
def get_plan(request: HttpRequest, plan_id: UUID):
    return plan_out(plans.plan_by_public_id(api_user(request), plan_id))


@router.post("/plans/{plan_id}/start", response=PlanOut, summary="Start a plan: its cases")
def start_plan(request: HttpRequest, plan_id: UUID):
    return plan_out(plans.start_plan(api_user(request), plan_id))


@router.post("/plans/{plan_id}/template", response={201: PlanOut}, summary="Save as template")
def save_template(request: HttpRequest, plan_id: UUID):
    return Status(201, plan_out(plan_templates.save_as_template(api_user(request), plan_id)))


class PlanListOut(Schema):
    id: UUID
    title: str
    state: str
    is_template: bool
    owner: str
    start: date


@router.get("/plans", response=list[PlanListOut], summary="The plans the caller may see")
def list_plans(request: HttpRequest):
    rows = plans_visible_to(api_user(request)).select_related("owner").order_by("-created_at")
    return [
        {
            "id": p.public_id,
            "title": p.title,
            "state": p.state,
            "is_template": p.is_template,
            "owner": p.owner.username,
            "start": p.start,
        }
        for p in rows[:200]
    ]


class ReviewOutcomeIn(Schema):
    outcome: str


@router.post(
    "/plans/{plan_id}/reviews/{review_key}",
    response=PlanOut,
    summary="Record a joint review held (联合评审结论)",
)
def record_review(request: HttpRequest, plan_id: UUID, review_key: str, body: ReviewOutcomeIn):
    review = plan_holds.finish_review(api_user(request), plan_id, review_key, body.outcome)
    return plan_out(review.plan)


class NewProjectIn(Schema):
    key: str
    name: str
    code: str
    address: str
    investment: Decimal
    form: dict[str, str] = {}


class FromTemplateIn(Schema):
    title: str
    owner: str
    start: date
    projects: list[NewProjectIn]


@router.post(
    "/plans/{template_id}/compose", response={201: PlanOut}, summary="A new plan from a template"
)
def compose_from_template(request: HttpRequest, template_id: UUID, body: FromTemplateIn):
    projects = [
        plan_templates.NewProject(p.key, p.name, p.code, p.address, str(p.investment), p.form)
        for p in body.projects
    ]
    plan = plan_templates.compose_from_template(
        api_user(request), template_id, body.title, body.owner, body.start, projects
    )
    return Status(201, plan_out(plan))
