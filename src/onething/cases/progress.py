"""办件进度查询: anyone holding a case number and the applicant's name (or the last four
digits of their phone) follows the case without logging in; the 受理通知书's QR code
carries a signed link that needs neither. What it shows names no one in full."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from onething.cases.lifecycle import CASE_STATE_LABELS, TASK_STATE_LABELS, CaseState, TaskState
from onething.cases.models import DELIVERY_LABELS, Case, Delivery, Task
from onething.cases.query import with_parties
from onething.catalog.services import catalog_of
from onething.privacy.masking import mask_name

_SALT = "onething.cases.progress"


def progress_token(case: Case) -> str:
    """The signature a 受理通知书's QR code carries for this case number."""
    return progress_token_for_number(case.number or "")


def progress_token_for_number(number: str) -> str:
    return signing.Signer(salt=_SALT).signature(number.strip().upper())


def progress_url(case: Case) -> str:
    """The address of the case's progress page that needs nothing typed (for the QR)."""
    path = reverse("cases:progress")
    return f"{settings.PUBLIC_URL}{path}?n={case.number}&t={progress_token(case)}"


def _case_numbered(number: str) -> Case | None:
    number = number.strip().upper()[:32]
    if not number:
        return None
    return with_parties(Case.objects).filter(number=number).first()


def case_by_token(number: str, token: str) -> Case | None:
    case = _case_numbered(number)
    if case is None or not hmac.compare_digest(progress_token(case), token.strip()):
        return None
    return case


def case_by_applicant(number: str, proof: str) -> Case | None:
    """The case with this number whose applicant is named `proof` (a person's or an
    enterprise's name) or whose phone ends in `proof` (four digits); None otherwise — the
    same answer whether the number or the proof is wrong."""
    case = _case_numbered(number)
    proof = proof.strip().replace(" ", "")
    if case is None or not proof:
        return None
    applicant = case.applicant
    name_matches = hmac.compare_digest(
        (applicant.full_name or "").replace(" ", "").encode(), proof.encode()
    )
    phone = applicant.phone or ""
    phone_matches = len(proof) == 4 and proof.isdigit() and phone.endswith(proof)
    return case if name_matches or phone_matches else None


@dataclass(frozen=True, slots=True)
class ItemProgress:
    name: str
    department: str
    state: str
    state_label: str
    date_label: str


def progress_of(case: Case) -> dict:
    """What the public page shows of a case: no ID number, phone or address; a person's
    name masked (an enterprise's is public)."""
    catalog = catalog_of(case.catalog_version)
    tasks = list(Task.objects.filter(case=case).order_by("position"))
    items = []
    for task in tasks:
        department = catalog.departments.get(task.department)
        items.append(
            ItemProgress(
                task.item_name,
                catalog.place_name(task.jurisdiction)
                + (department.name if department else task.department),
                task.state,
                TASK_STATE_LABELS[TaskState(task.state)],
                _item_date(task),
            )
        )
    delivery = Delivery.objects.filter(case=case).first()
    applicant = case.applicant
    return {
        "case": case,
        "state_label": CASE_STATE_LABELS[CaseState(case.state)],
        "applicant": applicant.full_name
        if applicant.applicant_kind == "enterprise"
        else mask_name(applicant.full_name),
        "window": catalog.place_name(case.window),
        "submitted_on": _day(case.submitted_at),
        "accepted_on": _day(case.accepted_at),
        "items": items,
        "done": sum(1 for t in tasks if t.state in ("approved", "rejected", "cancelled")),
        "delivery": DELIVERY_LABELS.get(delivery.method, "") if delivery else "",
        "delivery_state": _delivery_state(delivery),
    }


def _day(moment) -> date | None:
    return timezone.localdate(moment) if moment else None


def _item_date(task: Task) -> str:
    if task.finished_on:
        return f"{task.finished_on} 办结"
    if task.due_date:
        return f"{task.due_date} 前办结"
    return "待前置事项办结后开始"


def _delivery_state(delivery: Delivery | None) -> str:
    if delivery is None or delivery.dispatched_at is None:
        return ""
    if delivery.method == "post":
        signed = "，已签收" if delivery.signed_at else "，运送中"
        return f"已交寄 {delivery.carrier} {delivery.tracking_number}{signed}"
    return delivery.signed_note
