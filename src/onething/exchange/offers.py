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


def marked_in_catalogue() -> list[dict[str, Any]]:
    """The packages the current catalogue marks 跨省通办 (`cross_province`, spec: the
    package's optional key), described as our identity document lists them."""
    from onething.catalog.models import CatalogVersion
    from onething.catalog.yaml_reader import read_yaml

    current = current_catalog()
    if current is None:
        return []
    source = CatalogVersion.objects.filter(pk=current.pk).values_list("source", flat=True)
    try:
        document = read_yaml(source.first() or "")
    except Exception:  # a stored catalogue was checked when imported; never fail here
        return []
    catalog, found = current.catalog, []
    for entry in document.get("packages") or []:
        package = catalog.packages.get(str(entry.get("id", "")))
        for mark in (entry.get("cross_province") or []) if package else []:
            modes = [m for m in mark.get("modes") or [] if m in MODES] or ["异地代收代办"]
            place = str(mark.get("place") or identity().regions[0])
            described = describe(catalog, package, place, modes, int(mark.get("forward_days", 1)))
            found.append(described | {"regions": [str(r) for r in mark.get("regions") or []]})
    return found


def current_offers() -> list[dict[str, Any]]:
    """Our 跨省通办 list: the catalogue's marks, and what `onething exchange offer` added
    (which wins for the same package)."""
    explicit = identity().offered
    chosen = {e.get("package") for e in explicit}
    return [e for e in marked_in_catalogue() if e["package"] not in chosen] + list(explicit)


def withdraw(package_id: str) -> None:
    node = identity()
    node.offered = [e for e in node.offered if e.get("package") != package_id]
    node.save(update_fields=["offered"])
