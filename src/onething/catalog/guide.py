"""The one-thing guide (一次告知, spec §4): a package's guides merged into one.

For a package and the applicant's answers: the items that apply, when each can
start if departments work in parallel along the package's dependencies, the
materials and form fields asked once, and what that saves against applying
item by item.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from onething.catalog.conditions import holds
from onething.catalog.entities import Answer, Answers, Catalog, Item, Package, Question


class AnswerError(ValueError):
    """An answer that names no question of the package or is not one of its choices."""


@dataclass(frozen=True, slots=True)
class GuideItem:
    item: Item
    after: tuple[str, ...]  # predecessors after excluded items are contracted
    start_day: int
    finish_day: int

    @property
    def id(self) -> str:
        return self.item.id


@dataclass(frozen=True, slots=True)
class GuideMaterial:
    id: str
    name: str
    copies: int
    required: bool
    for_items: tuple[str, ...]
    evidence: str | None = None
    note: str | None = None
    commitment: bool = False  # 告知承诺 allowed
    generated: bool = False  # made by the platform from the one form: never uploaded
    # 免提交 within the package: the included item whose certificate is this material
    # (营业执照 from 企业设立登记), when every item asking for it comes after that item.
    produced_by: str | None = None

    @property
    def asked_of_applicant(self) -> bool:
        """Whether the applicant provides it (not made by the platform or the package)."""
        return not self.generated and self.produced_by is None


@dataclass(frozen=True, slots=True)
class GuideField:
    id: str
    label: str
    type: str
    required: bool
    for_items: tuple[str, ...]
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    max_length: int | None = None


@dataclass(frozen=True, slots=True)
class GuideStats:
    items: int
    departments: int
    materials_separate: int
    materials_merged: int
    fields_separate: int
    fields_merged: int
    days_serial: int  # promised days one after another
    days_parallel: int  # along the dependency graph
    trips_separate: int
    trips_package: int


@dataclass(frozen=True, slots=True)
class Guide:
    package: Package
    answers: Mapping[str, Answer]
    items: tuple[GuideItem, ...]
    materials: tuple[GuideMaterial, ...]
    fields: tuple[GuideField, ...]
    stats: GuideStats
    department_names: Mapping[str, str]
    every_case: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The guide as the JSON object of spec §5 (plus a few descriptive keys)."""
        return {
            "package": self.package.id,
            "name": self.package.name,
            "answers": dict(self.answers),
            "items": [
                {
                    "id": gi.item.id,
                    "name": gi.item.name,
                    "department": gi.item.department,
                    "department_name": self.department_names.get(gi.item.department, ""),
                    "kind": gi.item.kind,
                    "legal_days": gi.item.legal_days,
                    "promised_days": gi.item.promised_days,
                    "trips": gi.item.trips,
                    "online_depth": gi.item.depth,  # 网办深度: full | one_trip | window
                    "online_depth_label": gi.item.depth_label,
                    "instant": gi.item.instant is not None,  # 符合条件秒批
                    "after": list(gi.after),
                    "start_day": gi.start_day,
                    "finish_day": gi.finish_day,
                }
                for gi in self.items
            ],
            "materials": [
                {
                    "id": m.id,
                    "name": m.name,
                    "copies": m.copies,
                    "required": m.required,
                    "for_items": list(m.for_items),
                    "evidence": m.evidence,
                    **({"commitment": True} if m.commitment else {}),
                    **({"generated": True} if m.generated else {}),
                    **({"produced_by": m.produced_by} if m.produced_by else {}),
                }
                for m in self.materials
            ],
            "fields": [
                {
                    "id": f.id,
                    "label": f.label,
                    "type": f.type,
                    "required": f.required,
                    "for_items": list(f.for_items),
                }
                for f in self.fields
            ],
            "stats": {
                "items": self.stats.items,
                "departments": self.stats.departments,
                "materials_separate": self.stats.materials_separate,
                "materials_merged": self.stats.materials_merged,
                "fields_separate": self.stats.fields_separate,
                "fields_merged": self.stats.fields_merged,
                "days_serial": self.stats.days_serial,
                "days_parallel": self.stats.days_parallel,
                "trips_separate": self.stats.trips_separate,
                "trips_package": self.stats.trips_package,
            },
        }


def parse_answer(question: Question, raw: str | Answer) -> Answer:
    """An answer as the question's value: already typed (a bool, a choice) it is kept as it
    is; typed as text (`--answer ID=VALUE`, a form field, JSON) it is parsed."""
    if isinstance(raw, bool) and question.type == "boolean":
        return raw
    text = str(raw).strip()
    if question.type == "boolean":
        lowered = text.lower()
        if lowered == "true":
            return True
        if lowered == "false":
            return False
        raise AnswerError(f"'{raw}' is not an answer to '{question.id}': use true or false")
    if text in question.choices:
        return text
    raise AnswerError(
        f"'{raw}' is not one of the choices of '{question.id}': {', '.join(question.choices)}"
    )


def resolve_answers(package: Package, raw: Mapping[str, str | Answer]) -> dict[str, Answer]:
    """Answers (typed, or as text), checked against the package's questions, in question
    order."""
    typed: dict[str, Answer] = {}
    for question_id in raw:
        if package.question(question_id) is None:
            known = ", ".join(q.id for q in package.questions) or "none"
            raise AnswerError(
                f"package '{package.id}' asks no question '{question_id}' (its questions: {known})"
            )
    for question in package.questions:
        if question.id in raw:
            typed[question.id] = parse_answer(question, raw[question.id])
    return typed


def find_package(catalog: Catalog, package_id: str) -> Package:
    try:
        return catalog.packages[package_id]
    except KeyError:
        raise AnswerError(f"unknown package '{package_id}'") from None


def build_guide(
    catalog: Catalog, package: Package, answers: Answers, every_case: bool = False
) -> Guide:
    """The merged guide for these answers (spec §4). Answers must be typed already.

    With `every_case`, every condition is taken to hold: the guide of an applicant
    to whom everything applies, the "at most" figures a hall sign shows.
    """
    applies = _always if every_case else holds
    package_items = package.items
    included = [applies(pi.when, answers) for pi in package_items]
    index_of = {pi.item: i for i, pi in enumerate(package_items)}

    # Contract excluded items (§4.1) and schedule (§4.2) in dependency order.
    effective_after: list[tuple[str, ...]] = [()] * len(package_items)
    finish: dict[str, int] = {}
    start: dict[str, int] = {}
    items = catalog.items
    for position in package.dependency_order:
        package_item = package_items[position]
        predecessors: list[str] = []
        for predecessor in package_item.after:
            p = index_of[predecessor]
            if included[p]:
                if predecessor not in predecessors:
                    predecessors.append(predecessor)
            else:
                for inherited in effective_after[p]:
                    if inherited not in predecessors:
                        predecessors.append(inherited)
        effective_after[position] = tuple(predecessors)
        if included[position]:
            begin = max((finish[p] for p in predecessors), default=0)
            start[package_item.item] = begin
            finish[package_item.item] = begin + items[package_item.item].promised_days

    guide_items: list[GuideItem] = []
    materials: dict[str, list[Any]] = {}  # id -> [copies, required, for_items]
    fields: dict[str, list[str]] = {}
    materials_separate = fields_separate = days_serial = trips_separate = 0
    departments: set[str] = set()
    for position, package_item in enumerate(package_items):
        if not included[position]:
            continue
        item = items[package_item.item]
        guide_items.append(
            GuideItem(item, effective_after[position], start[item.id], finish[item.id])
        )
        departments.add(item.department)
        days_serial += item.promised_days
        trips_separate += item.trips
        for item_material in item.materials:
            if item_material.when and not applies(item_material.when, answers):
                continue
            materials_separate += 1
            merged = materials.get(item_material.material)
            if merged is None:
                materials[item_material.material] = [
                    item_material.copies,
                    item_material.required,
                    [item.id],
                ]
            else:
                merged[0] = max(merged[0], item_material.copies)
                merged[1] = merged[1] or item_material.required
                merged[2].append(item.id)
        fields_separate += len(item.fields)
        for field_id in item.fields:
            fields.setdefault(field_id, []).append(item.id)

    library = catalog.materials
    dictionary = catalog.fields
    produced_by = _producers(guide_items)
    guide_materials = tuple(
        GuideMaterial(
            id=material_id,
            name=library[material_id].name,
            copies=copies,
            required=required,
            for_items=tuple(for_items),
            evidence=library[material_id].evidence,
            note=library[material_id].note,
            commitment=library[material_id].commitment,
            generated=library[material_id].generated,
            produced_by=produced_by(library[material_id].evidence, for_items),
        )
        for material_id, (copies, required, for_items) in materials.items()
    )
    guide_fields = tuple(
        GuideField(
            id=field_id,
            label=dictionary[field_id].label,
            type=dictionary[field_id].type,
            required=dictionary[field_id].required,
            for_items=tuple(for_items),
            choices=dictionary[field_id].choices,
            min=dictionary[field_id].min,
            max=dictionary[field_id].max,
            max_length=dictionary[field_id].max_length,
        )
        for field_id, for_items in fields.items()
    )
    stats = GuideStats(
        items=len(guide_items),
        departments=len(departments),
        materials_separate=materials_separate,
        materials_merged=len(guide_materials),
        fields_separate=fields_separate,
        fields_merged=len(guide_fields),
        days_serial=days_serial,
        days_parallel=max(finish.values(), default=0),
        trips_separate=trips_separate,
        trips_package=package.trips,
    )
    department_names = {d: catalog.departments[d].name for d in departments}
    return Guide(
        package=package,
        answers={} if every_case else dict(answers),
        items=tuple(guide_items),
        materials=guide_materials,
        fields=guide_fields,
        stats=stats,
        department_names=department_names,
        every_case=every_case,
    )


def _always(condition: object, answers: object) -> bool:
    return True


def _producers(guide_items: list[GuideItem]):
    """A function: (licence type, items asking for it) -> the included item that issues
    that certificate before every one of those items runs, or None."""
    after = {gi.id: gi.after for gi in guide_items}
    earlier: dict[str, set[str]] = {}  # item -> every item it waits for, transitively

    def waits_for(item_id: str) -> set[str]:  # the graph is acyclic (the loader checks)
        if item_id not in earlier:
            found = set(after.get(item_id, ()))
            for predecessor in after.get(item_id, ()):
                found |= waits_for(predecessor)
            earlier[item_id] = found
        return earlier[item_id]

    for item_id in after:
        waits_for(item_id)
    issuers = {gi.item.issues: gi.id for gi in guide_items if gi.item.issues}

    def produced_by(licence_type: str | None, for_items: list[str]) -> str | None:
        issuer = issuers.get(licence_type) if licence_type else None
        if issuer is None or not all(issuer in earlier.get(i, ()) for i in for_items):
            return None
        return issuer

    return produced_by
