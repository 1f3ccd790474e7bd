"""定制办 templates: a plan kept for the next projects of its kind, and a new plan composed
from one.

A template (``save_as_template``) is a copy of a plan's projects — their one-thing and
answers, not their records or cases — its steps with their dependencies and leads, and
its joint reviews (without the conclusions recorded). A new plan from a template
(``compose_from_template``) takes the template's structure and the new projects' own
details (name, code, address, investment), and is checked and saved as any plan
(plan_services.compose_plan): nothing is saved on a refusal. The compose page starts
from a template through ``template_form_values``: the same structure, in the form's
fields, for the coordinator to change before saving.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from onething.accounts.models import User
from onething.core.errors import Conflict, Forbidden
from onething.projects.models import CustomPlan, PlanProject
from onething.projects.plan_services import (
    PlanInput,
    ProjectInput,
    ReviewInput,
    StepInput,
    compose_plan,
    coordinates,
    plan_by_public_id,
)


def save_as_template(actor: User, public_id) -> CustomPlan:
    """A copy of the plan's projects, steps and reviews, without records or cases."""
    if not coordinates(actor):
        raise Forbidden("只有编制方案的部门可以保存模板")
    plan = plan_by_public_id(actor, public_id)
    with transaction.atomic():
        copy = CustomPlan.objects.create(
            title=f"{plan.title}（模板）" if not plan.is_template else plan.title,
            coordinator=actor,
            owner=plan.owner,
            place=plan.place,
            start=plan.start,
            is_template=True,
            template_of=plan,
        )
        links = {}
        for link in plan.plan_projects.order_by("position"):
            links[link.pk] = PlanProject.objects.create(
                plan=copy,
                key=link.key,
                name=link.name,
                package_id=link.package_id,
                answers=link.answers,
                form=link.form,
                position=link.position,
            )
        for step in plan.steps.order_by("position"):
            step.pk, step.plan, step.plan_project = None, copy, links[step.plan_project_id]
            step.save()
        for review in plan.reviews.order_by("position"):
            review.pk, review.plan = None, copy
            review.finished_on, review.outcome, review.recorded_by = None, "", None
            review.save()
        return copy


@dataclass(frozen=True, slots=True)
class NewProject:
    """A new project's own details, for the template's project of the same key."""

    key: str
    name: str
    code: str
    address: str
    investment: str
    form: Mapping[str, str] = field(default_factory=dict)


def _template(actor: User, public_id) -> CustomPlan:
    template = plan_by_public_id(actor, public_id)
    if not template.is_template:
        raise Conflict("只能以模板新建方案：请先将方案另存为模板")
    return template


def plan_from_template(
    template: CustomPlan,
    title: str,
    owner: str,
    start: date,
    projects: Sequence[NewProject],
) -> PlanInput:
    """The template's structure with the new projects' details (blank where not given:
    the plan's checks then name what is missing)."""
    given = {p.key: p for p in projects}
    blank = NewProject("", "", "", "", "")
    rows = []
    for link in template.plan_projects.order_by("position"):
        new = given.get(link.key, blank)
        form = {**link.form, **new.form}
        rows.append(
            ProjectInput(
                link.key, new.name, new.code, new.address, new.investment,
                link.package_id, link.answers, form,
            )
        )  # fmt: skip
    steps = [
        StepInput(
            s.key,
            s.plan_project.key,
            s.item_id,
            list(s.after),
            s.lead.username if s.lead else s.lead_name,
            s.review_key,
        )
        for s in template.steps.select_related("plan_project", "lead").order_by("position")
    ]
    reviews = [
        ReviewInput(r.key, r.name, r.days, list(r.projects), list(r.after))
        for r in template.reviews.order_by("position")
    ]
    return PlanInput(title, owner, template.place, start, rows, steps, reviews)


def compose_from_template(
    actor: User, template_id, title: str, owner: str, start: date, projects: Sequence[NewProject]
) -> CustomPlan:
    """A new plan from a template and the new projects' details, checked and saved."""
    if not coordinates(actor):
        raise Forbidden("只有行政审批服务管理局的审批人员或监督人员可以编制定制办方案")
    template = _template(actor, template_id)
    return compose_plan(actor, plan_from_template(template, title, owner, start, projects))


def _answer_value(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def template_form_values(template: CustomPlan) -> dict[str, list[str]]:
    """The compose page's fields filled from a template (its keys renamed to the page's
    p1…, s1…, j1…): the projects' one-things and answers, the steps, the reviews."""
    links = list(template.plan_projects.order_by("position"))
    steps = list(template.steps.select_related("plan_project", "lead").order_by("position"))
    reviews = list(template.reviews.order_by("position"))
    keys = {link.key: f"p{n}" for n, link in enumerate(links, start=1)}
    keys |= {step.key: f"s{n}" for n, step in enumerate(steps, start=1)}
    keys |= {review.key: f"j{n}" for n, review in enumerate(reviews, start=1)}
    values: dict[str, list[str]] = {
        "title": [template.title.removesuffix("（模板）")],
        "place": [template.place],
        "template": [str(template.public_id)],
        "projects": [str(len(links))],
        "steps": [str(len(steps))],
        "reviews": [str(max(1, len(reviews)))],
    }
    for n, link in enumerate(links):
        values[f"p{n}-package_id"] = [link.package_id]
        for question, answer in link.answers.items():
            values[f"p{n}-q-{question}"] = [_answer_value(answer)]
    for n, step in enumerate(steps):
        values[f"s{n}-project"] = [keys[step.plan_project.key]]
        values[f"s{n}-item_id"] = [step.item_id]
        values[f"s{n}-after"] = ["、".join(keys.get(k, k) for k in step.after)]
        values[f"s{n}-lead"] = [step.lead.username if step.lead else step.lead_name]
        values[f"s{n}-review"] = [keys.get(step.review_key, step.review_key)]
    for n, review in enumerate(reviews):
        values[f"r{n}-name"] = [review.name]
        values[f"r{n}-days"] = [str(review.days)]
        values[f"r{n}-projects"] = [keys[p] for p in review.projects if p in keys]
        values[f"r{n}-after"] = ["、".join(keys.get(k, k) for k in review.after)]
    return values
