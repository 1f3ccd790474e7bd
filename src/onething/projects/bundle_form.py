"""The 打包办 filing form as a page reads and shows it: the package's questions, the
place, the fields every project shares (typed once, prefilled from the account), and a
row a project (name, code, address, investment). "增加一个项目" posts the form back with one
more row, so nothing typed is lost and no script is needed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404, HttpRequest

from onething.cases.views.apply_form import county_groups, field_rows, form_sections
from onething.catalog.entities import Catalog, Package
from onething.catalog.services import current_catalog, guide_of
from onething.core.errors import CaseError
from onething.guides.views import answers_from_query, question_forms
from onething.intake.prefill import prefill_sources
from onething.projects.services import (
    MOST_PROJECTS,
    ROW_FIELDS,
    BundleFiling,
    ProjectRow,
    bundle_package,
)

FIRST_ROWS = 3
ROW_COLUMNS = ("name", "code", "address", "investment")


def bundle_packages() -> list[Package]:
    """The packages whose projects may be filed several at once."""
    current = current_catalog()
    if current is None:
        return []
    return [p for p in current.catalog.packages.values() if p.bundle and p.project_type]


def _rows_posted(data, count: int, own_fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """Each project's row: its columns, and its own values of the package's per-project
    fields (`form`)."""
    rows: list[dict[str, Any]] = []
    for index in range(count):
        row: dict[str, Any] = {
            column: str(data.get(f"p{index}-{column}", "")).strip() for column in ROW_COLUMNS
        }
        row["form"] = {f: str(data.get(f"p{index}-{f}", "")).strip() for f in own_fields}
        rows.append(row)
    return rows


@dataclass
class BundlePage:
    request: HttpRequest
    catalog: Catalog
    package: Package
    digest: str
    answers: dict
    unanswered: list[str]
    place: str
    values: dict[str, str]
    rows: list[dict[str, Any]]
    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    _own_rows: list[dict[str, Any]] = field(default_factory=list)  # the per-project fields

    @classmethod
    def read(cls, request: HttpRequest, package_id: str) -> BundlePage:
        current = current_catalog()
        if current is None:
            raise Http404("尚未导入事项目录")
        try:
            package = bundle_package(current.catalog, package_id)
        except CaseError as exc:
            raise Http404(exc.message) from None
        data = request.POST if request.method == "POST" else request.GET
        answers, problems = answers_from_query(package, data)
        count = _row_count(data, request.method == "POST")
        page = cls(
            request,
            current.catalog,
            package,
            current.digest,
            answers,
            [q.text for q in package.questions if q.id not in answers],
            str(data.get("place") or request.user.jurisdiction or ""),
            {k: str(v).strip() for k, v in data.items() if k not in ("csrfmiddlewaretoken",)},
            _rows_posted(data, count, package.per_project_fields),
        )
        page.message = "；".join(problems)
        return page

    def guide(self):
        return guide_of(self.digest, self.package.id, self.answers)

    def filing(self) -> BundleFiling:
        guide = self.guide()
        own = set(ROW_FIELDS) | set(self.package.per_project_fields)
        shared = {f.id: self.values.get(f.id, "") for f in guide.fields if f.id not in own}
        return BundleFiling(
            package_id=self.package.id,
            answers=self.answers,
            place=self.place,
            shared_form=shared,
            projects=[ProjectRow(**row) for row in _without_empty_tail(self.rows)],
            channel="web",
        )

    def refused(self, exc: CaseError) -> None:
        self.message = exc.message
        self.errors = dict(exc.details.get("fields") or {})

    def context(self) -> dict[str, Any]:
        guide = self.guide()
        prefilled = prefill_sources(guide.fields, self.request.user, self.catalog)
        values = {key: value for key, (value, _source) in prefilled.items()}
        if self.request.method == "POST":
            values = {f.id: self.values.get(f.id, "") for f in guide.fields}
        shared_errors = {k.removeprefix("form."): v for k, v in self.errors.items()}
        rows = field_rows(guide, self.catalog, values, prefilled, shared_errors)
        own = set(ROW_FIELDS) | set(self.package.per_project_fields)
        self._own_rows = [row for row in rows if row["id"] in self.package.per_project_fields]
        sections = []
        for section in form_sections(guide, self.catalog, rows):
            kept = [row for row in section["rows"] if row["id"] not in own]
            if kept:
                sections.append({**section, "rows": kept})
        return {
            "package": self.package,
            "guide": guide,
            "questions": question_forms(self.package, self.answers),
            "unanswered": self.unanswered,
            "counties": county_groups(self.catalog),
            "place": self.place,
            "sections": sections,
            "rows": [self._row_view(i, row) for i, row in enumerate(self.rows)],
            "more_rows": len(self.rows) < MOST_PROJECTS,
            "message": self.message,
            "errors": self.errors,
            "key": self.values.get("key") or _new_key(),
            "nav": "projects",
        }

    def _row_view(self, index: int, row: dict[str, Any]) -> dict[str, Any]:
        errors = {c: self.errors.get(f"projects[{index}].{c}", "") for c in ROW_COLUMNS}
        own = [
            {
                **field,
                "id": f"p{index}-{field['id']}",
                "value": row["form"].get(field["id"], ""),
                "error": self.errors.get(f"projects[{index}].form.{field['id']}", ""),
                "prefilled": False,
            }
            for field in self._own_rows
        ]
        return {"index": index, "number": index + 1, **row, "errors": errors, "own": own}


def _without_empty_tail(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows up to the last one typed in (an empty row between is still a project's,
    refused as such, so that its errors keep their place)."""
    typed = [
        i
        for i, row in enumerate(rows)
        if any(row[c] for c in ROW_COLUMNS) or any(row["form"].values())
    ]
    return rows[: typed[-1] + 1] if typed else []


def _row_count(data, posted: bool) -> int:
    try:
        count = int(data.get("rows") or FIRST_ROWS)
    except ValueError:
        count = FIRST_ROWS
    if posted and data.get("intent") == "add_row":
        count += 1
    return max(2, min(count, MOST_PROJECTS))


def _new_key() -> str:
    return uuid.uuid4().hex
