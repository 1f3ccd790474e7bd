"""The one form as staff fill it in for someone (帮办代办, 上门办): the questions, the
place and the fields, built by the filing page's own helpers (answers, prefill from the
applicant's account, rows and sections) — one form everywhere, not a copy."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from onething.accounts.models import User
from onething.cases.views.apply_form import county_groups, field_rows, form_sections
from onething.catalog.services import current_catalog, guide_of
from onething.core.errors import InvalidInput, NotFound
from onething.guides.views import answers_from_query, question_forms
from onething.intake.prefill import prefill_sources
from onething.outreach.models import HeldFiling


def _answer_text(answers: dict) -> dict[str, str]:
    return {
        key: "true" if value is True else "false" if value is False else str(value)
        for key, value in answers.items()
    }


def posted_form(request: HttpRequest, holder: HeldFiling) -> tuple[dict, str, dict[str, str]]:
    """(answers, place, the form's values) as posted for the holder's package."""
    current = current_catalog()
    if current is None or holder.package_id not in current.catalog.packages:
        raise NotFound("事项目录中已没有这件事")
    package = current.catalog.packages[holder.package_id]
    answers, errors = answers_from_query(package, request.POST)
    if errors:
        raise InvalidInput("情形回答有误：" + "".join(errors))
    guide = guide_of(current.digest, package.id, answers)
    values = {f.id: request.POST.get(f.id, "") for f in guide.fields}
    return answers, request.POST.get("place", "").strip(), values


def form_context(
    holder: HeldFiling, person: User, request: HttpRequest, errors: dict[str, str] | None = None
) -> dict[str, Any]:
    """What templates/outreach/_one_form.html shows: the holder's form as kept, or as
    posted (a refresh after an answer, or a refusal), else prefilled from the account."""
    current = current_catalog()
    if current is None or holder.package_id not in current.catalog.packages:
        raise NotFound("事项目录中已没有这件事")
    catalog, package = current.catalog, current.catalog.packages[holder.package_id]
    posted = request.method == "POST"
    source = request.POST if posted else _answer_text(holder.answers or {})
    answers, _problems = answers_from_query(package, source)
    guide = guide_of(current.digest, package.id, answers)
    sources = prefill_sources(guide.fields, person, catalog)
    known = {field_id: value for field_id, (value, _source) in sources.items()}
    if posted:
        values = {
            **known,
            **{f.id: request.POST[f.id] for f in guide.fields if f.id in request.POST},
        }
    else:
        values = {**known, **{k: str(v) for k, v in (holder.form or {}).items()}}
    rows = field_rows(guide, catalog, values, sources, errors or {})
    place = (request.POST.get("place", "") if posted else "") or holder.place
    return {
        "package": package,
        "questions": question_forms(package, answers),
        "questions_missing": {},
        "counties": county_groups(catalog),
        "place": place,
        "sections": form_sections(guide, catalog, rows),
        "field_errors": [(r["id"], r["error"]) for r in rows if r["error"]],
        "items": [gi.item.name for gi in guide.items],
    }
