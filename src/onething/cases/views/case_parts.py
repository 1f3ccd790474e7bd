"""Parts of the case page, each for whoever may see it: the results (what the applicant
collects), how they are delivered, the materials with their checks, and the 预审
findings a 一次性告知书 starts from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from onething.accounts.models import User
from onething.cases import materials as material_services
from onething.cases.delivery import CARRIERS, CHOOSABLE
from onething.cases.evidence import TrustLevel, labels, verified
from onething.cases.lifecycle import CaseState, TaskState
from onething.cases.models import DELIVERY_METHODS, Case, Delivery, Evidence, Task
from onething.cases.query import evidence_of
from onething.core.access import handles_cases, may_act_on_case, works_at_window
from onething.core.roles import Role
from onething.licences.models import Licence
from onething.privacy.services import display_name, record_view

OPEN_FOR_MATERIALS = (
    CaseState.DRAFT,
    CaseState.SUBMITTED,
    CaseState.AWAITING_COMPLETION,
    CaseState.IN_PROGRESS,
)
CHECKABLE = (
    CaseState.SUBMITTED,
    CaseState.AWAITING_COMPLETION,
    CaseState.IN_PROGRESS,
    CaseState.READY,
)
PRECHECK_STATES = (CaseState.DRAFT, CaseState.SUBMITTED, CaseState.AWAITING_COMPLETION)
POSTAL_FIELDS = "邮寄收件人姓名、电话、地址"


def results_context(case: Case, tasks: list[Task]) -> list[dict[str, Any]]:
    """What the applicant collects, item by item: each certificate (with its downloads),
    each decision not to permit (with its reasons), an item decided without a certificate."""

    licences = {lic.task_id: lic for lic in Licence.objects.filter(case_id=case.pk)}
    results = []
    for task in tasks:
        if task.state not in (TaskState.APPROVED, TaskState.REJECTED):
            continue
        results.append(
            {
                "task": task,
                "approved": task.state == TaskState.APPROVED,
                "licence": licences.get(task.pk),
            }
        )
    return results


def delivery_context(user: User, case: Case, own: bool) -> dict[str, Any]:
    """How the results reach the applicant: their choice, and what each side may do. The
    window that posts the results is shown the recipient in full: the view is recorded."""
    delivery = Delivery.objects.filter(case=case).first()
    clerk = user.role == Role.CLERK and may_act_on_case(user, case)
    posting = delivery is not None and delivery.method == "post"
    if clerk and not own and posting and case.state == CaseState.READY:  # the form shows it
        record_view(user, case.applicant, POSTAL_FIELDS, f"邮寄送达 办件 {case.number}")
    return {
        "delivery": delivery,
        "delivery_methods": DELIVERY_METHODS,
        "carriers": CARRIERS,
        "can_choose_delivery": own and case.state in CHOOSABLE,
        "can_confirm_signed": (own or clerk)
        and delivery is not None
        and delivery.method == "post"
        and delivery.dispatched_at is not None
        and delivery.signed_at is None,
    }


@dataclass(frozen=True, slots=True)
class MaterialViewer:
    """Who looks at the materials: the applicant's side (may upload or promise while the
    case is open) or the window handling it (may check originals); staff see digests."""

    user: User
    applicant_side: bool
    clerk: bool

    @classmethod
    def of(cls, user: User, case: Case, own: bool) -> MaterialViewer:
        acting = may_act_on_case(user, case)
        if user.role == Role.AGENT:  # 全代办: only while the authorisation covers the case
            own = acting
        return cls(user, own, works_at_window(user) and acting)


def materials_context(
    user: User, case: Case, own: bool, item_names: dict[str, str]
) -> dict[str, Any]:
    """The case's materials with where each stands, and what the viewer may do."""
    viewer = MaterialViewer.of(user, case, own)
    evidence = evidence_of(case)
    rows = [_material_row(e, case, viewer, item_names) for e in evidence]
    findings = None
    if case.state in PRECHECK_STATES and (own or viewer.clerk):
        findings = material_services.precheck_of(case, evidence)
    unchecked = [r for r in rows if r["can_check"] and not r["evidence"].check_note]
    return {
        "materials": rows,
        "materials_ready": sum(1 for r in rows if r["ready"]),
        "materials_unchecked": len(unchecked),
        "show_digests": handles_cases(user),  # no SHA-256 digests for citizens
        "precheck": findings,
        "completion_findings": [f for f in findings or () if f.blocking],
    }


def _material_row(
    evidence: Evidence, case: Case, viewer: MaterialViewer, item_names: dict[str, str]
) -> dict[str, Any]:
    level = TrustLevel(evidence.trust) if evidence.trust else None
    licence = evidence.licence if evidence.licence_id else None
    problem = _certificate_problem(licence)
    short, long = labels(level, evidence.origin)
    checker = evidence.checked_by
    return {
        "evidence": evidence,
        "level": evidence.trust,
        "label": short,
        "long_label": long,
        "licence": licence,
        "licence_problem": problem,
        "made": material_services.made_by_text(evidence, item_names.get(evidence.produced_by, "")),
        "ready": bool(level) and not problem,
        "checked_by": display_name(viewer.user, checker) if evidence.checked_by_id else "",
        **_material_permissions(evidence, level, bool(problem), case, viewer),
    }


def _material_permissions(
    evidence: Evidence, level: TrustLevel | None, problem: bool, case: Case, viewer: MaterialViewer
) -> dict[str, bool]:
    """What the viewer may do with one material: upload or promise (the applicant's side
    while the case is open), check the original or record why not (the window)."""
    asked = evidence.origin == "applicant"
    changeable = asked and (level in (None, TrustLevel.C) or problem)
    handed_in = viewer.applicant_side and case.state in OPEN_FOR_MATERIALS and asked
    at_window = viewer.clerk and case.state in CHECKABLE and asked
    return {
        "can_upload": handed_in and changeable,
        "can_promise": handed_in and evidence.commitment_allowed and level in (None, TrustLevel.C),
        "can_check": at_window and changeable,
        "can_explain": at_window and not verified(level) and not evidence.check_note,
    }


def _certificate_problem(licence) -> str:
    """What is wrong with a certificate standing in for a material: revoked or expired."""
    if licence is None:
        return ""
    status = licence.status_on(timezone.localdate())
    return "" if status == "valid" else f"该证照{status.label}，请改为提交原件或上传电子件。"
