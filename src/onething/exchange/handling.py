"""办理地: an application forwarded by a partner becomes a case here, filed for the
applicant's account by the exchange's own window account (跨省通办收件) and accepted and
decided by this node's staff with this node's calendar; its acceptance, decisions and
certificates go back to the partner through the outbox (subscribed in apps.py)."""

from __future__ import annotations

import base64
import json
from datetime import date

from django.contrib.auth.hashers import make_password

from onething.accounts.models import User
from onething.cases.delivery import hand_over as hand_over_case
from onething.cases.filing import Filing, file_case
from onething.cases.lifecycle import TASK_TERMINAL
from onething.cases.materials import note_unchecked, unchecked_materials, upload_evidence
from onething.cases.models import Case
from onething.core.errors import CaseError
from onething.core.events import CaseAccepted, CaseRefused, LicenceIssued, TaskDecided
from onething.core.prepared import PreparedQuery
from onething.core.roles import Role
from onething.exchange.identity import identity
from onething.exchange.inbox import handles
from onething.exchange.journey import note
from onething.exchange.models import InboundMessage, Partner, RemoteCase
from onething.exchange.outbox import enqueue
from onething.outreach.assisting import find_citizen, register_citizen

EXCHANGE_CLERK = "exchange-window"
STATE_LABELS = {
    "submitted": "已收件，待受理",
    "awaiting_completion": "待补正",
    "refused": "不予受理",
    "in_progress": "已受理，办理中",
    "ready": "办结，待送达",
    "completed": "办结，已送达",
    "withdrawn": "已撤回",
}


def exchange_clerk() -> User:
    """The window account that files partners' applications here (no one logs in with it)."""
    region = (identity().regions or [""])[0]
    clerk = User.objects.filter(username=EXCHANGE_CLERK).first()
    if clerk is None:
        clerk = User.objects.create(
            username=EXCHANGE_CLERK,
            role=Role.CLERK,
            full_name="跨省通办收件",
            jurisdiction=region,
            password=make_password(None),
        )
    return clerk


def _applicant(clerk: User, person: dict) -> User:
    found = find_citizen(clerk, person.get("id_number", ""))
    if found is not None:
        return found
    return register_citizen(
        clerk, person.get("name", ""), person.get("id_number", ""), person.get("phone", "")
    )


@handles("application")
def open_case(partner: Partner, message: InboundMessage, secret: dict) -> None:
    """办: the forwarded application filed here as a submitted case for our window."""
    body, person = message.body, secret.get("person") or {}
    clerk = exchange_clerk()
    filing = Filing(
        package_id=str(body.get("package", "")),
        answers=body.get("answers") or {},
        place=str(body.get("place") or clerk.jurisdiction),
        form=secret.get("form") or {},
        channel="window",
    )
    case, _created = file_case(clerk, filing, applicant=_applicant(clerk, person))
    for material in secret.get("materials") or []:
        evidence = case.evidence.filter(
            material_id=material.get("material_id"), origin="applicant"
        ).first()
        if evidence is not None:
            data = base64.b64decode(material.get("data", ""))
            upload_evidence(clerk, case.public_id, evidence.pk, material.get("name", ""), data)
    remote = RemoteCase.objects.create(
        ref=message.case_ref,
        partner=partner,
        direction=RemoteCase.HANDLED,
        mode=str(body.get("mode") or "异地代收代办")[:20],
        package_id=case.package_id,
        package_name=case.package_name,
        person_text=json.dumps(person, ensure_ascii=False),
        window=str(body.get("window", ""))[:12],
        received_at=message.created_at,
        forward_due=_date(body.get("forward_due")),
        local_case_id=case.pk,
        collection=str(body.get("collection") or "window")[:10],
    )
    note(remote, f"收到{partner.name}转来的申请，已生成本地办件 {case.number}")
    report(case, remote, "已收件，待本地窗口受理")


def _date(text: object) -> date | None:
    try:
        return date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def report(case: Case, remote: RemoteCase, text: str, label: str = "", outcome: str = "") -> None:
    """The case's state back to the partner (queued in this transaction); `outcome`
    (approved | rejected) once every item is decided (多地联办 records it there)."""
    label = label or STATE_LABELS.get(case.state, case.state)
    enqueue(
        remote.partner,
        "status",
        {
            "number": case.number or "",
            "state": case.state,
            "state_label": label,
            "due_date": case.due_date.isoformat() if case.due_date else None,
            "note": text,
            "outcome": outcome,
        },
        remote_case=remote,
    )


# Asked at every acceptance, decision and certificate of every case, though few cases
# were forwarded by a partner: compiled once (core/prepared.py), it costs the index look-up.
_handled_for = PreparedQuery(
    lambda case_id: RemoteCase.objects.filter(
        local_case_id=case_id, direction=RemoteCase.HANDLED
    ).select_related("partner")
)


def _handled(case_id: int) -> tuple[Case, RemoteCase] | None:
    """The case and the partner's application it handles here, if it is one."""
    found = _handled_for.first(case_id)
    if found is None:
        return None
    return Case.objects.get(pk=case_id), found


def on_accepted(event: CaseAccepted) -> None:
    if (pair := _handled(event.case_id)) is not None:
        case, remote = pair
        report(case, remote, f"已受理，受理编号 {case.number}，办结期限 {case.due_date}")


def on_refused(event: CaseRefused) -> None:
    """不予受理 here: the forwarding region hears it (its part of the case ends there)."""
    if (pair := _handled(event.case_id)) is not None:
        case, remote = pair
        report(case, remote, f"不予受理：{event.reason}", STATE_LABELS["refused"])


def on_decided(event: TaskDecided) -> None:
    if (pair := _handled(event.case_id)) is not None:
        case, remote = pair
        verdict = "准予许可" if event.state == "approved" else "不予许可"
        task = case.tasks.filter(pk=event.task_id).first()
        finished = [state.value for state in TASK_TERMINAL]
        done = not case.tasks.exclude(state__in=finished).exists()  # the case finishes next
        name = task.item_name if task else event.item_id
        outcome = ""
        if done:
            approved = not case.tasks.exclude(state="approved").exists()
            outcome = "approved" if approved else "rejected"
        label = STATE_LABELS["ready"] if done else ""
        report(case, remote, f"{name}：{verdict}", label, outcome)


def on_licence(event: LicenceIssued) -> None:
    if (pair := _handled(event.case_id)) is None:
        return
    from onething.licences.models import Licence

    remote = pair[1]
    licence = Licence.objects.get(pk=event.licence_id)
    enqueue(
        remote.partner,
        "certificate",
        {"number": licence.number, "type_id": licence.type_id},
        secret={"document": licence.document},
        remote_case=remote,
    )


@handles("handover")
def handed_over(partner: Partner, message: InboundMessage, secret: dict) -> None:
    """The partner handed the result over: our case is completed (一次办成) where it can be."""
    remote = RemoteCase.objects.filter(ref=message.case_ref, partner=partner).first()
    if remote is None:
        raise ValueError("没有对应的办件")
    note(remote, f"{partner.name}已将结果送达申请人（{message.body.get('how', '')}）")
    if remote.local_case_id:
        try:
            case, clerk = Case.objects.get(pk=remote.local_case_id), exchange_clerk()
            checked = f"原件已由{partner.name}收件窗口当面核验（跨省通办）"
            for evidence in unchecked_materials(case) if case.state == "ready" else ():
                note_unchecked(clerk, case.public_id, evidence.pk, checked)
            hand_over_case(clerk, case.public_id)
        except CaseError as refused:
            note(remote, f"本地办件未能自动办结：{refused.message}")
