"""联合验收意见书: one joint report for a joint inspection as an A4 PDF (WeasyPrint, the
Chinese fonts embedded, the look of the case notices in cases/printouts.py): the site
and day, each item and its outcome (passed, or 整改 by a working day), each department's
findings with its photos."""

from __future__ import annotations

import base64
import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from onething.cases import uploads
from onething.catalog.services import current_catalog
from onething.linked.inspections import inspected_items
from onething.linked.models import JointInspection

MIME = {"jpg": "image/jpeg", "png": "image/png"}


def _chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _photo_uri(photo) -> str:
    data = base64.b64encode(uploads.get(photo.stored_name)).decode("ascii")
    return f"data:{MIME[photo.kind]};base64,{data}"


def report_context(inspection: JointInspection) -> dict[str, Any]:
    current = current_catalog()
    place = current.catalog.place_name(inspection.jurisdiction) if current else ""
    items = inspected_items(inspection)
    seats = list(
        inspection.seats.prefetch_related("photos", "reinspections__inspected_by").select_related(
            "inspected_by"
        )
    )
    return {
        "title": "联合验收意见书",
        "number": "、".join(i.task.case.number or "—" for i in items),
        "issuer": f"{place}联合验收",
        "inspection": inspection,
        "day": _chinese_date(inspection.day),
        "items": items,
        "seats": [(seat, [_photo_uri(p) for p in seat.photos.all()]) for seat in seats],
        "issued_on": _chinese_date(timezone.localdate(inspection.concluded_at or timezone.now())),
    }


def render_inspection_pdf(inspection: JointInspection) -> bytes:
    from weasyprint import HTML

    html = render_to_string("linked/inspection_report_document.html", report_context(inspection))
    buffer = io.BytesIO()
    HTML(string=html).write_pdf(buffer)
    return buffer.getvalue()
