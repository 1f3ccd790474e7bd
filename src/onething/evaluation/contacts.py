"""A named complainant's contact details (name, phone) as the complaint list shows them:
masked, and in full only to a supervisor who asks for one complaint's, the view recorded
first in the record of personal-data views (privacy/services.record_view)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from onething.core.access import supervises
from onething.evaluation.models import Complaint
from onething.privacy.masking import mask_name, mask_phone
from onething.privacy.services import record_view

FIELDS = "反映人姓名、联系电话"


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    phone: str
    full: bool


def masked(complaint: Complaint) -> Contact:
    return Contact(mask_name(complaint.contact_name), mask_phone(complaint.contact_phone), False)


def reveal(viewer, complaints: QuerySet, complaint_id: str | int | None) -> int | None:
    """The complaint (among those the viewer may see) whose complainant a supervisor asked
    to see in full, the view recorded; None if there is none or it may not be shown."""
    try:
        pk = int(complaint_id or "")
    except ValueError:
        return None
    complaint = complaints.filter(pk=pk, anonymous=False).first() if supervises(viewer) else None
    if complaint is None:
        return None
    who = f"诉求 {complaint.tracking} 的反映人（{masked(complaint).name or '未留姓名'}）"
    record_view(
        viewer,
        complaint.submitter,  # the complainant's account, when they filed logged in
        FIELDS,
        f"诉求回访 {complaint.tracking}",
        subject_label="" if complaint.submitter_id else who,
    )
    return pk


def contact(complaint: Complaint, revealed: int | None) -> Contact:
    """As the list shows it: in full only for the complaint just revealed."""
    if complaint.pk == revealed:
        return Contact(complaint.contact_name, complaint.contact_phone, True)
    return masked(complaint)
