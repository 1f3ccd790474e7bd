"""打包办: several projects of one type filed, accepted and reviewed as one bundle.

Each project becomes a case of its own through the case engine (its items, decisions and
certificates are its own); the bundle ties them together: one filing (what the projects
share is typed once, what differs is a row each), one acceptance at the window, and one
expert review (专家评审) for every item of every project that waits on it. Each function
loads, decides, saves and records in one transaction: a refusal writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet

from onething.accounts.models import User
from onething.cases import materials, services as case_services, window
from onething.cases.deadlines import WINDOW_DAYS
from onething.cases.filing import Filing, file_case
from onething.cases.lifecycle import TaskState
from onething.catalog.entities import Catalog, Package
from onething.catalog.services import catalog_by_version_id, current_catalog, guide_for_version_id
from onething.core.access import bundles_visible_to, reviews, works_at_window
from onething.core.errors import CaseError, Conflict, Forbidden, InvalidInput, NotFound
from onething.projects.bundling import BundleFigures, ReviewFees, bundle_figures
from onething.projects.models import Bundle, Project

MOST_PROJECTS = 50
MOST_INVESTMENT = Decimal(10) ** 12  # 万元: what Project.investment holds
READY_FOR_REVIEW = (TaskState.WORKABLE, TaskState.IN_REVIEW)
# The data-dictionary fields a project row fills in for its own case (the rest of the
# form is typed once for the whole bundle), beside the project's name, code and figures.
ROW_FIELDS = {
    "project_name": "name",
    "project_address": "address",
    "total_investment": "investment",
}


@dataclass(frozen=True, slots=True)
class ProjectRow:
    """One project of a bundle, as its row of the table gives it."""

    name: str
    code: str
    address: str
    investment: str
    form: Mapping[str, str] = field(default_factory=dict)  # its own values of other fields
    project_type: str = ""  # when given, it must be the package's


@dataclass(frozen=True, slots=True)
class BundleFiling:
    package_id: str
    answers: Mapping[str, object]
    place: str
    shared_form: Mapping[str, str]
    projects: Sequence[ProjectRow]
    channel: str = "web"


def bundle_package(catalog: Catalog, package_id: str) -> Package:
    """The package, if several projects of its type may be filed as one."""
    package = catalog.packages.get(package_id)
    if package is None:
        raise NotFound(f"没有编号为 {package_id} 的一件事")
    if not package.bundle or not package.project_type:
        raise InvalidInput(f"“{package.name}”不能打包办理：只有同类项目可批量申报的一件事可以")
    return package


def _row_problems(index: int, row: ProjectRow, project_type: str) -> dict[str, str]:
    where, problems = f"projects[{index}]", {}
    for name, value, most in (("name", row.name, 200), ("code", row.code, 40)):
        if not value.strip():
            problems[f"{where}.{name}"] = "必填"
        elif len(value.strip()) > most:
            problems[f"{where}.{name}"] = f"不超过 {most} 个字"
    if not row.address.strip():
        problems[f"{where}.address"] = "必填"
    try:
        amount = Decimal(str(row.investment).strip())
        if not amount.is_finite() or not 0 < amount < MOST_INVESTMENT:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        problems[f"{where}.investment"] = "应为大于 0、小于 1 万亿的金额（万元）"
    if row.project_type and row.project_type != project_type:
        problems[f"{where}.project_type"] = (
            f"打包办只能包含同一类型的项目：此项目为 {row.project_type}，本次打包为 {project_type}"
        )
    return problems


def check_rows(rows: Sequence[ProjectRow], project_type: str) -> None:
    """Every row's problems at once; two projects of a bundle never share a code."""
    if not 2 <= len(rows) <= MOST_PROJECTS:
        message = f"打包办需要 2 至 {MOST_PROJECTS} 个同类项目，本次 {len(rows)} 个"
        raise InvalidInput(message, {"fields": {"projects": message}})
    problems: dict[str, str] = {}
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        problems.update(_row_problems(index, row, project_type))
        code = row.code.strip()
        if code in seen:
            problems[f"projects[{index}].code"] = f"与第 {seen[code] + 1} 个项目的项目代码相同"
        seen.setdefault(code, index)
    if problems:
        raise InvalidInput("项目清单有误：" + "；".join(problems.values()), {"fields": problems})


def _case_form(shared: Mapping[str, str], row: ProjectRow) -> dict[str, str]:
    form = {**shared, **row.form}
    values = {"name": row.name, "address": row.address, "investment": str(row.investment)}
    for field_id, attribute in ROW_FIELDS.items():
        form[field_id] = values[attribute].strip()
    return form


def file_bundle(
    actor: User,
    filing: BundleFiling,
    applicant: User | None = None,
    idempotency_key: str | None = None,
) -> tuple[Bundle, bool]:
    """One filing for N projects of one type: N cases, submitted together, or nothing."""
    current = current_catalog()
    if current is None:
        raise InvalidInput("尚未导入事项目录")
    package = bundle_package(current.catalog, filing.package_id)
    key = (idempotency_key or "").strip()[:100] or None
    if key and (found := Bundle.objects.filter(filed_by=actor, idempotency_key=key).first()):
        return found, False
    check_rows(filing.projects, package.project_type or "")
    try:
        with transaction.atomic():
            return _create_bundle(actor, filing, package, applicant, key), True
    except IntegrityError:
        raise Conflict("项目代码已被本单位的其他项目使用，或此次申报已经提交过") from None


def _create_bundle(actor, filing: BundleFiling, package: Package, applicant, key) -> Bundle:
    bundle = None
    for index, row in enumerate(filing.projects):
        one = Filing(
            package_id=filing.package_id,
            answers=filing.answers,
            place=filing.place,
            form=_case_form(filing.shared_form, row),
            channel=filing.channel,
        )
        try:
            case, _created = file_case(actor, one, applicant=applicant, submit=True)
        except CaseError as exc:
            raise _for_row(exc, index, row) from None
        if bundle is None:
            bundle = Bundle.objects.create(
                package_id=package.id,
                package_name=package.name,
                project_type=package.project_type or "",
                owner=case.applicant,
                filed_by=actor,
                place=case.place,
                window=case.window,
                idempotency_key=key,
            )
        Project.objects.create(
            name=row.name.strip(),
            code=row.code.strip(),
            project_type=bundle.project_type,
            owner=case.applicant,
            place=case.place,
            address=row.address.strip(),
            investment=Decimal(str(row.investment).strip()),
            bundle=bundle,
            case=case,
            position=index + 1,
        )
    assert bundle is not None  # check_rows asked for two projects at least
    return bundle


def _for_row(exc: CaseError, index: int, row: ProjectRow) -> CaseError:
    """A case's refusal, said of the project whose row it came from: its columns, its own
    fields (`projects[i].form.x`), or the shared form (`form.x`)."""
    fields = exc.details.get("fields") or {}
    named = {}
    for field_id, message in fields.items():
        if field_id in ROW_FIELDS:
            named[f"projects[{index}].{ROW_FIELDS[field_id]}"] = message
        elif field_id in row.form:
            named[f"projects[{index}].form.{field_id}"] = message
        else:
            named[f"form.{field_id}"] = message
    details = {**exc.details, "fields": named} if fields else exc.details
    return type(exc)(f"第 {index + 1} 个项目：{exc.message}", details)


# --------------------------------------------------------------------------- window


def bundle_by_public_id(public_id) -> Bundle:
    try:
        return Bundle.objects.get(public_id=public_id)
    except (Bundle.DoesNotExist, ValueError, TypeError):
        raise NotFound("没有找到这个打包办件") from None


def projects_of(bundle: Bundle) -> list[Project]:
    return list(bundle.projects.select_related("case").order_by("position"))


def with_projects(bundles: QuerySet) -> QuerySet:
    """Bundles with their projects and cases read in one go (lists: no query per row);
    `bundle.projects.all()` then gives them in order (Project's Meta ordering)."""
    return bundles.prefetch_related(
        Prefetch("projects", queryset=Project.objects.select_related("case"))
    )


def accept_bundle(actor: User, bundle_id) -> Bundle:
    """一包受理: the window accepts every project's case at once, or none of them."""
    if not works_at_window(actor):
        raise Forbidden("只有窗口工作人员可以受理")
    bundle = bundle_by_public_id(bundle_id)
    with transaction.atomic():
        for project in projects_of(bundle):
            try:
                window.accept(actor, project.case.public_id)
            except CaseError as exc:
                raise type(exc)(f"{project.name}：{exc.message}", exc.details) from None
    return bundle


def start_joint_review(actor: User, bundle_id) -> Bundle:
    """一次评审: one expert review for every item of the bundle's projects that waits on
    it, in the reviewer's department; its days and fee follow the catalogue."""
    if not reviews(actor):
        raise Forbidden("只有部门审批人员可以发起专家评审")
    bundle = bundle_by_public_id(bundle_id)
    with transaction.atomic():
        locked = Bundle.objects.select_for_update().get(pk=bundle.pk)
        if locked.review_id is not None:
            raise Conflict("本次打包的专家评审已经发起过")
        review, tasks = _review_tasks(actor, locked)
        for task in tasks:
            if task.assignee_id is None:
                case_services.claim(actor, task.pk)
        title = f"{review.name}（{len(tasks)} 个项目一次评审）"
        procedure = case_services.start_special(
            actor, [t.pk for t in tasks], "expert_review", review.days, title
        )
        locked.review = procedure
        locked.review_fee = round(review.fee(len(tasks)))
        locked.save(update_fields=["review", "review_fee"])
        return locked


def _review_tasks(actor: User, bundle: Bundle):
    """The items of the bundle's projects that wait on an expert review, in the actor's
    department and jurisdiction, read against the catalogue version the cases were filed
    under (as their figures are)."""
    tasks = []
    review = None
    for project in projects_of(bundle):
        catalog = catalog_by_version_id(project.case.catalog_version_id)
        for task in project.case.tasks.all():
            item = catalog.items.get(task.item_id)
            expert = catalog.expert_review_of(item) if item else None
            if expert is None or task.department != actor.department:
                continue
            if task.jurisdiction != actor.jurisdiction or task.state not in READY_FOR_REVIEW:
                continue
            review = expert
            tasks.append(task)
    if review is None or len(tasks) != bundle.projects.count():
        raise Conflict(
            "还有项目的评审事项未到可办理状态，或不在您的部门和辖区：请待全部项目就绪后一次评审"
        )
    return review, tasks


# --------------------------------------------------------------------------- figures


def bundle_figures_of(bundle: Bundle, projects: Sequence[Project]) -> BundleFigures | None:
    """The cycle and the review fees of this bundle against the same projects handled
    one by one (projects/bundling.py says how they are counted), from the catalogue
    version the cases were filed under and their answers; None without a review."""
    first = projects[0].case if projects else None
    if first is None:
        return None
    catalog = catalog_by_version_id(first.catalog_version_id)
    guide = guide_for_version_id(first.catalog_version_id, first.package_id, first.answers)
    reviews_named = [catalog.expert_review_of(g.item) for g in guide.items]
    review = next((r for r in reviews_named if r is not None), None)
    if review is None:
        return None
    return bundle_figures(
        len(projects),
        [g.item.promised_days for g in guide.items],
        review.days,
        ReviewFees(round(review.fee_base), round(review.fee_per_project)),
        WINDOW_DAYS,
    )


def savings_of_bundles(user, most: int = 50) -> dict:
    """The newest bundles the user may see with what each saved, and the totals: working
    days of approval cycle and yuan of expert-review fees against the same projects
    handled one by one (the dashboard's 打包办 section)."""
    rows = []
    for bundle in with_projects(bundles_visible_to(user).order_by("-created_at")[:most]):
        figures = bundle_figures_of(bundle, list(bundle.projects.all()))
        if figures is not None:
            rows.append((bundle, figures))
    return {
        "rows": rows,
        "projects": sum(f.projects for _b, f in rows),
        "days_saved": sum(f.cycle_separate_days - f.cycle_bundle_days for _b, f in rows),
        "fees_saved": sum(f.fees_separate - f.fees_bundle for _b, f in rows),
    }


# --------------------------------------------------------------------------- materials


@dataclass(frozen=True, slots=True)
class SharedMaterial:
    """A material every project of the bundle asks the company for: uploaded once."""

    material_id: str
    name: str
    uploaded: int  # how many of the projects have it
    projects: int


def shared_materials(projects: Sequence[Project]) -> list[SharedMaterial]:
    """The materials the company provides that every project's case asks for, in the
    order of the first project's list."""
    per_case = [
        {e.material_id: e for e in p.case.evidence.filter(origin="applicant").order_by("pk")}
        for p in projects
        if p.case is not None
    ]
    if not per_case:
        return []
    common = [m for m in per_case[0] if all(m in each for each in per_case[1:])]
    return [
        SharedMaterial(
            material_id=m,
            name=per_case[0][m].material_name,
            uploaded=sum(1 for each in per_case if each[m].trust),
            projects=len(per_case),
        )
        for m in common
    ]


def upload_shared(actor: User, bundle_id, material_id: str, name: str, data: bytes) -> int:
    """共用材料: one upload stands for every project's case (all, or none when one of
    them refuses it); how many cases it was attached to."""
    bundle = bundle_by_public_id(bundle_id)
    projects = projects_of(bundle)
    if material_id not in {m.material_id for m in shared_materials(projects)}:
        raise NotFound("这不是本次打包各项目共用的材料")
    with transaction.atomic():
        for project in projects:
            evidence = project.case.evidence.get(material_id=material_id, origin="applicant")
            try:
                materials.upload_evidence(actor, project.case.public_id, evidence.pk, name, data)
            except CaseError as exc:
                raise type(exc)(f"{project.name}：{exc.message}", exc.details) from None
    return len(projects)
