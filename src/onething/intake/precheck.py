"""预审: what the platform checks before a clerk sees an application, so the applicant
can fix it first and the clerk's check list starts from the result. Pure rules.

- every required material is provided (and a certificate standing in for one is valid);
- the same person has the same ID number everywhere in the form (fields come in pairs
  ``<who>_name`` / ``<who>_id_number``), and the applicant's own ID is the account's;
- dates are in order: births and deaths not in the future, planned dates not past, a
  person born before any date about them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

PAST_ONLY = ("birth", "death", "opening")  # facts: cannot lie ahead
FUTURE_ONLY = ("planned", "expected")  # plans: cannot lie behind


@dataclass(frozen=True, slots=True)
class MaterialState:
    name: str
    required: bool
    provided: bool  # any trust level
    certificate_problem: str = ""  # e.g. "已撤销" for a licence that stood in for it


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing to fix (blocking) or to look at (not blocking)."""

    text: str
    blocking: bool = True


def precheck(
    values: Mapping[str, str],
    labels: Mapping[str, str],
    materials: Sequence[MaterialState],
    today: date,
    account_id_number: str = "",
) -> list[Finding]:
    findings = _materials(materials)
    findings += _same_person_same_id(values, labels, account_id_number)
    findings += _dates_in_order(values, labels, today)
    return findings


def _materials(materials: Sequence[MaterialState]) -> list[Finding]:
    found = []
    for material in materials:
        if material.certificate_problem:
            found.append(
                Finding(
                    f"“{material.name}”引用的电子证照{material.certificate_problem}，"
                    "请上传电子件或到窗口出示原件"
                )
            )
        elif material.required and not material.provided:
            found.append(Finding(f"缺少材料“{material.name}”：请上传电子件，或到窗口出示原件"))
    return found


def _same_person_same_id(
    values: Mapping[str, str], labels: Mapping[str, str], account_id_number: str
) -> list[Finding]:
    found = []
    by_name: dict[str, tuple[str, str]] = {}  # name -> (id number, field it came from)
    for field_id, value in values.items():
        if not field_id.endswith("_id_number") or not value:
            continue
        who = field_id.removesuffix("_id_number")
        name = values.get(f"{who}_name", "").strip()
        number = value.strip().upper()
        if who == "applicant" and account_id_number and number != account_id_number.upper():
            found.append(
                Finding(f"{labels.get(field_id, field_id)}与您账户实名认证的身份证号码不一致")
            )
        if not name:
            continue
        seen = by_name.get(name)
        if seen is not None and seen[0] != number:
            found.append(
                Finding(  # the name is left out: staff read this list too
                    "同一姓名的身份证号码前后不一致："
                    f"{labels.get(seen[1], seen[1])}与{labels.get(field_id, field_id)}"
                )
            )
        by_name.setdefault(name, (number, field_id))
    return found


def _dates_in_order(
    values: Mapping[str, str], labels: Mapping[str, str], today: date
) -> list[Finding]:
    found = []
    dates: dict[str, date] = {}
    for field_id, value in values.items():
        if not field_id.endswith("_date") or not value:
            continue
        try:
            dates[field_id] = date.fromisoformat(value)
        except ValueError:
            continue  # the form's own validation names a malformed date
    for field_id, day in dates.items():
        label = labels.get(field_id, field_id)
        if any(word in field_id for word in PAST_ONLY) and day > today:
            found.append(Finding(f"{label}（{day}）不能晚于今天"))
        if any(word in field_id for word in FUTURE_ONLY) and day < today:
            found.append(Finding(f"{label}（{day}）已经过去，请核对", blocking=False))
    for field_id, value in values.items():
        if not field_id.endswith("_id_number") or len(value or "") != 18:
            continue
        try:
            born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
        except ValueError:
            continue
        who = field_id.removesuffix("_id_number")
        for date_id, day in dates.items():
            if date_id.startswith(who + "_") and day < born:
                about, source = labels.get(date_id, date_id), labels.get(field_id, field_id)
                found.append(Finding(f"{about}早于{source}中的出生日期"))
    return found
