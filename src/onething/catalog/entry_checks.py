"""Rules within one entry that the schema cannot say, and unknown keys.

A promise item needs its time limits, promised_days may not exceed legal_days and
an instant item promises none nor waits on an expert review; a bundle package (打包办)
names its project type; a choice field or question needs its choices; an
id, a choice, a material, a question or an item is listed once. Unknown keys and
values that are ignored (choices of a boolean question, `min` of a text field)
are warnings.

The entries may be salvaged ones (see `schema`): a value that is wrong is None and
was reported already, so no rule here reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from onething.catalog.problems import EntryPaths, Findings
from onething.catalog.schema import (
    SECTIONS,
    CatalogDocument,
    Entry,
    FieldEntry,
    ItemEntry,
    LicenceTypeEntry,
    PackageEntry,
    QuestionEntry,
    first_by,
    first_of_each,
)


def check_entries(document: CatalogDocument, paths: EntryPaths, found: Findings) -> None:
    for key in document.model_extra or ():
        found.warning(key, "unknown key (ignored)")
    for section in SECTIONS:
        for index, entry in document.entries(section):
            check_entry(entry, paths.of(section, index), found)


def check_entry(entry: Entry, path: str, found: Findings) -> None:
    """The rules within one entry of a top-level list, at its path (they read nothing
    else, so an entry that did not change keeps its findings: catalog.rechecking)."""
    _warn_unknown_keys(entry, path, found)
    if isinstance(entry, FieldEntry):
        _check_field(entry, path, found)
    elif isinstance(entry, ItemEntry):
        _check_item(entry, path, found)
    elif isinstance(entry, PackageEntry):
        _check_package(entry, path, found)
    elif isinstance(entry, LicenceTypeEntry):
        _listed_once(entry.fields, f"{path}.fields", found)


def _warn_unknown_keys(entry: Entry, path: str, found: Findings) -> None:
    for key in entry.model_extra or ():
        found.warning(f"{path}.{key}", "unknown key (ignored)")
    for name in entry.nested:
        for index, nested in enumerate(getattr(entry, name) or ()):
            if nested is not None and (nested.model_extra or nested.nested):
                _warn_unknown_keys(nested, f"{path}.{name}[{index}]", found)


def _listed_once(values: Sequence[Any] | None, path: str, found: Findings) -> list[Any]:
    """The values of a list, each once; a value listed again is a problem."""
    first = first_of_each(values)
    if len(first) == len(values or ()):
        return [value for _, value in first]
    firsts = {index for index, _ in first}
    for index, value in enumerate(values or ()):
        if value is not None and index not in firsts:
            found.problem(f"{path}[{index}]", f"'{value}' is listed twice")
    return [value for _, value in first]


def _check_field(field: FieldEntry, path: str, found: Findings) -> None:
    choices = _listed_once(field.choices, f"{path}.choices", found)
    if field.type == "choice":
        if not field.is_set("choices"):
            found.problem(f"{path}.choices", "missing: a choice field needs its choices")
        elif field.choices is not None and len(field.choices) == 0:
            found.problem(f"{path}.choices", "a choice field needs at least one choice")
    elif field.type is not None and choices:
        found.warning(f"{path}.choices", f"ignored: the field's type is {field.type}, not choice")
    for key in ("min", "max"):
        if field.is_set(key) and field.type not in ("integer", "number", None):
            found.warning(
                f"{path}.{key}", f"ignored: the field's type is {field.type}, not a number"
            )


def _check_question(question: QuestionEntry, path: str, found: Findings) -> None:
    choices = _listed_once(question.choices, f"{path}.choices", found)
    if question.type == "choice":
        if not question.is_set("choices"):
            found.problem(f"{path}.choices", "missing: a choice question needs its choices")
        elif len(choices) < 2:
            found.problem(f"{path}.choices", "a choice question needs at least two choices")
    elif question.type == "boolean" and choices:
        found.warning(f"{path}.choices", "ignored: a boolean question is answered true or false")


def _check_item(item: ItemEntry, path: str, found: Findings) -> None:
    instant = item.kind == "instant"
    for key in ("legal_days", "promised_days"):
        if not instant and not item.is_set(key):
            found.problem(f"{path}.{key}", "missing")
    legal = item.legal_days if item.is_set("legal_days") else 0 if instant else None
    promised = item.promised_days
    if instant and promised:
        found.problem(
            f"{path}.promised_days",
            "an instant item (即办件) is done on the spot: "
            f"promised_days must be 0, not {promised}",
        )
    if legal is not None and promised is not None and promised > legal:
        found.problem(
            f"{path}.promised_days",
            f"{promised} is above legal_days {legal}: "
            "the promised time limit may not exceed the legal one",
        )
    if instant and item.expert_review is not None:
        found.problem(
            f"{path}.expert_review",
            "an instant item (即办件) is done on the spot: it cannot wait on an expert review",
        )
    _check_partner_item(item, path, found)
    _listed_once(item.levels, f"{path}.levels", found)
    _listed_once(item.fields, f"{path}.fields", found)
    asked = item.asked_materials()
    if len(asked) == len(item.materials or ()):
        return
    first_at = {m.material: index for index, m in asked}
    for index, material in enumerate(item.materials or ()):
        if material is not None and first_at.get(material.material, index) != index:
            found.problem(
                f"{path}.materials[{index}].material",
                f"'{material.material}' is already asked for at "
                f"materials[{first_at[material.material]}]",
            )


def _check_partner_item(item: ItemEntry, path: str, found: Findings) -> None:
    """多地联办: an item a partner region implements is decided and certified there —
    not by our platform (秒批), not by our expert review, not with our certificate."""
    if item.partner_place is None:
        if item.partner_package is not None:
            found.problem(f"{path}.partner_package", "needs partner_place (the partner's place)")
        return
    for key, why in (
        ("issues", "the partner issues its certificate"),
        ("instant", "the partner decides it"),
        ("expert_review", "the partner decides it"),
    ):
        if getattr(item, key) is not None:
            found.problem(f"{path}.{key}", f"an item implemented by a partner region: {why}")
    if item.kind == "instant":
        found.problem(f"{path}.kind", "an item implemented by a partner region is not 即办 here")


def _check_package(package: PackageEntry, path: str, found: Findings) -> None:
    first_question = {q.id: index for index, q in first_by(package.questions, "id")}
    for index, question in enumerate(package.questions or ()):
        if question is None:
            continue
        _check_question(question, f"{path}.questions[{index}]", found)
        if first_question.get(question.id, index) != index:
            found.problem(
                f"{path}.questions[{index}].id",
                f"duplicate id '{question.id}' (first at questions[{first_question[question.id]}])",
            )
    if package.bundle and package.project_type is None and not package.is_set("project_type"):
        found.problem(
            f"{path}.bundle",
            "a bundle (打包办) files several projects of one type: "
            "the package needs its project_type",
        )
    if package.is_set("items") and package.items is not None and len(package.items) == 0:
        found.warning(f"{path}.items", "the package has no items")
    first_item = {entry.item: index for index, entry in package.members()}
    for index, entry in enumerate(package.items or ()):
        if entry is None:
            continue
        _listed_once(entry.after, f"{path}.items[{index}].after", found)
        if first_item.get(entry.item, index) != index:
            found.problem(
                f"{path}.items[{index}].item",
                f"'{entry.item}' is already in this package at items[{first_item[entry.item]}]",
            )
