"""JSON API for packages and guides (django-ninja), under /api/v1."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from onething.catalog.guide import AnswerError, build_guide, resolve_answers
from onething.catalog.services import current_catalog

router = Router(tags=["guides"])


class QuestionOut(Schema):
    id: str
    text: str
    type: str
    choices: list[str]
    help: str | None = None


class PackageOut(Schema):
    id: str
    name: str
    audience: str | None
    keywords: list[str]
    trips: int
    items: list[str]
    questions: list[QuestionOut]
    description: str | None = None


def _catalog():
    current = current_catalog()
    if current is None:
        raise HttpError(503, "no catalogue has been imported yet")
    return current.catalog


def _package_out(package) -> dict[str, Any]:
    return {
        "id": package.id,
        "name": package.name,
        "audience": package.audience,
        "keywords": list(package.keywords),
        "trips": package.trips,
        "items": [pi.item for pi in package.items],
        "questions": [
            {"id": q.id, "text": q.text, "type": q.type, "choices": list(q.choices), "help": q.help}
            for q in package.questions
        ],
        "description": package.description,
    }


@router.get("/packages", response=list[PackageOut], summary="List the 一件事 packages")
def list_packages(request: HttpRequest):
    return [_package_out(p) for p in _catalog().packages.values()]


@router.get("/packages/{package_id}", response=PackageOut, summary="One package")
def get_package(request: HttpRequest, package_id: str):
    package = _catalog().packages.get(package_id)
    if package is None:
        raise HttpError(404, f"unknown package '{package_id}'")
    return _package_out(package)


@router.get(
    "/packages/{package_id}/guide",
    summary="The merged guide (一次告知) for answers given as query parameters",
    description="Each question id is a query parameter: true/false, or the choice.",
)
def get_guide(request: HttpRequest, package_id: str) -> dict[str, Any]:
    catalog = _catalog()
    package = catalog.packages.get(package_id)
    if package is None:
        raise HttpError(404, f"unknown package '{package_id}'")
    raw = {key: value for key, value in request.GET.items() if value != ""}
    try:
        answers = resolve_answers(package, raw)
    except AnswerError as exc:
        raise HttpError(400, str(exc)) from None
    return build_guide(catalog, package, answers).as_dict()
