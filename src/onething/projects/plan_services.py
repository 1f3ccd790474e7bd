"""定制办 (一事一策): plans composed by the 审批局 for one enterprise's projects, run as one
case per project through the case engine.

**Who composes.** The coordinator is a reviewer of the 行政审批服务管理局 (department
``approval``) or a supervisor; the plan's owner is the enterprise (an applicant account)
whose projects it serves. Who may see a plan is ``core.access.plans_visible_to``.

**Composing** (``compose_plan``): the projects (each with its package — the one-thing its
case is filed under — answers and form), the steps (a catalogue item of one project: its
name, department and days from the catalogue; what it waits on, by step or review key,
also across projects; its lead) and the joint reviews shared by projects. The plan is
checked by ``planning.check`` — a dependency cycle is refused with its message
(``依赖关系成环：a → b → a``) — and nothing is saved on a refusal.

**Running** (``start_plan``): each project's case is filed for the owner with its package
and answers — submitted when its form is complete, the window accepting it as any case
(一窗受理), else a draft the owner completes and submits — and its tasks are the case
engine's. A step's actual start is its task becoming workable (``workable_on``) and its
finish the day it was approved (``finished_on``); ``planned_against_actual`` sets them
against the schedule (``planning.compare``). The case engine orders a case's own items by
the package; a dependency across projects is the plan's schedule and each step's lead's
to keep — the engine does not hold a task back for another case's task; the plan's
page and API mark a begun step whose predecessors of another project, or joint review,
are unfinished (``held_by``), for its lead to hold it.

**Templates** (plan_templates.py): a plan saved as a template, and a new plan composed
from one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction

from onething.accounts.models import User
from onething.cases.filing import Filing, file_case, prepare_filing, submission_problems
from onething.catalog.entities import Catalog
from onething.catalog.services import current_catalog, guide_for_version_id
from onething.core.access import plans_visible_to, reviews, supervises
from onething.core.errors import CaseError, Conflict, Forbidden, InvalidInput, NotFound
from onething.core.roles import Role
from onething.projects import planning
from onething.projects.models import CustomPlan, PlanProject, PlanReview, PlanStep, Project
from onething.projects.plan_progress import (  # noqa: F401 (the services' names)
    actual_dates,
    plan_figures,
    planned_against_actual,
    pure_plan_of,
    schedule_of,
)

COORDINATING_DEPARTMENT = "approval"
MOST_STEPS = 200


@dataclass(frozen=True, slots=True)
class ProjectInput:
    key: str
    name: str
    code: str
    address: str
    investment: str
    package_id: str
    answers: Mapping[str, object] = field(default_factory=dict)
    form: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StepInput:
    key: str
    project: str  # a ProjectInput key
    item_id: str
    after: Sequence[str] = ()
    lead: str = ""  # a staff username, or a name
    review: str = ""  # the key of the joint review that holds its expert review


@dataclass(frozen=True, slots=True)
class ReviewInput:
    key: str
    name: str
    days: int
    projects: Sequence[str]
    after: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class PlanInput:
    title: str
    owner: str  # the enterprise's username
    place: str
    start: date
    projects: Sequence[ProjectInput]
    steps: Sequence[StepInput]
    reviews: Sequence[ReviewInput] = ()


def coordinates(user) -> bool:
    """Who may compose and start plans: the 审批局's reviewers, and supervisors."""
    if reviews(user):
        return getattr(user, "department", "") == COORDINATING_DEPARTMENT
    return supervises(user)


def _catalog() -> Catalog:
    current = current_catalog()
    if current is None:
        raise InvalidInput("尚未导入事项目录")
    return current.catalog


# --------------------------------------------------------------------------- composing


def _owner(username: str) -> User:
    owner = User.objects.filter(username=username.strip(), role=Role.APPLICANT).first()
    if owner is None:
        raise InvalidInput(
            "建设单位应为已注册的企业账号", {"fields": {"owner": "未找到该企业账号"}}
        )
    return owner


def _project_problems(index: int, row: ProjectInput, catalog: Catalog) -> dict[str, str]:
    where, problems = f"projects[{index}]", {}
    for name in ("key", "name", "code", "address"):
        if not str(getattr(row, name)).strip():
            problems[f"{where}.{name}"] = "必填"
    if row.package_id not in catalog.packages:
        problems[f"{where}.package_id"] = f"没有编号为 {row.package_id} 的一件事"
    try:
        if not 0 < Decimal(str(row.investment).strip()) < Decimal(10) ** 12:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        problems[f"{where}.investment"] = "应为大于 0 的金额（万元）"
    return problems


def _step_problems(index: int, step: StepInput, catalog: Catalog, keys) -> dict[str, str]:
    where, problems = f"steps[{index}]", {}
    if not step.key.strip():
        problems[f"{where}.key"] = "必填"
    if step.project not in keys:
        problems[f"{where}.project"] = f"未知的项目 '{step.project}'"
    if step.item_id not in catalog.items:
        problems[f"{where}.item_id"] = f"目录中没有事项 '{step.item_id}'"
    return problems


def _case_filing(row: ProjectInput, place: str) -> Filing:
    form = {
        **row.form,
        "project_name": row.name.strip(),
        "project_address": row.address.strip(),
        "total_investment": str(row.investment).strip(),
    }
    return Filing(row.package_id, row.answers, place, form)  # type: ignore[arg-type]


def _refusal(row: ProjectInput, place: str) -> InvalidInput | None:
    prepared = prepare_filing(_case_filing(row, place))
    package = prepared.catalog.packages[row.package_id]
    return submission_problems(package, prepared.answers, prepared.errors)


def _items_of_case(row: ProjectInput, place: str) -> set[str]:
    """The items the project's case will hold: its one-thing's, for its answers."""
    prepared = prepare_filing(_case_filing(row, place))
    guide = guide_for_version_id(prepared.version_id, row.package_id, prepared.answers)
    return {item.id for item in guide.items}


def _outside_case(data: PlanInput) -> dict[str, str]:
    """Each step's item must be one its project's case holds: the plan runs as the cases."""
    rows = {row.key: row for row in data.projects}
    held = {key: _items_of_case(row, data.place) for key, row in rows.items()}
    catalog = _catalog()
    return {
        f"steps[{index}].item_id": (
            f"“{catalog.items[step.item_id].name}”不在项目 {step.project} 所办的一件事"
            "（按所答情形）中：请换一件事或修改情形"
        )
        for index, step in enumerate(data.steps)
        if step.item_id not in held[step.project]
    }


def _filing_problems(index: int, row: ProjectInput, data: PlanInput) -> dict[str, str]:
    """What the project's case would be refused for when the plan starts, said now: its
    package's questions (they decide its items); with a form given, the form too — a
    project composed without one is filed as a draft that the owner completes."""
    refusal = _refusal(row, data.place)
    if refusal is None:
        return {}
    found = {**refusal.details.get("questions", {})}
    if row.form:
        found.update(refusal.details.get("fields", {}))
    return {f"projects[{index}].{key}": message for key, message in found.items()}


def _input_problems(data: PlanInput, catalog: Catalog) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not data.title.strip():
        problems["title"] = "必填"
    if not data.projects:
        problems["projects"] = "至少一个项目"
    if not data.steps or len(data.steps) > MOST_STEPS:
        problems["steps"] = f"需要 1 至 {MOST_STEPS} 个事项"
    keys = {row.key for row in data.projects}
    if len(keys) != len(data.projects):
        problems["projects"] = "项目编号重复"
    for index, row in enumerate(data.projects):
        problems.update(
            _project_problems(index, row, catalog) or _filing_problems(index, row, data)
        )
    for index, step in enumerate(data.steps):
        problems.update(_step_problems(index, step, catalog, keys))
    return problems or _outside_case(data)


def _pure_plan(data: PlanInput, catalog: Catalog) -> planning.Plan:
    items = tuple(
        planning.PlannedItem(
            id=step.key,
            name=catalog.items[step.item_id].name,
            project=step.project,
            department=catalog.items[step.item_id].department,
            days=catalog.items[step.item_id].promised_days,
            after=tuple(step.after),
            lead=step.lead,
            review=step.review,
        )
        for step in data.steps
    )
    joint = tuple(
        planning.JointReview(r.key, r.name, int(r.days), tuple(r.projects), tuple(r.after))
        for r in data.reviews
    )
    return planning.Plan(items, joint, data.start)


def check_plan(data: PlanInput) -> planning.Plan:
    """The plan as the pure core sees it, or InvalidInput naming every problem."""
    catalog = _catalog()
    problems = _input_problems(data, catalog)
    if problems:
        raise InvalidInput("方案有误：" + "；".join(problems.values()), {"fields": problems})
    pure = _pure_plan(data, catalog)
    found = planning.check(pure)
    if found:
        raise InvalidInput("；".join(found), {"fields": {"plan": "；".join(found)}})
    return pure


def compose_plan(actor: User, data: PlanInput) -> CustomPlan:
    """Check and save a plan (a draft): everything, or nothing on a refusal."""
    if not coordinates(actor):
        raise Forbidden("只有行政审批服务管理局的审批人员或监督人员可以编制定制办方案")
    owner = _owner(data.owner)
    pure = check_plan(data)
    try:
        with transaction.atomic():
            return _save(actor, owner, data, pure)
    except IntegrityError:
        raise Conflict("项目代码已被该企业的其他项目使用，或编号重复") from None


def _save(actor: User, owner: User, data: PlanInput, pure: planning.Plan) -> CustomPlan:
    plan = CustomPlan.objects.create(
        title=data.title.strip(), coordinator=actor, owner=owner, place=data.place, start=data.start
    )
    links = {}
    for position, row in enumerate(data.projects, start=1):
        project = Project.objects.create(
            name=row.name.strip(),
            code=row.code.strip(),
            project_type=_catalog().packages[row.package_id].project_type or "",
            owner=owner,
            place=data.place,
            address=row.address.strip(),
            investment=Decimal(str(row.investment).strip()),
            position=position,
        )
        links[row.key] = PlanProject.objects.create(
            plan=plan,
            key=row.key,
            name=project.name,
            package_id=row.package_id,
            answers=dict(row.answers),
            form=dict(row.form),
            project=project,
            position=position,
        )
    _save_steps(plan, pure, links, {step.key: step.item_id for step in data.steps})
    return plan


def _lead(name: str) -> tuple[User | None, str]:
    staff = User.objects.filter(username=name.strip()).exclude(role=Role.APPLICANT).first()
    return staff, (staff.get_full_name() or staff.username) if staff else name.strip()


def _save_steps(plan: CustomPlan, pure: planning.Plan, links, item_ids) -> None:
    for position, item in enumerate(pure.items, start=1):
        lead, lead_name = _lead(item.lead)
        PlanStep.objects.create(
            plan=plan,
            key=item.id,
            plan_project=links[item.project],
            item_id=item_ids[item.id],
            item_name=item.name,
            department=item.department,
            days=item.days,
            after=list(item.after),
            lead=lead,
            lead_name=lead_name,
            review_key=item.review,
            position=position,
        )
    for position, review in enumerate(pure.reviews, start=1):
        PlanReview.objects.create(
            plan=plan,
            key=review.id,
            name=review.name,
            days=review.days,
            projects=list(review.projects),
            after=list(review.after),
            position=position,
        )


# --------------------------------------------------------------------------- running


def plan_by_public_id(user, public_id) -> CustomPlan:
    try:
        return plans_visible_to(user).get(public_id=public_id)
    except (CustomPlan.DoesNotExist, ValueError, TypeError):
        raise NotFound("没有找到这个定制办方案") from None


def start_plan(actor: User, public_id) -> CustomPlan:
    """File one case per project for the owner: submitted when its filing is complete
    (the window accepts it as any case), else a draft the owner completes and submits."""
    if not coordinates(actor):
        raise Forbidden("只有编制方案的部门可以启动定制办")
    plan = plan_by_public_id(actor, public_id)
    if plan.is_template:
        raise Conflict("模板不能启动：请以模板新建方案")
    with transaction.atomic():
        locked = CustomPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.state != CustomPlan.DRAFT:
            raise Conflict("该方案已经启动")
        for link in locked.plan_projects.select_related("project").order_by("position"):
            _file(locked, link)
        locked.state = CustomPlan.RUNNING
        locked.save(update_fields=["state"])
        return locked


def _file(plan: CustomPlan, link: PlanProject) -> None:
    project = link.project
    assert project is not None  # a plan (not a template) has its projects' records
    row = ProjectInput(
        link.key,
        project.name,
        project.code,
        project.address,
        str(project.investment),
        link.package_id,
        link.answers,
        link.form,
    )
    filing = _case_filing(row, plan.place)
    complete = _refusal(row, plan.place) is None
    try:
        case, _created = file_case(plan.owner, filing, submit=complete)
    except CaseError as exc:
        raise type(exc)(f"{project.name}：{exc.message}", exc.details) from None
    project.case = case
    project.save(update_fields=["case"])
