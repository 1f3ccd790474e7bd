"""Plausible form values for demos, load tests and benchmarks (valid for every field type)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from onething.catalog.guide import GuideField

_BY_TYPE = {
    "id_card": "142331198503151231",
    "uscc": "91141102MA0K5R2C1K",
    "phone": "13935812345",
    "email": "service@example.cn",
    "integer": "5",
    "number": "120",
    "boolean": "true",
    "address": "山西省吕梁市离石区永宁中路88号",
}


def sample_form(fields: Sequence[GuideField], today: date | None = None) -> dict[str, str]:
    values = {}
    for form_field in fields:
        if form_field.type == "choice":
            values[form_field.id] = form_field.choices[0]
        elif form_field.type == "date":
            values[form_field.id] = (today or date.today()).isoformat()
        else:
            values[form_field.id] = _BY_TYPE.get(form_field.type, f"示例{form_field.label}")
    return values
