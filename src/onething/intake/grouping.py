"""The one form in sections people recognise: 申请人, 企业信息, 经营场所, then each item's
own fields under its name. A field's catalogue `group` names its section; otherwise the
field's id and type decide. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

APPLICANT, ENTERPRISE, PREMISES = "申请人", "企业信息", "经营场所"
ENTERPRISE_FIELDS = frozenset(
    {
        "company_name",
        "uscc",
        "enterprise_type",
        "registered_capital",
        "business_scope",
        "employee_count",
        "opening_date",
    }
)


@dataclass(frozen=True, slots=True)
class FormSection:
    title: str
    field_ids: tuple[str, ...]


def section_of(
    field_id: str, field_type: str, first_item_name: str, group: str | None = None
) -> str:
    if group:
        return group
    if field_id.startswith("applicant_") or field_type in ("phone", "email"):
        return APPLICANT
    if field_id in ENTERPRISE_FIELDS or field_id.startswith("legal_rep_"):
        return ENTERPRISE
    if "address" in field_id or field_id.endswith("_area") or field_id.startswith("premises"):
        return PREMISES
    return f"{first_item_name}所需信息"


def group_fields(
    fields: Sequence,  # GuideField-like: id, type, for_items
    item_names: Mapping[str, str],
    groups: Mapping[str, str | None] | None = None,
) -> list[FormSection]:
    """Sections in a fixed order (applicant, enterprise, premises, then items in package
    order), each field once, in the form's order within its section."""
    sections: dict[str, list[str]] = {APPLICANT: [], ENTERPRISE: [], PREMISES: []}
    for form_field in fields:
        first = item_names.get(form_field.for_items[0], "") if form_field.for_items else ""
        title = section_of(form_field.id, form_field.type, first, (groups or {}).get(form_field.id))
        sections.setdefault(title, []).append(form_field.id)
    return [FormSection(title, tuple(ids)) for title, ids in sections.items() if ids]
