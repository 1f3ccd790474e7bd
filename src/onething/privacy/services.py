"""Showing personal data: masked to everyone, in full only to roles that need it, audited:
every full view is recorded first (`record_view`, the record's one writer), in the
chained record of personal-data views (privacy/audit.py)."""

from __future__ import annotations

from dataclasses import dataclass

from onething.core.access import in_office, may_see_in_full
from onething.privacy.audit import ChainSpec, append
from onething.privacy.masking import mask_id_number, mask_name, mask_phone
from onething.privacy.models import PersonalDataView

VIEW_CHAIN = ChainSpec(
    PersonalDataView, ("viewer_id", "subject_id", "subject_label", "fields", "purpose", "at")
)


def record_view(viewer, subject, fields: str, purpose: str, subject_label: str = "") -> None:
    """Write down that `viewer` was shown `fields` of `subject` (an account) in full, or
    of someone without an account (`subject_label`: who, masked). Before showing them."""
    view = PersonalDataView(
        viewer=viewer,
        subject=subject,
        subject_label=subject_label[:200],
        fields=fields[:200],
        purpose=purpose[:200],
    )
    append(VIEW_CHAIN, [view])


def display_name(viewer, person) -> str:
    """A name as the viewer may see it: their own in full, an enterprise's (public) and
    staff's (acting in office: 窗口、部门、承办人) in full, any other person's masked."""
    if person is None:
        return "系统"
    name = person.full_name or person.username
    if (
        (viewer is not None and person.pk == viewer.pk)
        or person.applicant_kind == "enterprise"
        or in_office(person)
    ):
        return name
    return mask_name(name)


@dataclass(frozen=True, slots=True)
class PersonShown:
    name: str
    id_number: str
    phone: str
    full: bool


def show_person(
    viewer, subject, purpose: str, full: bool = False, fields: str = "姓名、身份证号码、手机号码"
) -> PersonShown:
    """The subject's identity as the viewer may see it. A full view is recorded first
    (`fields`: what the page shows in full with it)."""
    own = viewer.pk == subject.pk
    allowed = own or may_see_in_full(viewer)
    if full and allowed:
        if not own:
            record_view(viewer, subject, fields, purpose)
        return PersonShown(subject.full_name, subject.id_number or "", subject.phone or "", True)
    return PersonShown(
        subject.full_name if own else mask_name(subject.full_name),
        mask_id_number(subject.id_number),
        mask_phone(subject.phone),
        False,
    )
