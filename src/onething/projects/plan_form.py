"""The 定制办 compose form as the page reads and shows it: the plan's title, owner and
start; a block a project (its name, code, address, investment, its one-thing and that
one-thing's questions); a row a step (project, catalogue item, what it waits on, lead,
joint review) and a row a joint review (name, days, projects, what it waits on).
"增加一个项目 / 事项 / 联合评审" and "更新" post the form back with what was typed and one
more block or row, so no script is needed. The project's case form is not typed here:
the owner completes it when the plan starts (a draft of their own)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.http import HttpRequest

from onething.accounts.models import User
from onething.catalog.entities import Catalog, Package
from onething.catalog.services import current_catalog
from onething.core.errors import CaseError
from onething.core.roles import Role
from onething.guides.views import answers_from_query, question_forms
from onething.projects.plan_services import PlanInput, ProjectInput, ReviewInput, StepInput

PROJECT_COLUMNS = ("name", "code", "address", "investment", "package_id")
STEP_COLUMNS = ("project", "item_id", "after", "lead", "review")
REVIEW_COLUMNS = ("name", "days", "after")
MOST_ROWS = 60


def project_packages(catalog: Catalog) -> list[Package]:
    """The one-things an investment project goes through (those with a project type)."""
    return [p for p in catalog.packages.values() if p.project_type]


def keys_of(text: str) -> list[str]:
    """'s1, s2、s3' → ['s1', 's2', 's3']."""
    return [key for key in re.split(r"[\s,，、;；]+", text.strip()) if key]


def _count(data, name: str, default: int, more: str) -> int:
    try:
        count = int(data.get(name, default))
    except (TypeError, ValueError):
        count = default
    return max(1, min(MOST_ROWS, count + (1 if data.get("intent") == more else 0)))


def _posted(data, prefix: str, count: int, columns) -> list[dict[str, str]]:
    return [
        {column: str(data.get(f"{prefix}{i}-{column}", "")).strip() for column in columns}
        for i in range(count)
    ]


@dataclass
class PlanPage:
    catalog: Catalog
    values: dict[str, str]
    projects: list[dict]
    steps: list[dict[str, str]]
    reviews: list[dict]
    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, request: HttpRequest, prefilled=None) -> PlanPage:
        """The form as posted (or as in the query; ``prefilled`` from a template)."""
        current = current_catalog()
        assert current is not None
        data = request.POST if request.method == "POST" else (prefilled or request.GET)
        values = {
            "title": str(data.get("title", "")).strip(),
            "owner": str(data.get("owner", "")).strip(),
            "start": str(data.get("start", "")).strip() or date.today().isoformat(),
            "place": str(data.get("place", "")).strip() or request.user.jurisdiction,
        }
        projects = _posted(data, "p", _count(data, "projects", 2, "more_project"), PROJECT_COLUMNS)
        for index, row in enumerate(projects):
            package = current.catalog.packages.get(row["package_id"])
            row["key"] = f"p{index + 1}"
            row["package"] = package
            row["answers"] = _answers(package, data, index)
        steps = _posted(data, "s", _count(data, "steps", 4, "more_step"), STEP_COLUMNS)
        reviews = _posted(data, "r", _count(data, "reviews", 1, "more_review"), REVIEW_COLUMNS)
        for index, review in enumerate(reviews):
            review["projects"] = data.getlist(f"r{index}-projects")  # type: ignore[assignment]
        return cls(current.catalog, values, projects, steps, reviews)

    def plan_input(self) -> PlanInput:
        try:
            start = date.fromisoformat(self.values["start"])
        except ValueError:
            start = date.today()
            self.errors["start"] = "请填写日期，如 2026-03-02"
        return PlanInput(
            title=self.values["title"],
            owner=self.values["owner"],
            place=self.values["place"],
            start=start,
            projects=[
                ProjectInput(
                    row["key"],
                    row["name"],
                    row["code"],
                    row["address"],
                    row["investment"],
                    row["package_id"],
                    row["answers"],
                )
                for row in self.projects
            ],
            steps=[
                StepInput(
                    f"s{i + 1}",
                    row["project"],
                    row["item_id"],
                    keys_of(row["after"]),
                    row["lead"],
                    row["review"],
                )
                for i, row in enumerate(self.steps)
                if row["item_id"]
            ],
            reviews=[
                ReviewInput(
                    f"j{i + 1}",
                    row["name"],
                    _days(row["days"]),
                    row["projects"],
                    keys_of(row["after"]),
                )
                for i, row in enumerate(self.reviews)
                if row["name"]
            ],
        )

    def refused(self, exc: CaseError) -> None:
        self.message = exc.message
        self.errors.update(exc.details.get("fields") or {})

    def context(self) -> dict:
        packages = project_packages(self.catalog)
        items = sorted({i.item for p in packages for i in p.items}, key=lambda item_id: item_id)
        for index, row in enumerate(self.projects):
            package = row["package"]
            row["questions"] = question_forms(package, row["answers"]) if package else []
            row["prefix"] = f"p{index}-"
        return {
            "page": self,
            "owners": enterprises_at(self.values["place"]),
            "packages": packages,
            "items": [self.catalog.items[i] for i in items if i in self.catalog.items],
            "project_keys": [row["key"] for row in self.projects],
            "nav": "plans",
        }


def enterprises_at(place: str) -> list[tuple[str, str]]:
    """The enterprise accounts of the plan's place, offered for its owner (建设单位)."""
    rows = User.objects.filter(
        role=Role.APPLICANT, applicant_kind="enterprise", jurisdiction__startswith=place[:6]
    )
    return list(rows.order_by("username").values_list("username", "full_name")[:200])


def _answers(package: Package | None, data, index: int) -> dict:
    if package is None:
        return {}
    prefixed = {q.id: data.get(f"p{index}-q-{q.id}", "") for q in package.questions}
    answers, _errors = answers_from_query(package, prefixed)
    return answers


def _days(text: str) -> int:
    try:
        return max(0, min(365, int(text)))
    except ValueError:
        return 0
