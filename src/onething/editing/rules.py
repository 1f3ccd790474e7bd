"""事项编制's pure rules: the differences between two catalogues told in words, a problem
found by the checks put at the form field it concerns (in Chinese), and the short text
forms a form uses for lists and conditions. No Django here."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SECTIONS = ("items", "materials", "fields", "packages")  # what the editor changes
SECTION_LABELS = {"items": "事项", "materials": "材料", "fields": "数据项", "packages": "一件事"}

# What each key of an entry is called, and its unit.
KEY_LABELS: dict[str, tuple[str, str]] = {
    "name": ("名称", ""),
    "label": ("名称", ""),
    "code": ("事项编码", ""),
    "department": ("实施部门", ""),
    "levels": ("实施层级", ""),
    "kind": ("办件类型", ""),
    "legal_days": ("法定时限", " 个工作日"),
    "promised_days": ("承诺时限", " 个工作日"),
    "trips": ("到现场次数", " 次"),
    "fee": ("收费", " 元"),
    "basis": ("办理依据", ""),
    "conditions": ("受理条件", ""),
    "online": ("全程网办", ""),
    "issues": ("出具证照", ""),
    "fields": ("数据项", ""),
    "materials": ("申请材料", ""),
    "description": ("说明", ""),
    "evidence": ("可替代的电子证照", ""),
    "note": ("备注", ""),
    "commitment": ("告知承诺", ""),
    "generated": ("平台生成", ""),
    "type": ("类型", ""),
    "choices": ("选项", ""),
    "required": ("必填", ""),
    "help": ("填写说明", ""),
    "group": ("分组", ""),
    "min": ("最小值", ""),
    "max": ("最大值", ""),
    "max_length": ("最多字数", ""),
    "audience": ("服务对象", ""),
    "keywords": ("关键词", ""),
    "questions": ("情形问题", ""),
    "items": ("包含事项", ""),
}
LEVEL_LABELS = {
    "province": "省级",
    "city": "市级",
    "county": "县级",
    "township": "乡镇",
    "village": "村",
}
KIND_LABELS = {"instant": "即办件", "promise": "承诺件"}
AUDIENCE_LABELS = {"enterprise": "企业", "citizen": "个人", None: "不限"}


@dataclass(frozen=True, slots=True)
class Difference:
    """One object's change told in words: “事项 药品零售许可：承诺时限 15 → 10 个工作日”."""

    section: str
    key: str
    text: str


def _shown(value: Any) -> str:
    if value is None or value == "" or value == [] or value == ():
        return "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return "、".join(_shown(v) for v in value)
    if isinstance(value, Mapping):
        return format_condition(value)
    return str(value)


def _named(section: str, entry: Mapping[str, Any] | None, key: str) -> str:
    name = (entry or {}).get("label" if section == "fields" else "name") or key
    return f"{SECTION_LABELS[section]} {name}"


def differences(
    old: Mapping[str, Any], new: Mapping[str, Any], names: Mapping[str, str] | None = None
) -> list[Difference]:
    """Each object added, removed or changed between two documents, in words, in the
    order of the sections and of the new document. `names` tells ids as names."""
    told: list[Difference] = []
    for section in SECTIONS:
        before = {str(e.get("id")): e for e in old.get(section) or () if isinstance(e, Mapping)}
        after = {str(e.get("id")): e for e in new.get(section) or () if isinstance(e, Mapping)}
        for key, entry in after.items():
            if key not in before:
                told.append(Difference(section, key, f"新增{_named(section, entry, key)}"))
            elif entry != before[key]:
                changes = _changes(before[key], entry, names or {})
                text = f"{_named(section, entry, key)}：{'；'.join(changes)}"
                told.append(Difference(section, key, text))
        for key, entry in before.items():
            if key not in after:
                told.append(Difference(section, key, f"删除{_named(section, entry, key)}"))
    return told


def _changes(old: Mapping[str, Any], new: Mapping[str, Any], names: Mapping[str, str]) -> list[str]:
    said = []
    for key in [*new, *(k for k in old if k not in new)]:
        if old.get(key) == new.get(key):
            continue
        label, unit = KEY_LABELS.get(key, (key, ""))
        if key in ("materials", "items", "fields", "questions"):
            said.append(_list_change(label, key, old.get(key) or [], new.get(key) or [], names))
        else:
            was, now = _value_words(key, old.get(key)), _value_words(key, new.get(key))
            said.append(f"{label} {was} → {now}{unit}")
    return said


def _value_words(key: str, value: Any) -> str:
    if key == "levels" and isinstance(value, list | tuple):
        return "、".join(LEVEL_LABELS.get(v, str(v)) for v in value)
    if key == "kind":
        return KIND_LABELS.get(value, _shown(value))
    if key == "audience":
        return AUDIENCE_LABELS.get(value, _shown(value))
    return _shown(value)


def _member(key: str, value: Any) -> tuple[str, Any]:
    """A list element's id and the element (a bare id is the element too)."""
    if isinstance(value, Mapping):
        ident = value.get({"materials": "material", "items": "item"}.get(key, "id"))
        return str(ident), value
    return str(value), value


def _list_change(label: str, key: str, old: Sequence, new: Sequence, names: Mapping) -> str:
    before = dict(_member(key, v) for v in old)
    after = dict(_member(key, v) for v in new)
    parts = []
    added = [names.get(i, i) for i in after if i not in before]
    removed = [names.get(i, i) for i in before if i not in after]
    changed = [names.get(i, i) for i in after if i in before and before[i] != after[i]]
    if added:
        parts.append(f"新增{label} {'、'.join(added)}")
    if removed:
        parts.append(f"删除{label} {'、'.join(removed)}")
    if changed:
        parts.append(f"修改{label} {'、'.join(changed)}")
    if not parts:
        parts.append(f"调整{label}的顺序")
    return "；".join(parts)


# --------------------------------------------------------------------------- text forms


def format_condition(when: Mapping[str, Any] | None) -> str:
    """A condition as a form shows it: ``sells_food=true; scale=大|中``."""
    parts = []
    for question, value in (when or {}).items():
        values = value if isinstance(value, list | tuple) else [value]
        shown = "|".join(str(v).lower() if isinstance(v, bool) else str(v) for v in values)
        parts.append(f"{question}={shown}")
    return "; ".join(parts)


def parse_condition(text: str) -> dict[str, Any] | str:
    """A condition from its text form, or the Chinese reason it is not one."""
    when: dict[str, Any] = {}
    for part in re.split(r"[;；\n]+", text.strip()):  # choices may hold commas
        if not part.strip():
            continue
        question, sep, value = part.partition("=")
        if not sep or not question.strip() or not value.strip():
            return f"条件“{part.strip()}”应写成 问题=取值（多个取值用 | 分隔）"
        values: list[Any] = [_answer(v.strip()) for v in value.split("|") if v.strip()]
        when[question.strip()] = values[0] if len(values) == 1 else values
    return when


def _answer(text: str) -> Any:
    lowered = text.lower()
    if lowered in ("true", "是"):
        return True
    if lowered in ("false", "否"):
        return False
    return text


def split_list(text: str) -> list[str]:
    """Ids or words from a form's text: separated by commas, 、, spaces or lines."""
    return [part for part in re.split(r"[,，、;；\s]+", text.strip()) if part]


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# --------------------------------------------------------------------------- problems


def entry_path(section: str, key: str) -> str:
    return f"{section}[{key}]"


def problems_by_field(
    messages: Sequence[tuple[str, str]], section: str, key: str, fields: Sequence[str]
) -> dict[str, list[str]]:
    """The problems (path, message) of one entry by the form field they concern: the
    longest field name the path starts with; "" for the entry as a whole. A problem of
    another entry is not this entry's."""
    head = entry_path(section, key)
    found: dict[str, list[str]] = {}
    ordered = sorted(fields, key=len, reverse=True)
    for path, message in messages:
        if path != head and not path.startswith(head + "."):
            continue
        rest = path[len(head) + 1 :]
        if (
            not rest
            and message.startswith(("dependency cycle", "前置事项形成循环"))
            and "items" in fields
        ):
            rest = "items"  # a package's cycle is its items' predecessors
        place = next((f for f in ordered if rest == f or rest.startswith((f + ".", f + "["))), "")
        found.setdefault(place, []).append(in_chinese(message))
    return found


_WORDS: list[tuple[str, str]] = [
    (r"(\d+) is above legal_days (\d+): .*", r"承诺时限 \1 个工作日超过了法定时限 \2 个工作日"),
    (
        r"an instant item .*promised_days must be 0, not (.+)",
        r"即办件当场办结，承诺时限应为 0（现为 \1）",
    ),
    (r"unknown material '(.+)'", r"材料库中没有材料“\1”"),
    (r"unknown field '(.+)'", r"数据字典中没有数据项“\1”"),
    (r"unknown item '(.+)'", r"没有事项“\1”"),
    (r"unknown department '(.+)'", r"没有部门“\1”"),
    (r"unknown question '([^']+)'.*", r"没有情形问题“\1”"),
    (r"item '(.+)' is not in this package", r"事项“\1”不在本一件事中"),
    (r"'(.+)' is already in this package.*", r"事项“\1”已在本一件事中"),
    (r"'(.+)' is already asked for at .*", r"材料“\1”已列出"),
    (r"impossible choice (.+?):.*", r"取值 \1 不是该问题的选项"),
    (r"unknown licence type '(.+)'", r"没有电子证照类型“\1”"),
    (r"dependency cycle (.+)", r"前置事项形成循环：\1"),
    (r"'(.+)' is listed twice", r"“\1”重复列出"),
    (r"no item asks for this material", "没有事项使用这份材料"),
    (r"duplicate id '(.+)'.*", r"编号“\1”已被使用"),
    (r"must be at least (\d+), not (.+)", r"不能小于 \1（现为 \2）"),
    (r"must be a whole number, not (.+)", r"应为整数（现为 \1）"),
    (r"must not be negative.*", "不能为负数"),
    (r"must be a number, not (.+)", r"应为数字（现为 \1）"),
    (r"must be non-empty text.*", "不能为空"),
    (r"'(.*)' is not a valid id.*", r"“\1”不是有效编号（只能用小写字母、数字和下划线）"),
    (r"must be an id.*", "应为编号（小写字母、数字和下划线）"),
    (r"must name at least one level", "至少选择一个实施层级"),
    (r"a choice (field|question) needs .*|missing: a choice .*", "选择题须列出选项"),
    (r"missing.*", "必须填写"),
    (r"the package has no items", "一件事还没有事项"),
    (r"(.+) is not one of (.+)", r"\1 不是可选的取值（可选：\2）"),
    (r"unknown key \(ignored\)", "未知的键（已忽略）"),
    (
        r"'([^']+)'.* is answered true or false, so (.+) is impossible",
        r"“\1”是是否题，\2 不可能成立",
    ),
    (
        r"package '(.+)' does not ask '(.+)': .*",
        r"一件事“\1”没有问题“\2”：这份材料在那里永远不会被要求",
    ),
    (r"field '(.+)' is not asked by any item of this package", r"本一件事没有事项使用数据项“\1”"),
    (r"must be true or false, not (.+)", r"应为是或否（现为 \1）"),
    (r"must be a list.*", "应为一个列表"),
    (r"must be text, not (.+)", r"应为文字（现为 \1）"),
    (r"must be a mapping.*", "格式不对"),
    (r"ignored: .*", "已忽略（与类型不符）"),
]


def in_chinese(message: str) -> str:
    """A checker's message in Chinese where it is one of the usual ones (else as it is)."""
    for pattern, words in _WORDS:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, words, message)
    return message
