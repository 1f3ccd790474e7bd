"""The domain model (`entities`) made from a document that passed every check.

Only called when `schema` validated the document strictly and the checks found no
problem: every value has its type, every reference resolves and every package's
graph is acyclic (its dependency order is given).
"""

from __future__ import annotations

from collections.abc import Mapping

from onething.catalog.entities import (
    Catalog,
    Condition,
    Department,
    ExpertReview,
    Field,
    Item,
    ItemMaterial,
    Jurisdiction,
    LicenceType,
    Material,
    Package,
    PackageItem,
    Question,
    default_licence_code,
)
from onething.catalog.instant import default_depth, parse_rules
from onething.catalog.schema import (
    CatalogDocument,
    ExpertReviewEntry,
    FieldEntry,
    ItemEntry,
    LicenceTypeEntry,
    PackageEntry,
    QuestionEntry,
)
from onething.catalog.values import SUPPORTED_VERSIONS

NUMBER_TYPES = ("integer", "number")


def build_catalog(document: CatalogDocument, orders: Mapping[str, tuple[int, ...]]) -> Catalog:
    field_types = {f.id: f.type for f in document.fields}
    return Catalog(
        version=SUPPORTED_VERSIONS[0],
        jurisdictions={
            j.code: Jurisdiction(code=j.code, name=j.name, level=j.level, parent=j.parent)
            for j in document.jurisdictions
        },
        departments={d.id: Department(id=d.id, name=d.name) for d in document.departments},
        materials={
            m.id: Material(
                id=m.id,
                name=m.name,
                evidence=m.evidence,
                note=m.note,
                commitment=m.commitment,
                generated=m.generated,
            )
            for m in document.materials
        },
        fields={f.id: _field(f) for f in document.fields},
        items={i.id: _item(i, field_types) for i in document.items},
        packages={p.id: _package(p, orders[p.id]) for p in document.packages},
        licence_types={t.id: _licence_type(t) for t in document.licence_types},
        expert_reviews={r.id: _expert_review(r) for r in document.expert_reviews},
    )


def _condition(when: Mapping[str, tuple[bool | str, ...]] | None) -> Condition:
    return dict(when) if when else {}


def _field(entry: FieldEntry) -> Field:
    numeric = entry.type in NUMBER_TYPES
    return Field(
        id=entry.id,
        label=entry.label,
        type=entry.type,
        choices=entry.choices or () if entry.type == "choice" else (),
        required=entry.required,
        help=entry.help,
        group=entry.group,
        min=float(entry.min) if numeric and entry.min is not None else None,
        max=float(entry.max) if numeric and entry.max is not None else None,
        max_length=entry.max_length,
    )


def _item(entry: ItemEntry, field_types: Mapping[str, str]) -> Item:
    return Item(
        id=entry.id,
        name=entry.name,
        department=entry.department,
        levels=entry.levels,
        kind=entry.kind,
        legal_days=entry.legal_days or 0,
        promised_days=entry.promised_days or 0,
        trips=entry.trips,
        code=entry.code,
        fee=entry.fee,
        basis=entry.basis,
        conditions=entry.conditions,
        online=entry.online,
        issues=entry.issues,
        fields=entry.fields,
        materials=tuple(
            ItemMaterial(
                material=m.material,
                copies=m.copies,
                required=m.required,
                when=_condition(m.when),
            )
            for m in entry.materials
        ),
        description=entry.description,
        expert_review=entry.expert_review,
        online_depth=entry.online_depth or default_depth(entry.trips, entry.online),
        instant=parse_rules(entry.instant, field_types)[0],
        partner_place=entry.partner_place,
        partner_package=entry.partner_package or "",
    )


def _question(entry: QuestionEntry) -> Question:
    return Question(
        id=entry.id,
        text=entry.text,
        type=entry.type,
        choices=entry.choices or () if entry.type == "choice" else (),
        help=entry.help,
    )


def _package(entry: PackageEntry, order: tuple[int, ...]) -> Package:
    return Package(
        id=entry.id,
        name=entry.name,
        items=tuple(
            PackageItem(item=i.item, after=i.after, when=_condition(i.when)) for i in entry.items
        ),
        audience=entry.audience,
        keywords=entry.keywords,
        trips=entry.trips,
        questions=tuple(_question(q) for q in entry.questions),
        description=entry.description,
        dependency_order=order,
        project_type=entry.project_type,
        bundle=entry.bundle,
        per_project_fields=tuple(entry.per_project_fields),
    )


def _licence_type(entry: LicenceTypeEntry) -> LicenceType:
    return LicenceType(
        id=entry.id,
        name=entry.name,
        code=entry.code or default_licence_code(entry.id),
        holder=entry.holder,
        valid_years=entry.valid_years,
        fields=entry.fields,
    )


def _expert_review(entry: ExpertReviewEntry) -> ExpertReview:
    return ExpertReview(
        id=entry.id,
        name=entry.name,
        department=entry.department,
        days=entry.days,
        fee_base=entry.fee_base,
        fee_per_project=entry.fee_per_project,
        basis=entry.basis,
        description=entry.description,
    )
