"""Checks across entries, which no schema of one entry can say.

Duplicate ids in a top-level list; references to unknown departments, materials,
fields, items, questions, expert reviews and parent jurisdictions; GB/T 2260 codes
that do not fit their level or lie outside their parent; `after` naming an item outside
the package; conditions (`when`) naming unknown questions or impossible answers; and
dependency cycles (spec §3).

Only the first entry of each id takes part (a later one is reported as a duplicate);
entries may be salvaged ones (see `schema`), whose wrong values are None.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from onething.catalog.dependencies import dependency_order
from onething.catalog.divisions import LEVEL_RANK, level_shape_problem, significant_prefix
from onething.catalog.problems import EntryPaths, Findings, shown
from onething.catalog.schema import (
    SECTIONS,
    CatalogDocument,
    JurisdictionEntry,
    QuestionEntry,
    first_of_each,
)

Registry = dict[str, tuple[Any, str]]  # id -> (the first entry with that id, its path)


def check_references(
    document: CatalogDocument, paths: EntryPaths, found: Findings
) -> dict[str, tuple[int, ...]]:
    """Report what lies between entries; return each package's dependency order."""
    registries = {section: _registry(document, section, paths, found) for section in SECTIONS}
    _check_jurisdictions(registries["jurisdictions"], found)
    _check_items(registries, found)
    _check_materials_used(registries, found)
    for licence_type, path in registries["licence_types"].values():
        _check_known(licence_type.fields, f"{path}.fields", registries["fields"], "field", found)
    _check_expert_reviews(registries, found)
    return _check_packages(registries, found)


def _registry(
    document: CatalogDocument, section: str, paths: EntryPaths, found: Findings
) -> Registry:
    id_key = SECTIONS[section]
    registry: Registry = {}
    for index, entry in document.entries(section):
        ident = getattr(entry, id_key)
        if ident is None:
            continue
        if ident in registry:
            first = paths.first_index[section][ident]
            found.problem(
                f"{paths.of(section, index)}.{id_key}",
                f"duplicate {id_key} '{ident}' (first at {section}[{first}])",
            )
        else:
            registry[ident] = (entry, paths.of(section, index))
    return registry


def _check_known(
    ids: Sequence[Any] | None, path: str, registry: Registry, what: str, found: Findings
) -> None:
    for index, ident in first_of_each(ids):
        if ident not in registry:
            found.problem(f"{path}[{index}]", f"unknown {what} '{ident}'")


def _check_jurisdictions(jurisdictions: Registry, found: Findings) -> None:
    for code, (jurisdiction, path) in jurisdictions.items():
        level = jurisdiction.level
        shape = level_shape_problem(code, level) if level else None
        if shape:
            found.problem(f"{path}.code", shape)
        parent_code = jurisdiction.parent
        if parent_code is None:
            if level and level != "province" and not jurisdiction.is_set("parent"):
                found.warning(f"{path}.parent", f"a {level} without a parent")
        elif parent_code not in jurisdictions:
            found.problem(f"{path}.parent", f"unknown jurisdiction '{parent_code}'")
        else:
            _check_parent(jurisdiction, jurisdictions[parent_code][0], path, found)


def _check_parent(
    child: JurisdictionEntry, parent: JurisdictionEntry, path: str, found: Findings
) -> None:
    if parent.code == child.code:
        found.problem(f"{path}.parent", "a jurisdiction cannot be its own parent")
    elif parent.level and child.level and LEVEL_RANK[parent.level] >= LEVEL_RANK[child.level]:
        found.problem(
            f"{path}.parent",
            f"'{parent.code}' is a {parent.level}; "
            f"a {child.level}'s parent must be of a higher level",
        )
    elif parent.level and not child.code.startswith(significant_prefix(parent.code, parent.level)):
        found.problem(
            f"{path}.parent",
            f"'{child.code}' does not lie within '{parent.code}' (GB/T 2260 codes nest)",
        )


def _check_items(registries: dict[str, Registry], found: Findings) -> None:
    for item, path in registries["items"].values():
        if item.department is not None and item.department not in registries["departments"]:
            found.problem(f"{path}.department", f"unknown department '{item.department}'")
        for index, material in item.asked_materials():
            if material.material not in registries["materials"]:
                found.problem(
                    f"{path}.materials[{index}].material",
                    f"unknown material '{material.material}'",
                )
        _check_known(item.fields, f"{path}.fields", registries["fields"], "field", found)
        review = item.expert_review
        if review is not None and review not in registries["expert_reviews"]:
            found.problem(f"{path}.expert_review", f"unknown expert review '{review}'")
        if item.partner_place is not None and item.partner_place in registries["jurisdictions"]:
            found.problem(
                f"{path}.partner_place",
                f"'{item.partner_place}' is one of this catalogue's jurisdictions: "
                "a partner region's place lies outside it (多地联办)",
            )


def _check_materials_used(registries: dict[str, Registry], found: Findings) -> None:
    """A material of the library that no item asks for is a warning (事项编制 keeps the
    library tidy: it is likely a leftover of an item that no longer asks for it)."""
    asked = {
        material.material
        for item, _ in registries["items"].values()
        for material in item.materials or ()
        if material is not None
    }
    for material_id, (_, path) in registries["materials"].items():
        if material_id not in asked:
            found.warning(path, "no item asks for this material")


def _check_expert_reviews(registries: dict[str, Registry], found: Findings) -> None:
    """An expert review names a known department; one that no item waits on is a warning."""
    awaited = {item.expert_review for item, _ in registries["items"].values()}
    for review_id, (review, path) in registries["expert_reviews"].items():
        if review.department is not None and review.department not in registries["departments"]:
            found.problem(f"{path}.department", f"unknown department '{review.department}'")
        if review_id not in awaited:
            found.warning(path, "no item waits on this expert review")


def _check_packages(registries: dict[str, Registry], found: Findings) -> dict[str, tuple[int, ...]]:
    items = registries["items"]
    orders: dict[str, tuple[int, ...]] = {}
    including: dict[str, list[str]] = {}  # item id -> the packages that include it
    for package_id, (package, path) in registries["packages"].items():
        members = package.members()
        member_ids = {entry.item for _, entry in members}
        questions = package.asked_questions()
        for index, entry in members:
            entry_path = f"{path}.items[{index}]"
            if entry.item in items:
                including.setdefault(entry.item, []).append(package_id)
            else:
                found.problem(f"{entry_path}.item", f"unknown item '{entry.item}'")
            for after_index, predecessor in first_of_each(entry.after):
                if predecessor not in member_ids:
                    found.problem(
                        f"{entry_path}.after[{after_index}]",
                        f"item '{predecessor}' is not in this package"
                        if predecessor in items
                        else f"unknown item '{predecessor}'",
                    )
        for index, entry in members:
            for question_id, values in (entry.when or {}).items():
                where = f"{path}.items[{index}].when.{question_id}"
                if question_id not in questions:
                    found.problem(where, f"unknown question '{question_id}'")
                else:
                    _check_answers(questions[question_id], values, where, None, found)
        _check_per_project_fields(package, path, items, member_ids, found)
        graph = [(entry.item, [a for _, a in first_of_each(entry.after)]) for _, entry in members]
        order, cycles = dependency_order(graph)
        for cycle in cycles:
            found.problem(path, f"dependency cycle {' -> '.join(cycle)}")
        orders[package_id] = order
    _check_material_conditions(registries, including, found)
    return orders


def _check_per_project_fields(package, path: str, items, member_ids, found: Findings) -> None:
    """打包办: a field each project fills in itself is one the package's items ask for."""
    asked = {f for i in member_ids if i in items for f in (items[i][0].fields or ())}
    for index, field_id in first_of_each(package.per_project_fields):
        if field_id not in asked:
            found.problem(
                f"{path}.per_project_fields[{index}]",
                f"field '{field_id}' is not asked by any item of this package",
            )


def _check_material_conditions(
    registries: dict[str, Registry], including: Mapping[str, list[str]], found: Findings
) -> None:
    """A material's `when` names questions of the packages that include its item."""
    asked = {key: package.asked_questions() for key, (package, _) in registries["packages"].items()}
    all_questions = {question_id for questions in asked.values() for question_id in questions}
    for item_id, (item, path) in registries["items"].items():
        users = including.get(item_id, [])
        for index, material in item.asked_materials():
            for question_id, values in (material.when or {}).items():
                where = f"{path}.materials[{index}].when.{question_id}"
                asking = [package for package in users if question_id in asked[package]]
                if not asking and (users or question_id not in all_questions):
                    scope = "any package that includes this item" if users else "any package"
                    found.problem(where, f"unknown question '{question_id}' in {scope}")
                    continue
                for package in asking:
                    question = asked[package][question_id]
                    _check_answers(question, values, where, package, found)
                for package in users:
                    if package not in asking:
                        found.warning(
                            where,
                            f"package '{package}' does not ask '{question_id}': "
                            "this material is never asked for there",
                        )


def _check_answers(
    question: QuestionEntry,
    values: Iterable[Any],
    path: str,
    package_id: str | None,
    found: Findings,
) -> None:
    where = f" of package '{package_id}'" if package_id else ""
    choices = [choice for _, choice in first_of_each(question.choices)]
    for value in values:
        if value is None:
            continue
        if question.type == "boolean" and not isinstance(value, bool):
            found.problem(
                path,
                f"'{question.id}'{where} is answered true or false, "
                f"so {shown(value)} is impossible",
            )
        elif question.type == "choice" and value not in choices:
            found.problem(
                path,
                f"impossible choice {shown(value)}: '{question.id}'{where} offers "
                + ", ".join(choices),
            )
