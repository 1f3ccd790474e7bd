"""Pydantic's errors as the catalogue's problems: each a path in the file and a message.

The one place where a location (``('items', 5, 'materials', 2, 'copies')``) becomes a
path (``items[drug_retail_licence].materials[2].copies``) and an error's type — the
kinds of `values`, or pydantic's own `missing`, `model_type`, `tuple_type` — becomes
the message an editor reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pydantic_core import ErrorDetails

from onething.catalog.divisions import as_code_text, code_fault
from onething.catalog.problems import DOCUMENT, EntryPaths, Problem, describe, shown
from onething.catalog.schema import CatalogDocument, entry_model

_BOOLEAN_HINT = " (quote it: YAML reads yes/no/on/off as true/false)"


def shape_problems(errors: Iterable[ErrorDetails], paths: EntryPaths) -> list[Problem]:
    return [Problem(_path(error, paths), _message(error)) for error in errors]


def _path(error: ErrorDetails, paths: EntryPaths) -> str:
    loc = list(error["loc"])
    if error["type"] == "question_id":  # a key of a condition: (..., 'when', key, '[key]')
        loc = loc[:-2]
    elif error["type"] == "answer" and loc and isinstance(loc[-1], int):
        loc = loc[:-1]  # one of a question's values: the question names the place
    if not loc:
        return DOCUMENT
    head, rest = str(loc[0]), loc[1:]
    if rest and isinstance(rest[0], int) and head in paths.by_section:
        head, rest = paths.of(head, rest[0]), rest[1:]
    return head + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in rest)


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    value = error["input"]
    context = error.get("ctx") or {}
    if kind == "missing":
        return _missing(error["loc"])
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if not error["loc"]:
            return f"the catalogue must be a mapping of sections, not {describe(value)}"
        return f"must be a mapping, not {describe(value)}"
    wording = _WORDS.get(kind)
    if wording is None:
        return error["msg"]
    return wording(value, context)


def _missing(loc: tuple[int | str, ...]) -> str:
    """`missing`, with what the key is for where the schema says (`Field(description=…)`)."""
    model: Any = CatalogDocument
    description = None
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if model is not None else None
        if field is None:
            return "missing"
        description = field.description
        model = entry_model(field.annotation)
    return f"missing ({description})" if description else "missing"


def _whole_number(value: Any, context: dict) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"must be at least {context['minimum']}, not {value}"
    return f"must be a whole number, not {describe(value)}"


def _number(value: Any, context: dict) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool) and value == value:
        return f"must not be negative, not {value}"
    return f"must be a number, not {describe(value)}"


def _division_code(value: Any, context: dict) -> str:
    fault = code_fault(value)
    value = as_code_text(value)
    if fault == "shape":
        return f"'{value}' is not a GB/T 2260 code (6, 9 or 12 digits)"
    if fault == "province":
        return f"'{value}' does not start with a province code (GB/T 2260)"
    return f"must be a GB/T 2260 code, not {describe(value)}"


def _identifier(value: Any, context: dict) -> str:
    if isinstance(value, str):
        return f"'{value}' is not a valid id (use a-z, 0-9 and _)"
    return f"must be an id (a-z, 0-9 and _), not {describe(value)}"


def _choice(value: Any, context: dict) -> str:
    return f"must be text, not {describe(value)}" + (
        _BOOLEAN_HINT if isinstance(value, bool) else ""
    )


_WORDS: dict[str, Callable[[Any, dict], str]] = {
    "identifier": _identifier,
    "question_id": lambda value, _: f"{shown(value)} is not a question id",
    "text": lambda value, _: f"must be non-empty text, not {describe(value)}",
    "listed_text": lambda value, _: f"must be text, not {describe(value)}",
    "boolean": lambda value, _: f"must be true or false, not {describe(value)}",
    "whole_number": _whole_number,
    "number": _number,
    "one_of": lambda value, context: f"{shown(value)} is not one of {context['allowed']}",
    "division_code": _division_code,
    "item_code": lambda value, _: (
        f"{shown(as_code_text(value))} is not an item code (letters, digits)"
    ),
    "licence_code": lambda value, _: f"must be 1-20 capital letters or digits, not {shown(value)}",
    "choice": _choice,
    "answer": lambda value, _: f"must be true/false or a choice, not {describe(value)}",
    "no_values": lambda value, _: "an empty list of values can never hold",
    "condition": lambda value, _: (
        f"must be a mapping of question ids to values, not {describe(value)}"
    ),
    "id_list": lambda value, _: f"must be a list of ids, not {describe(value)}",
    "text_list": lambda value, _: f"must be a list, not {describe(value)}",
    "tuple_type": lambda value, _: f"must be a list, not {describe(value)}",
    "list_type": lambda value, _: f"must be a list, not {describe(value)}",
    "no_levels": lambda value, _: "must name at least one level",
    "version": lambda value, _: f"unsupported version {value!r}; this program reads version 1",
}
