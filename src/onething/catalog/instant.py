"""Instant decisions (即办、秒批) and how far an item can be done online (网办深度): pure
rules, no framework.

An item may declare in the catalogue when the platform decides it without a person::

    instant:
      basis: 《山西省食品小作坊小经营店小摊点管理条例》第十二条
      when:
        operating_area: {"<=": 50}        # a comparison on a form field
        food_business_items: [预包装食品销售, 散装食品销售]   # any of these, as in `when`

`when` reads like the catalogue's other conditions (spec §2: a mapping, every entry
must hold, a value or a list of values any of which makes it hold), with fields of the
one form instead of questions and, for number fields, a comparison (`<`, `<=`, `>`,
`>=`, `==`, `!=`) in place of the values. Two rules always come first: every material
of the item is at trust level A or B (an electronic certificate, or an original the
window has seen), and the item's part of the one form passes its checks.

`evaluate` returns a `Trace`: each rule, held or not, and why, in Chinese.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

# --- 网办深度 ---------------------------------------------------------------------------

ONLINE_DEPTHS: tuple[str, ...] = ("full", "one_trip", "window")
ONLINE_DEPTH_LABELS: dict[str, str] = {
    "full": "全程网办",
    "one_trip": "网上申请、一次到窗口",
    "window": "窗口办理",
}
ONLINE_DEPTH_HINTS: dict[str, str] = {
    "full": "申请、受理、审查、出证全部在网上完成，不需要到现场",
    "one_trip": "网上申请和预审，只需到窗口一次（核验原件或领取结果）",
    "window": "需要到窗口办理",
}


def default_depth(trips: int, online: bool) -> str:
    """The depth an item without `online_depth` has: from its trips (到现场次数)."""
    if online or trips == 0:
        return "full"
    return "one_trip" if trips == 1 else "window"


def depth_problem(depth: str, trips: int, online: bool) -> str | None:
    """Why a declared depth contradicts the item's trips or `online` flag (None: it doesn't)."""
    if depth == "full" and trips > 0:
        return f"全程网办 (full) means no trip to a hall: trips must be 0, not {trips}"
    if depth != "full" and online:
        return f"the item is marked online: true (全程网办), so its depth is full, not {depth}"
    if depth == "one_trip" and trips != 1:
        return f"网上申请、一次到窗口 (one_trip) means one trip: trips must be 1, not {trips}"
    return None


# --- the rules ---------------------------------------------------------------------------

COMPARISONS: tuple[str, ...] = ("<", "<=", ">", ">=", "==", "!=")
_SAYS = {"<": "小于", "<=": "不超过", ">": "大于", ">=": "不少于", "==": "等于", "!=": "不等于"}
NUMBER_TYPES = ("integer", "number")
PERSONAL_TYPES = ("id_card", "phone", "email")
MATERIALS_RULE = "materials"
FORM_RULE = "form"


@dataclass(frozen=True, slots=True)
class FieldTest:
    """One entry of `when`: the field's value is one of `values` (op None), or compares
    with the single number in `values` by `op`."""

    field: str
    op: str | None
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class InstantRules:
    tests: tuple[FieldTest, ...] = ()
    basis: str = ""


def parse_rules(raw: Any, field_types: Mapping[str, str]) -> tuple[InstantRules | None, list]:
    """(the rules, problems as (subpath, message)) from an item's `instant` value."""
    if raw is None:
        return None, []
    if not isinstance(raw, dict):
        return None, [("", "must be a mapping with `when` (and optionally `basis`)")]
    problems: list[tuple[str, str]] = []
    for key in raw:
        if key not in ("when", "basis"):
            problems.append((f".{key}", "unknown key: only `when` and `basis` are read"))
    basis = raw.get("basis") or ""
    if not isinstance(basis, str):
        problems.append((".basis", "must be text"))
    when = raw.get("when") or {}
    if not isinstance(when, dict):
        return None, [*problems, (".when", "must be a mapping from field id to a condition")]
    tests = []
    for field_id, condition in when.items():
        test, problem = _test(str(field_id), condition, field_types)
        if problem:
            problems.append((f".when.{field_id}", problem))
        elif test is not None:
            tests.append(test)
    if problems:
        return None, problems
    return InstantRules(tests=tuple(tests), basis=basis if isinstance(basis, str) else ""), []


def _test(
    field_id: str, condition: Any, field_types: Mapping[str, str]
) -> tuple[FieldTest | None, str | None]:
    kind = field_types.get(field_id)
    if kind is None:
        return None, f"unknown field '{field_id}'"
    if kind in PERSONAL_TYPES:  # the trace is shown on the case page: no personal data in it
        return None, f"field '{field_id}' is personal data ({kind}): not a rule for 秒批"
    if isinstance(condition, dict):
        if len(condition) != 1:
            return None, 'a comparison has exactly one operator, e.g. {"<=": 50}'
        ((op, bound),) = condition.items()
        if op not in COMPARISONS:
            return None, f"unknown operator '{op}' (use one of {', '.join(COMPARISONS)})"
        if kind not in NUMBER_TYPES:
            return None, f"'{op}' compares numbers, but field '{field_id}' is {kind}"
        if isinstance(bound, bool) or not isinstance(bound, int | float):
            return None, f"'{op}' needs a number, not {bound!r}"
        return FieldTest(field_id, op, (str(bound),)), None
    values = condition if isinstance(condition, list) else [condition]
    if not values or any(isinstance(v, dict | list) or v is None for v in values):
        return None, 'a value, a list of values, or a comparison such as {"<=": 50}'
    return FieldTest(field_id, None, tuple(_text(v) for v in values)), None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- evaluation --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MaterialLevel:
    """A material of the item as the case holds it: its trust level ("" while missing)."""

    name: str
    level: str
    required: bool = True


@dataclass(frozen=True, slots=True)
class RuleResult:
    rule: str  # materials | form | the field id
    text: str  # the rule, in Chinese
    held: bool
    why: str  # why it held or not, in Chinese

    def as_data(self) -> dict[str, Any]:
        return {"rule": self.rule, "text": self.text, "held": self.held, "why": self.why}


@dataclass(frozen=True, slots=True)
class Trace:
    results: tuple[RuleResult, ...]
    basis: str = ""

    @property
    def held(self) -> bool:
        return all(r.held for r in self.results)

    def failed(self) -> list[RuleResult]:
        return [r for r in self.results if not r.held]

    def as_data(self) -> dict[str, Any]:
        return {
            "held": self.held,
            "basis": self.basis,
            "rules": [r.as_data() for r in self.results],
        }


def evaluate(
    rules: InstantRules,
    materials: Sequence[MaterialLevel],
    form_errors: Mapping[str, str],
    form: Mapping[str, Any],
    labels: Mapping[str, str],
) -> Trace:
    """Each rule, held or not, and why."""
    results = [_materials_rule(materials), _form_rule(form_errors)]
    results += [_field_rule(test, form, labels.get(test.field, test.field)) for test in rules.tests]
    return Trace(tuple(results), rules.basis)


def _materials_rule(materials: Sequence[MaterialLevel]) -> RuleResult:
    text = "申请材料均为A级（电子证照）或B级（窗口已核验原件）"
    below = [m for m in materials if m.level not in ("A", "B") and (m.required or m.level)]
    if not below:
        return RuleResult(MATERIALS_RULE, text, True, f"{len(materials)} 项材料均为A/B级")
    return RuleResult(MATERIALS_RULE, text, False, "；".join(_why_below(m) for m in below))


def _why_below(material: MaterialLevel) -> str:
    if not material.level:
        return f"“{material.name}”尚未提交"
    if material.level == "D":
        return f"“{material.name}”为告知承诺（D级），须人工审查"
    return f"“{material.name}”为{material.level}级，原件尚未核验"


def _form_rule(form_errors: Mapping[str, str]) -> RuleResult:
    text = "申请表校验通过"
    if not form_errors:
        return RuleResult(FORM_RULE, text, True, "各栏目均符合要求")
    return RuleResult(FORM_RULE, text, False, "；".join(form_errors.values()))


def _field_rule(test: FieldTest, form: Mapping[str, Any], label: str) -> RuleResult:
    raw = form.get(test.field)
    value = "" if raw is None else _text(raw).strip()
    if test.op is None:
        text = f"{label}为{'或'.join(test.values)}"
        if not value:
            return RuleResult(test.field, text, False, f"{label}未填写")
        held = value in test.values
        return RuleResult(test.field, text, held, f"{label}为“{value}”")
    bound = Decimal(test.values[0])
    text = f"{label}{_SAYS[test.op]}{_plain(bound)}"
    number = _number(value)
    if number is None:
        return RuleResult(test.field, text, False, f"{label}未填写或不是数字")
    held = _compare(number, test.op, bound)
    return RuleResult(test.field, text, held, f"{label}为{_plain(number)}")


def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _compare(number: Decimal, op: str, bound: Decimal) -> bool:
    return {
        "<": number < bound,
        "<=": number <= bound,
        ">": number > bound,
        ">=": number >= bound,
        "==": number == bound,
        "!=": number != bound,
    }[op]


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text
