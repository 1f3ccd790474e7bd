"""The editor's forms: a posted form made into a catalogue entry, and an entry into the
rows a form shows. Input names are the entry's keys as the checks name places
(`promised_days`, `materials[2].material`), so a problem lands at its input.

Values are taken as typed: a number that is not one is kept as text, a required value
left empty is left out, and the checks say what is wrong (as `catalog check` would of a
file). Keys a form does not show (extensions, 秒批 rules) are kept as they were.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from onething.editing.rules import format_condition, parse_condition, split_lines, split_list

BLANK_ROWS = 2  # empty rows under a list, to add to it


def _number(text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d*", text):
        return float(text)
    return text  # the checks say it is not a number


def _set(data: dict, key: str, value: Any) -> None:
    if value is None or value == "" or value == []:
        data.pop(key, None)
    else:
        data[key] = value


def _flag(data: dict, old: Mapping[str, Any], key: str, value: bool, default: bool) -> None:
    """A check box: written when it differs from the default or the file wrote it."""
    if value == default and key not in old:
        data.pop(key, None)
    else:
        data[key] = value


def _rows(post: Mapping[str, Any], name: str) -> list[int]:
    """The row numbers posted for a list (`materials[3].material` → 3), in order."""
    found = set()
    for key in post:
        match = re.match(rf"{name}\[(\d+)\]", key)
        if match:
            found.add(int(match.group(1)))
    return sorted(found)


def _text(post: Mapping[str, Any], key: str) -> str:
    return str(post.get(key, "")).strip()


def item_from(post: Mapping[str, Any], old: Mapping[str, Any]) -> tuple[dict, dict[str, str]]:
    """The item of a posted form, and the problems of text that cannot be read."""
    data, bad = dict(old), {}
    for key in ("name", "code", "department", "kind", "issues", "description"):
        _set(data, key, _text(post, key))
    for key in ("legal_days", "promised_days", "trips", "fee"):
        _set(data, key, _number(_text(post, key)))
    levels = post.getlist("levels") if hasattr(post, "getlist") else post.get("levels", [])
    data["levels"] = list(levels)
    _flag(data, old, "online", bool(post.get("online")), False)
    _set(data, "basis", split_lines(_text(post, "basis")))
    _set(data, "conditions", split_lines(_text(post, "conditions")))
    data["fields"] = [_text(post, f"fields[{i}]") for i in _rows(post, "fields")]
    data["fields"] = [f for f in data["fields"] if f]
    materials = []
    for i in _rows(post, "materials"):
        material = _text(post, f"materials[{i}].material")
        if not material:
            continue
        row: dict[str, Any] = {"material": material}
        copies = _number(_text(post, f"materials[{i}].copies"))
        if copies not in (None, 1):
            row["copies"] = copies
        if not post.get(f"materials[{i}].required"):
            row["required"] = False
        when = parse_condition(_text(post, f"materials[{i}].when"))
        if isinstance(when, str):
            bad[f"materials[{len(materials)}].when"] = when
        elif when:
            row["when"] = when
        materials.append(row)
    data["materials"] = materials
    return data, bad


def package_from(post: Mapping[str, Any], old: Mapping[str, Any]) -> tuple[dict, dict[str, str]]:
    data, bad = dict(old), {}
    for key in ("name", "audience", "description"):
        _set(data, key, _text(post, key))
    _set(data, "trips", _number(_text(post, "trips")))
    _set(data, "keywords", split_list(_text(post, "keywords")))
    items = []
    for i in _rows(post, "items"):
        item = _text(post, f"items[{i}].item")
        if not item:
            continue
        row: dict[str, Any] = {"item": item}
        after = split_list(_text(post, f"items[{i}].after"))
        if after:
            row["after"] = after
        when = parse_condition(_text(post, f"items[{i}].when"))
        if isinstance(when, str):
            bad[f"items[{len(items)}].when"] = when
        elif when:
            row["when"] = when
        items.append(row)
    data["items"] = items
    questions = []
    for i in _rows(post, "questions"):
        ident = _text(post, f"questions[{i}].id")
        if not ident:
            continue
        question: dict[str, Any] = {"id": ident, "text": _text(post, f"questions[{i}].text")}
        question["type"] = _text(post, f"questions[{i}].type") or "boolean"
        choices = split_lines(_text(post, f"questions[{i}].choices"))
        if choices:
            question["choices"] = choices
        _set(question, "help", _text(post, f"questions[{i}].help"))
        questions.append(question)
    _set(data, "questions", questions)
    return data, bad


def material_from(post: Mapping[str, Any], old: Mapping[str, Any]) -> tuple[dict, dict[str, str]]:
    data = dict(old)
    for key in ("name", "evidence", "note"):
        _set(data, key, _text(post, key))
    for key in ("commitment", "generated"):
        _flag(data, old, key, bool(post.get(key)), False)
    return data, {}


def field_from(post: Mapping[str, Any], old: Mapping[str, Any]) -> tuple[dict, dict[str, str]]:
    data = dict(old)
    for key in ("label", "type", "help", "group"):
        _set(data, key, _text(post, key))
    for key in ("min", "max", "max_length"):
        _set(data, key, _number(_text(post, key)))
    _set(data, "choices", split_lines(_text(post, "choices")))
    _flag(data, old, "required", bool(post.get("required")), True)
    return data, {}


READERS = {
    "items": item_from,
    "packages": package_from,
    "materials": material_from,
    "fields": field_from,
}


# --------------------------------------------------------------------------- showing


def shown_rows(data: Mapping[str, Any], section: str) -> dict[str, Any]:
    """What a form shows of an entry: its lists as rows (and blank rows to add), its
    lists of text as lines, its conditions as text."""
    rows: dict[str, Any] = {}
    if section == "items":
        materials = [_material_row(m) for m in data.get("materials") or ()]
        blank = {"material": "", "copies": "", "required": True, "when": ""}
        rows["materials"] = materials + [dict(blank) for _ in range(BLANK_ROWS)]
        rows["fields"] = [*(data.get("fields") or ()), *([""] * BLANK_ROWS)]
        rows["basis"] = "\n".join(_listed(data.get("basis")))
        rows["conditions"] = "\n".join(_listed(data.get("conditions")))
        rows["levels"] = _listed(data.get("levels"))
    if section == "packages":
        members = [_member_row(m) for m in data.get("items") or ()]
        rows["items"] = members + [{"item": "", "after": "", "when": ""} for _ in range(BLANK_ROWS)]
        questions = [_question_row(q) for q in data.get("questions") or ()]
        blank_q = {"id": "", "text": "", "type": "boolean", "choices": "", "help": ""}
        rows["questions"] = questions + [dict(blank_q) for _ in range(BLANK_ROWS)]
        rows["keywords"] = "、".join(_listed(data.get("keywords")))
    if section == "fields":
        rows["choices"] = "\n".join(str(c) for c in _listed(data.get("choices")))
    return rows


def _listed(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _material_row(member: Any) -> dict[str, Any]:
    if not isinstance(member, Mapping):
        return {"material": member, "copies": 1, "required": True, "when": ""}
    return {
        "material": member.get("material", ""),
        "copies": member.get("copies", 1),
        "required": member.get("required", True) is not False,
        "when": format_condition(member.get("when")),
    }


def _member_row(member: Any) -> dict[str, Any]:
    if not isinstance(member, Mapping):
        return {"item": member, "after": "", "when": ""}
    return {
        "item": member.get("item", ""),
        "after": ", ".join(_listed(member.get("after"))),
        "when": format_condition(member.get("when")),
    }


def _question_row(question: Any) -> dict[str, Any]:
    question = question if isinstance(question, Mapping) else {}
    return {
        "id": question.get("id", ""),
        "text": question.get("text", ""),
        "type": question.get("type", "boolean"),
        "choices": "\n".join(str(c) for c in _listed(question.get("choices"))),
        "help": question.get("help", ""),
    }
