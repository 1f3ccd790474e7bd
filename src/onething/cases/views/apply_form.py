"""What the filing page shows: the one form's rows in sections, the places to choose,
and the materials list with each material's state and its upload control."""

from __future__ import annotations

from typing import Any

from onething.accounts.models import User
from onething.cases.evidence import TrustLevel, labels
from onething.cases.models import Case, Evidence
from onething.cases.query import evidence_of
from onething.catalog.entities import Catalog
from onething.catalog.guide import Guide
from onething.guides.presentation import material_source
from onething.intake.grouping import group_fields
from onething.licences.services import valid_licences

INPUT_TYPES = {
    "text": "text",
    "address": "text",
    "integer": "number",
    "number": "number",
    "date": "date",
    "phone": "tel",
    "email": "email",
    "id_card": "text",
    "uscc": "text",
}
AUTOCOMPLETE = {"phone": "tel", "email": "email", "address": "street-address"}


def form_sections(guide: Guide, catalog: Catalog, rows) -> list[dict[str, Any]]:
    """The form's rows in sections: 申请人, 企业信息, 经营场所, then each item's own."""
    by_id = {row["id"]: row for row in rows}
    item_names = {gi.id: gi.item.name for gi in guide.items}
    groups = {f.id: catalog.fields[f.id].group for f in guide.fields if f.id in catalog.fields}
    return [
        {"title": section.title, "rows": [by_id[i] for i in section.field_ids]}
        for section in group_fields(guide.fields, item_names, groups)
    ]


def field_rows(guide: Guide, catalog: Catalog, values, prefilled, errors) -> list[dict[str, Any]]:
    item_names = {gi.id: gi.item.name for gi in guide.items}
    rows = []
    for form_field in guide.fields:
        entry = catalog.fields.get(form_field.id)
        value = values.get(form_field.id, "")
        kind = form_field.type
        rows.append(
            {
                "id": form_field.id,
                "label": form_field.label,
                "type": kind,
                "input_type": INPUT_TYPES.get(kind, "text"),
                "step": "1" if kind == "integer" else "any",
                "autocomplete": AUTOCOMPLETE.get(kind, "off"),
                "select": kind in ("choice", "boolean"),
                "choices": list(form_field.choices)
                if kind == "choice"
                else [("true", "是"), ("false", "否")],
                "required": form_field.required,
                "value": value,
                "prefilled": bool(value) and prefilled.get(form_field.id, ("",))[0] == value,
                "prefill_source": prefilled.get(form_field.id, ("", ""))[1],
                "error": errors.get(form_field.id, ""),
                "help": entry.help if entry else None,
                "used_by": [item_names[i] for i in form_field.for_items if i in item_names],
            }
        )
    return rows


def county_groups(catalog: Catalog) -> list[dict[str, Any]]:
    """The county-level jurisdictions, grouped under their city (for the place select),
    each named with its city (阳泉市郊区)."""
    groups: dict[str, dict[str, Any]] = {}
    for jurisdiction in catalog.jurisdictions.values():
        if jurisdiction.level != "county":
            continue
        parent = catalog.jurisdictions.get(jurisdiction.parent or "")
        key = parent.code if parent else ""
        group = groups.setdefault(key, {"name": parent.name if parent else "其他", "places": []})
        group["places"].append(
            {"code": jurisdiction.code, "name": catalog.place_name(jurisdiction.code)}
        )
    return list(groups.values())


def material_rows(
    guide: Guide,
    draft: Case | None,
    person: User | None,
    errors: dict[str, str],
) -> list[dict[str, Any]]:
    """The materials the answers call for, in the guide's order, each with where it
    stands: made by the platform or the package (免提交), a certificate the applicant
    holds (免提交), uploaded (with pages and blank pages), or still to provide — and the
    upload control the applicant may use before submitting."""

    stored: dict[str, Evidence] = (
        {e.material_id: e for e in evidence_of(draft)} if draft is not None else {}
    )
    asked = [m for m in guide.materials if m.asked_of_applicant]
    types = {m.evidence for m in asked if m.evidence and m.id not in stored}
    held = valid_licences(person, types) if person is not None and types else {}
    names = {gi.id: gi.item.name for gi in guide.items}
    return [
        _material_row(m, stored.get(m.id), held, names, errors.get(m.id, ""))
        for m in guide.materials
    ]


def _material_row(material, evidence: Evidence | None, held, names, error: str) -> dict:
    licence = evidence.licence if evidence is not None and evidence.licence_id else None
    licence = licence or (held.get(material.evidence) if material.evidence else None)
    level = TrustLevel(evidence.trust) if evidence is not None and evidence.trust else None
    if licence is not None and level is None:
        level = TrustLevel.A
    made = material_source(material, names)
    origin = "form" if material.generated else "package" if material.produced_by else ""
    return {
        "id": material.id,
        "name": material.name,
        "required": material.required,
        "note": material.note,
        "made": made,
        "licence": licence,
        "level": level.value if level else "",
        "label": labels(level, origin or "applicant")[0],
        "evidence": evidence,
        "can_upload": not made and licence is None,
        "commitment": material.commitment and not made,
        "error": error,
    }


def missing_count(rows: list[dict[str, Any]]) -> int:
    """Required materials the applicant has not provided yet (made ones never count)."""
    return sum(1 for r in rows if r["required"] and r["can_upload"] and not r["level"])
