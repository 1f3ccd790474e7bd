"""异地代收代办 (收受分离): a window here checks identity and materials (收) and forwards
the application to the partner that implements the item; the partner opens a case and
decides it with its own calendar and deadlines (办); its progress and the certificate
come back; the result is handed over here. Both nodes keep one `RemoteCase` under one
reference, and the partner's case number."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from onething.accounts.models import User
from onething.calendar.loaded import current_calendar
from onething.cases.delivery import hand_over as hand_over_case
from onething.cases.models import Case
from onething.core.access import cases_visible_to, may_forward_cross_region
from onething.core.errors import Forbidden, InvalidInput, NotFound
from onething.exchange.inbox import handles
from onething.exchange.models import InboundMessage, Partner, RemoteCase, RemoteEvent
from onething.exchange.outbox import enqueue
from onething.intake.validation import check_phone
from onething.licences.certificate import check_document
from onething.licences.signing import PublicKeys
from onething.outreach.holding import checked_id_number

MOST_MATERIAL_BYTES = 10 * 1024 * 1024
COLLECTIONS = {"window": "收件窗口领取", "post": "邮寄送达"}
KNOWN_FIELDS = {  # the form's fields that the person's identity fills in
    "applicant_name": "name",
    "applicant_id_number": "id_number",
    "applicant_phone": "phone",
}


@dataclass(frozen=True, slots=True)
class Material:
    material_id: str
    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Forwarding:
    """What the window clerk received: the partner's item, the person, the form."""

    partner: str
    package_id: str
    name: str
    id_number: str
    phone: str
    form: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    materials: tuple[Material, ...] = ()
    collection: str = "window"
    joint_case: str = ""  # 多地联办: the local case (受理编号) accepted with it, handed over once


def offered_package(partner: Partner, package_id: str) -> dict[str, Any]:
    for entry in partner.offered:
        if isinstance(entry, dict) and entry.get("package") == package_id:
            return entry
    raise InvalidInput(f"{partner.name}的跨省通办清单中没有 {package_id}")


def _person(forwarding: Forwarding) -> dict[str, str]:
    name = forwarding.name.strip()
    if not name or len(name) > 50:
        raise InvalidInput("请填写申请人姓名（不超过 50 个字）", {"fields": {"name": "必填"}})
    number = checked_id_number(forwarding.id_number, timezone.localdate())
    problem, phone = check_phone(forwarding.phone or "")
    if problem or len(phone) != 11:
        raise InvalidInput("请填写申请人的 11 位手机号码", {"fields": {"phone": "手机号码有误"}})
    return {"name": name, "id_number": number, "phone": phone}


def _form_for(entry: dict[str, Any], person: dict[str, str], typed: dict[str, str]) -> dict:
    form = {k: str(v).strip() for k, v in typed.items() if str(v).strip()}
    for field_id, key in KNOWN_FIELDS.items():
        form.setdefault(field_id, person[key])
    wanted = {f.get("id") for f in entry.get("fields", []) if isinstance(f, dict)}
    missing = [
        f.get("label", f.get("id"))
        for f in entry.get("fields", [])
        if isinstance(f, dict) and f.get("required", True) and f.get("id") not in form
    ]
    if missing:
        raise InvalidInput(f"请填写：{'、'.join(map(str, missing))}")
    return {k: v for k, v in form.items() if k in wanted}


def forward(actor: User, forwarding: Forwarding) -> RemoteCase:
    """收: the clerk received the application; it is forwarded (queued in this
    transaction, delivered by the sweep) within the item's forwarding time limit."""
    if not may_forward_cross_region(actor):
        raise Forbidden("只有综合窗口工作人员可以办理跨省通办收件")
    partner = Partner.objects.filter(code=forwarding.partner, active=True).first()
    if partner is None:
        raise InvalidInput(f"没有启用的合作节点 {forwarding.partner}")
    entry = offered_package(partner, forwarding.package_id)
    person = _person(forwarding)
    form = _form_for(entry, person, forwarding.form)
    if forwarding.collection not in COLLECTIONS:
        raise InvalidInput("领取方式须为收件窗口领取或邮寄送达")
    if sum(len(m.data) for m in forwarding.materials) > 5 * MOST_MATERIAL_BYTES:
        raise InvalidInput("材料合计不能超过 50 MB")
    joint = _joint_case(actor, forwarding.joint_case)
    today = timezone.localdate()
    due = current_calendar().add_working_days(today, int(entry.get("forward_days", 1)))
    with transaction.atomic():
        remote = RemoteCase.objects.create(
            partner=partner,
            direction=RemoteCase.FORWARDED,
            mode="多地联办" if joint else "异地代收代办",
            local_case_id=joint.pk if joint else None,
            package_id=forwarding.package_id,
            package_name=str(entry.get("name", forwarding.package_id))[:200],
            person_text=json.dumps(person, ensure_ascii=False),
            window=actor.jurisdiction,
            received_by=actor,
            received_at=timezone.now(),
            forward_due=due,
            collection=forwarding.collection,
        )
        note(remote, f"{actor.full_name or actor.username}在收件窗口核验身份和材料，收件并转办")
        enqueue(
            partner,
            "application",
            body={
                "package": forwarding.package_id,
                "place": entry.get("place", ""),
                "answers": forwarding.answers,
                "window": actor.jurisdiction,
                "received_at": remote.received_at.isoformat(),
                "forward_due": due.isoformat(),
                "collection": forwarding.collection,
                "mode": "多地联办" if joint else "异地代收代办",
                "joint_number": joint.number if joint else "",
            },
            secret={"person": person, "form": form, "materials": _sealed(forwarding)},
            remote_case=remote,
        )
    return remote


JOINABLE = ("submitted", "in_progress", "ready")


def _joint_case(actor: User, number: str) -> Case | None:
    """多地联办: the local case of the same applicant's package, by its 受理编号."""
    number = number.strip()
    if not number:
        return None
    case = cases_visible_to(actor).filter(number=number).first()
    if case is None:
        raise InvalidInput(f"没有受理编号为 {number[:40]} 的本地办件（或无权查看）")
    if case.state not in JOINABLE:
        raise InvalidInput(f"本地办件 {number} 已办结或终止，不能联办")
    return case


def _sealed(forwarding: Forwarding) -> list[dict[str, str]]:
    return [
        {
            "material_id": m.material_id,
            "name": m.name,
            "data": base64.b64encode(m.data).decode("ascii"),
        }
        for m in forwarding.materials
    ]


def note(remote: RemoteCase, text: str) -> None:
    RemoteEvent.objects.create(remote_case=remote, text=text[:300])


def hand_over(actor: User, ref, collection: str = "") -> RemoteCase:
    """The result handed to the applicant here (或邮寄); the partner is told."""
    if not may_forward_cross_region(actor):
        raise Forbidden("只有综合窗口工作人员可以送达跨省通办结果")
    with transaction.atomic():
        remote = RemoteCase.objects.select_for_update().filter(ref=ref).first()
        if remote is None or remote.direction != RemoteCase.FORWARDED:
            raise NotFound("没有这件跨省通办件")
        if remote.handed_over_at is not None:
            raise InvalidInput("该件已送达")
        if not remote.partner_state.startswith("办结"):
            raise InvalidInput("对方尚未办结，不能送达")
        if remote.local_case_id:  # 多地联办: both parts handed over at once (一次办成)
            _hand_over_joint(actor, remote.local_case_id)
            remote.refresh_from_db()
            if remote.handed_over_at is not None:  # its items were the case's: told already
                return remote
        remote.handed_over_at = timezone.now()
        remote.save(update_fields=["handed_over_at", "updated_at"])
        how = COLLECTIONS.get(collection or remote.collection, "收件窗口领取")
        note(remote, f"结果已送达申请人（{how}）")
        enqueue(remote.partner, "handover", {"how": how}, remote_case=remote)
    return remote


def _hand_over_joint(actor: User, case_id: int) -> None:
    case = Case.objects.get(pk=case_id)
    if case.state == "completed":
        return
    if case.state != "ready":
        raise InvalidInput(f"本地办件 {case.number} 尚未办结，两地结果须一次送达")
    hand_over_case(actor, case.public_id)


# --------------------------------------------------------------------------- 收件地 applies


def _forwarded(partner: Partner, message: InboundMessage) -> RemoteCase:
    remote = RemoteCase.objects.filter(ref=message.case_ref, partner=partner).first()
    if remote is None or remote.direction != RemoteCase.FORWARDED:
        raise NotFound(f"没有编号为 {message.case_ref} 的转办件")
    return remote


@handles("status")
def apply_status(partner: Partner, message: InboundMessage, secret: dict) -> None:
    remote = _forwarded(partner, message)
    body = message.body
    remote.partner_number = str(body.get("number") or remote.partner_number)[:40]
    remote.partner_state = str(body.get("state_label") or "")[:40]
    due = body.get("due_date")
    remote.partner_due = date.fromisoformat(due) if isinstance(due, str) and due else None
    remote.save(update_fields=["partner_number", "partner_state", "partner_due", "updated_at"])
    note(remote, f"{partner.name}：{body.get('note') or remote.partner_state}")
    if remote.items:  # 多地联办: the partner's items of a local case (joint.py imports us)
        from onething.exchange.joint import apply_partner_status

        apply_partner_status(remote, body)


@handles("certificate")
def apply_certificate(partner: Partner, message: InboundMessage, secret: dict) -> None:
    """The partner's certificate, verified here with the partner's issuing keys."""
    remote = _forwarded(partner, message)
    document = secret.get("document")
    if not isinstance(document, dict):
        raise InvalidInput("证照消息缺少证照内容")
    status = certificate_status(partner, document)
    remote.certificate, remote.certificate_status = document, status
    remote.save(update_fields=["certificate", "certificate_status", "updated_at"])
    label = {"valid": "验证有效", "expired": "已过期", "forged": "验证未通过"}[status]
    note(remote, f"收到{partner.name}签发的电子证照 {document.get('number', '')}，签名{label}")


def certificate_status(partner: Partner, document: dict) -> str:
    """valid, expired or forged: the partner's certificate checked with its keys (证照互认)."""
    try:
        keys = PublicKeys(
            {
                authority: {
                    kid: (meta["scheme"], base64.b64decode(meta["public"]))
                    for kid, meta in entries.items()
                }
                for authority, entries in partner.licence_keys.get("authorities", {}).items()
            }
        )
    except (KeyError, TypeError, AttributeError, ValueError):
        return "forged"
    return check_document(document, keys, timezone.localdate()).value
