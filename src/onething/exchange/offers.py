"""This node's 跨省通办 list: the packages it implements for partners' windows, with
their modes, the place that handles them, the form's fields and the materials — what a
partner's clerk needs to receive an application (published in the identity document)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from onething.catalog.entities import Catalog, Package
from onething.catalog.services import current_catalog
from onething.core.errors import InvalidInput, NotFound
from onething.exchange.identity import identity

MODES = ("全程网办", "异地代收代办", "多地联办")


def _fields(catalog: Catalog, package: Package) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for entry in package.items:
        for field_id in catalog.items[entry.item].fields:
            spec = catalog.fields[field_id]
            seen.setdefault(
                field_id,
                {"id": spec.id, "label": spec.label, "type": spec.type, "required": spec.required,
                 "choices": list(spec.choices)},
            )  # fmt: skip
    return list(seen.values())


def _materials(catalog: Catalog, package: Package) -> list[dict[str, str]]:
    seen: dict[str, dict[str, str]] = {}
    for entry in package.items:
        for needed in catalog.items[entry.item].materials:
            material = catalog.materials[needed.material]
            if not material.generated:
                seen.setdefault(material.id, {"id": material.id, "name": material.name})
    return list(seen.values())


def describe(catalog: Catalog, package: Package, place: str, modes, forward_days: int) -> dict:
    return {
        "package": package.id,
        "name": package.name,
        "place": place,
        "modes": list(modes),
        "forward_days": forward_days,
        "items": [catalog.items[e.item].name for e in package.items],
        "questions": [
            {"id": q.id, "text": q.text, "type": q.type, "choices": list(q.choices)}
            for q in package.questions
        ],
        "fields": _fields(catalog, package),
        "materials": _materials(catalog, package),
    }


def offer(
    package_id: str, place: str = "", modes=("异地代收代办",), forward_days: int = 1
) -> dict[str, Any]:
    """Put a package of our catalogue on our 跨省通办 list (or update its entry)."""
    current = current_catalog()
    if current is None:
        raise InvalidInput("尚未导入事项目录")
    catalog = current.catalog
    package = catalog.packages.get(package_id)
    if package is None:
        raise NotFound(f"没有编号为 {package_id} 的一件事")
    bad = [m for m in modes if m not in MODES]
    if bad or not modes:
        raise InvalidInput(f"通办模式须为 {'、'.join(MODES)} 之一")
    node = identity()
    place = place or node.regions[0]
    if place not in catalog.jurisdictions:
        raise InvalidInput(f"办理地 {place} 不在本节点的事项目录中")
    if not 0 <= forward_days <= 10:
        raise InvalidInput("转办时限须为 0 到 10 个工作日")
    entry = describe(catalog, package, place, modes, forward_days)
    with transaction.atomic():
        node.offered = [e for e in node.offered if e.get("package") != package_id] + [entry]
        node.save(update_fields=["offered"])
    return entry


def withdraw(package_id: str) -> None:
    node = identity()
    node.offered = [e for e in node.offered if e.get("package") != package_id]
    node.save(update_fields=["offered"])
