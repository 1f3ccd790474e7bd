"""Prefill (免填): the one form's fields the platform already knows — the account's
verified identity, the data printed on the holder's valid business licence, and the
latest earlier application — each with where it comes from, so the applicant checks
rather than types."""

from __future__ import annotations

from django.apps import apps

from onething.accounts.models import User
from onething.catalog.entities import Catalog
from onething.core.roles import ApplicantKind
from onething.licences.services import valid_licences


def account_values(person: User | None) -> dict[str, str]:
    """What the account already knows, by the catalogue's common field ids."""
    if person is None:
        return {}
    values = {"applicant_phone": person.phone or ""}
    if person.applicant_kind == ApplicantKind.ENTERPRISE:
        values.update(company_name=person.full_name, uscc=person.uscc)
    else:
        values.update(applicant_name=person.full_name, applicant_id_number=person.id_number or "")
    return {key: value for key, value in values.items() if value}


def prefill_sources(
    fields, person: User | None, catalog: Catalog | None = None
) -> dict[str, tuple[str, str]]:
    """field id -> (value, where it comes from), for fields the platform already knows:
    the account (identity, credit code), the holder's valid business-licence certificate
    (registered data, by the labels printed on it), and the latest earlier application."""
    if person is None:
        return {}
    wanted = {f.id: f for f in fields}
    known: dict[str, tuple[str, str]] = {}
    for key, value in account_values(person).items():
        known[key] = (value, "账户实名信息")
    if "uscc" not in known and person.uscc:
        known["uscc"] = (person.uscc, "账户实名信息")
    if catalog is not None:
        by_label = {field.label: field_id for field_id, field in catalog.fields.items()}
        for licence in valid_licences(person, {"business_licence"}).values():
            for label, value in licence.document.get("data", {}).items():
                field_id = by_label.get(label)
                if field_id and field_id not in known and value:
                    known[field_id] = (str(value), f"电子证照《{licence.type_name}》")
    earlier = (
        apps.get_model("cases", "Case")  # the cases app files through this one: no import
        .objects.filter(applicant=person, submitted_at__isnull=False)
        .order_by("-submitted_at")
        .only("form_text", "package_name", "number")
        .first()
    )
    if earlier is not None:
        for field_id, value in earlier.form.items():
            if field_id not in known and value not in (None, ""):
                known[field_id] = (str(value), f"上次申报 {earlier.number}")
    values: dict[str, tuple[str, str]] = {}
    for field_id, form_field in wanted.items():
        if field_id in known:
            values[field_id] = known[field_id]
        elif form_field.type == "uscc" and "uscc" in known:
            values[field_id] = known["uscc"]
    return values
