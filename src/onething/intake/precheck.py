"""预审: what the platform checks before a clerk sees an application, so the applicant
can fix it first and the clerk's check list starts from the result. Pure rules.

- every required material is provided (and a certificate standing in for one is valid);
  what the platform or the package itself makes is never missing;
- no file was uploaded for two different materials, and no uploaded page is blank;
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
    key: str = ""  # the material's id
    made_for_applicant: bool = False  # generated from the form, or issued by this case
    sha256: str = ""  # of the uploaded file, if any
    blank_pages: tuple[int, ...] = ()  # uploaded pages with neither text nor image


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing to fix (blocking) or to look at (not blocking). `key` names what it is
    about (``material:<id>``, ``field:<id>`` …), so a notice built from findings can say
    which ones it kept, changed or left out."""

    text: str
    blocking: bool = True
    key: str = ""


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
    return _unique_keys(findings)


def _unique_keys(findings: list[Finding]) -> list[Finding]:
    """Two findings about one thing get keys of their own (``field:x``, ``field:x#2``)."""
    seen: dict[str, int] = {}
    unique = []
    for finding in findings:
        count = seen[finding.key] = seen.get(finding.key, 0) + 1
        key = finding.key if count == 1 else f"{finding.key}#{count}"
        unique.append(Finding(finding.text, finding.blocking, key))
    return unique


def _materials(materials: Sequence[MaterialState]) -> list[Finding]:
    found = []
    for material in materials:
        key = f"material:{material.key or material.name}"
        if material.certificate_problem:
            found.append(
                Finding(
                    f"“{material.name}”引用的电子证照{material.certificate_problem}，"
                    "请上传电子件或到窗口出示原件",
                    key=key,
                )
            )
        elif material.required and not material.provided and not material.made_for_applicant:
            found.append(
                Finding(f"缺少材料“{material.name}”：请上传电子件，或到窗口出示原件", key=key)
            )
        if material.blank_pages:
            pages = "、".join(str(page) for page in material.blank_pages)
            found.append(
                Finding(
                    f"“{material.name}”第 {pages} 页是空白页：请检查扫描件后重新上传",
                    key=f"blank:{material.key or material.name}",
                )
            )
    return found + _same_file_twice(materials)


def _same_file_twice(materials: Sequence[MaterialState]) -> list[Finding]:
    """One file uploaded for several different materials: each needs its own."""
    by_file: dict[str, list[MaterialState]] = {}
    for material in materials:
        if material.sha256:
            by_file.setdefault(material.sha256, []).append(material)
    found = []
    for same in by_file.values():
        if len(same) > 1:
            names = "与".join(f"“{m.name}”" for m in same)
            found.append(
                Finding(
                    f"{names}上传的是同一个文件：请为每项材料分别上传",
                    key=f"duplicate:{same[0].key or same[0].name}",
                )
            )
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
                Finding(
                    f"{labels.get(field_id, field_id)}与您账户实名认证的身份证号码不一致",
                    key=f"field:{field_id}",
                )
            )
        if not name:
            continue
        seen = by_name.get(name)
        if seen is not None and seen[0] != number:
            found.append(
                Finding(  # the name is left out: staff read this list too
                    "同一姓名的身份证号码前后不一致："
                    f"{labels.get(seen[1], seen[1])}与{labels.get(field_id, field_id)}",
                    key=f"field:{field_id}",
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
            found.append(Finding(f"{label}（{day}）不能晚于今天", key=f"field:{field_id}"))
        if any(word in field_id for word in FUTURE_ONLY) and day < today:
            found.append(
                Finding(
                    f"{label}（{day}）已经过去，请核对", blocking=False, key=f"field:{field_id}"
                )
            )
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
                found.append(Finding(f"{about}早于{source}中的出生日期", key=f"field:{date_id}"))
    return found
