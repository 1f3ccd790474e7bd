"""How a guide is told to people: savings, labels and the plain-text guide (no framework)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from onething.catalog.entities import Answer, Item, Package
from onething.catalog.guide import Guide, GuideMaterial, GuideStats
from onething.catalog.instant import ONLINE_DEPTH_HINTS

KIND_LABELS = {"instant": "即办件", "promise": "承诺件"}
LEVEL_LABELS = {
    "province": "省级",
    "city": "市级",
    "county": "县级",
    "township": "乡镇级",
    "village": "村级",
}
FIELD_TYPE_LABELS = {
    "text": "文本",
    "integer": "整数",
    "number": "数字",
    "date": "日期",
    "boolean": "是/否",
    "choice": "选项",
    "id_card": "身份证号码",
    "uscc": "统一社会信用代码",
    "phone": "电话号码",
    "email": "电子邮箱",
    "address": "地址",
}
AUDIENCE_LABELS = {"enterprise": "企业", "citizen": "个人"}


DAYS = "个工作日"


@dataclass(frozen=True, slots=True)
class Saving:
    """One before/after figure: what applying item by item asks against the package.

    Only a figure that went down is shown as a saving (struck-through before → after);
    one that stayed the same is just its value, and no days at all is 即办 (当场办结),
    never "0 个工作日"."""

    label: str
    separate: int
    package: int
    unit: str
    short: str = ""  # the card's label (材料, 时限, 跑动)

    @property
    def reduced(self) -> int:
        return self.separate - self.package

    @property
    def saved(self) -> bool:
        return self.package < self.separate

    @property
    def instant(self) -> bool:
        """No working days at all: done on the spot."""
        return self.unit == DAYS and self.package == 0

    @property
    def percent(self) -> int:
        """Reduction in whole percent (0 when nothing was asked separately)."""
        if self.separate <= 0:
            return 0
        return round(100 * self.reduced / self.separate)

    @property
    def chip(self) -> str:
        """The figure on a package card: 材料 11→6 份, 时限 5 个工作日, 即办."""
        if self.instant:
            return "即办"
        if self.saved:
            return f"{self.short} {self.separate}→{self.package} {self.unit}"
        return f"{self.short} {self.package} {self.unit}"

    def __str__(self) -> str:
        if self.instant:
            return f"{self.label} 即办（当场办结）"
        if self.saved:
            return f"{self.label} {self.separate} → {self.package} {self.unit}"
        return f"{self.label} {self.package} {self.unit}"


def savings(stats: GuideStats) -> list[Saving]:
    """The package's savings, in the order halls display them."""
    return [
        Saving("申请材料", stats.materials_separate, stats.materials_merged, "份", "材料"),
        Saving("办理时限", stats.days_serial, stats.days_parallel, DAYS, "时限"),
        Saving("跑动次数", stats.trips_separate, stats.trips_package, "次", "跑动"),
        Saving("填报信息", stats.fields_separate, stats.fields_merged, "项", "填报"),
    ]


def card_savings(stats: GuideStats) -> list[Saving]:
    """The three figures a package card shows: materials, time, trips."""
    return savings(stats)[:3]


def answer_label(value: Answer) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


def time_limit_label(item: Item) -> str:
    if item.kind == "instant":
        return "即办（当场办结）"
    promised = f"承诺{item.promised_days}个工作日" if item.promised_days else "承诺当场办结"
    return f"{promised}（法定{item.legal_days}个工作日）" if item.legal_days else promised


def working_days_span(start_day: int, finish_day: int) -> str:
    """When an item runs, counted in working days after acceptance."""
    if finish_day == 0:
        return "受理当日办结"
    if start_day == finish_day:
        return f"第 {finish_day} 个工作日办结"
    return f"第 {start_day}–{finish_day} 个工作日"


def answered_questions(package: Package, answers: dict[str, Answer]) -> list[tuple[str, str]]:
    return [
        (question.text, answer_label(answers[question.id]))
        for question in package.questions
        if question.id in answers
    ]


def guide_json(guide: Guide) -> str:
    return json.dumps(guide.as_dict(), ensure_ascii=False, indent=2)


def guide_text(guide: Guide) -> str:
    """The guide as plain text, for a terminal or a message."""
    stats = guide.stats
    package = guide.package
    lines = [f"{package.name} — 一次告知办事指南", ""]
    answered = answered_questions(package, dict(guide.answers))
    if answered:
        lines.append("您的情形：")
        lines += [f"  {text} {answer}" for text, answer in answered]
        lines.append("")
    lines.append(f"涉及 {stats.items} 个事项、{stats.departments} 个部门，并联办理：")
    if stats.items:
        lines += [f"  {saving}" for saving in savings(stats)]
    lines += ["", "一、办理事项"]
    names = {gi.id: gi.item.name for gi in guide.items}
    for number, guide_item in enumerate(guide.items, 1):
        item = guide_item.item
        department = guide.department_names.get(item.department, item.department)
        lines.append(
            f"  {number}. {item.name}（{department}，{time_limit_label(item)}，{item.depth_label}）"
        )
        after = "、".join(names[a] for a in guide_item.after)
        begins = f"待{after}办结后开始" if after else "受理后即开始"
        span = working_days_span(guide_item.start_day, guide_item.finish_day)
        lines.append(f"     {begins}，{span}")
    lines += ["", "二、申请材料（每份只交一次）"]
    for number, material in enumerate(guide.materials, 1):
        need = "必交" if material.required else "视情提交"
        made = material_source(material, names)
        if made:
            need = f"{made}，免提交"
        used_by = "、".join(names[i] for i in material.for_items)
        lines.append(f"  {number}. {material.name}  {material.copies} 份，{need}；用于：{used_by}")
    if guide.fields:
        lines += ["", "三、填报信息（一表申报）"]
        for number, field in enumerate(guide.fields, 1):
            kind = FIELD_TYPE_LABELS.get(field.type, field.type)
            need = "必填" if field.required else "选填"
            lines.append(f"  {number}. {field.label}（{kind}，{need}）")
    return "\n".join(lines) + "\n"


def material_source(material: GuideMaterial, item_names: dict[str, str]) -> str:
    """Where a material the applicant is not asked for comes from, in words; "" when the
    applicant provides it."""
    if material.produced_by:
        return f"由本件事“{item_names.get(material.produced_by, material.produced_by)}”生成"
    if material.generated:
        return "由平台按一表申报内容自动生成"
    return ""


def condition_text(package: Package, condition: dict[str, tuple[Answer, ...]]) -> str:
    """A `when` in words, e.g. 是否销售食品？选“是”时."""
    parts = []
    for question_id, values in condition.items():
        question = package.question(question_id)
        text = question.text.rstrip("？?") if question else question_id
        shown = "或".join(f"“{answer_label(v)}”" for v in values)
        parts.append(f"“{text}”为{shown}")
    return "，且".join(parts) + "时" if parts else ""


def guide_context(guide: Guide) -> dict:
    """Everything the guide templates show, computed once, in display order."""
    stats = guide.stats
    package = guide.package
    names = {gi.id: gi.item.name for gi in guide.items}
    span = max(stats.days_parallel, 1)
    conditions = {pi.item: pi.when for pi in package.items}
    items = []
    for number, guide_item in enumerate(guide.items, 1):
        item = guide_item.item
        items.append(
            {
                "number": number,
                "id": item.id,
                "name": item.name,
                "department": guide.department_names.get(item.department, item.department),
                "kind": KIND_LABELS.get(item.kind, item.kind),
                "instant": item.kind == "instant",
                "time_limit": time_limit_label(item),
                "legal_days": item.legal_days,
                "promised_days": item.promised_days,
                "levels": "、".join(LEVEL_LABELS.get(level, level) for level in item.levels),
                "after": [names[a] for a in guide_item.after],
                "start_day": guide_item.start_day,
                "finish_day": guide_item.finish_day,
                "days": working_days_span(guide_item.start_day, guide_item.finish_day),
                "bar_left": round(100 * guide_item.start_day / span, 2),
                "bar_width": round(100 * item.promised_days / span, 2),
                "trips": item.trips,
                "online": item.depth == "full",
                "depth": item.depth_label,  # 网办深度
                "depth_hint": ONLINE_DEPTH_HINTS[item.depth],
                "instant_rules": item.instant is not None,  # 秒批
                "fee": item.fee,
                "basis": item.basis,
                "conditions": item.conditions,
                "when": condition_text(package, dict(conditions.get(item.id, {})))
                if guide.every_case
                else "",
            }
        )
    materials = [
        {
            "number": number,
            "name": m.name,
            "copies": m.copies,
            "required": m.required,
            "used_by": [names[i] for i in m.for_items],
            "shared": len(m.for_items) > 1,
            "evidence": m.evidence,
            "note": m.note,
            "commitment": m.commitment,
            "made": material_source(m, names),  # 免提交: the package or the platform makes it
            "held": None,  # the viewer's electronic certificate standing in for it (免提交)
        }
        for number, m in enumerate(guide.materials, 1)
    ]
    fields = [
        {
            "number": number,
            "label": f.label,
            "type": FIELD_TYPE_LABELS.get(f.type, f.type),
            "required": f.required,
            "used_by": [names[i] for i in f.for_items],
        }
        for number, f in enumerate(guide.fields, 1)
    ]
    return {
        "package": package,
        "audience": AUDIENCE_LABELS.get(package.audience or "", ""),
        "every_case": guide.every_case,
        "answered": answered_questions(package, dict(guide.answers)),
        "unanswered": [q for q in package.questions if q.id not in guide.answers],
        "stats": stats,
        "savings": savings(stats),
        "items": items,
        "materials": materials,
        "fields": fields,
        "made_count": sum(1 for m in materials if m["made"]),
        "departments": sorted(set(guide.department_names.values())),
        "fee_total": sum(gi.item.fee for gi in guide.items),
        "online_items": sum(1 for gi in guide.items if gi.item.online),
    }
