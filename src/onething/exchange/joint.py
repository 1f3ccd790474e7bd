"""多地联办 (the receiving side): a package whose items are implemented in two regions —
户口迁移: 迁出 at the partner, 迁入 here — is filed and accepted once, here.

The catalogue marks the partner's items (`partner_place`, `partner_package`). When the
window accepts the case (CaseAccepted, in its transaction) the partner's part — the
applicant, the form's fields those items ask, the materials they need — is written to
the outbox for the partner that serves the place, and those items are held here
(cases/holds.py). The partner opens its own case and decides it with its own calendar
(exchange/handling.py, as for 异地代收代办); its status and certificate come back; on
its 办结 the held items are decided here as the partner decided them, the certificate
verified with the partner's keys (cases/partner_items.py), and the local items that
waited on them are released. The case is ready only when both sides are done; its one
handover (CaseHandedOver) tells the partner.
"""

from __future__ import annotations

import base64
import json
from collections import defaultdict

from django.utils import timezone

from onething.calendar.loaded import current_calendar
from onething.cases.holds import hold_items
from onething.cases.materials import case_guide, evidence_file
from onething.cases.models import Case
from onething.cases.partner_items import record_partner_decision
from onething.catalog.entities import Item
from onething.catalog.services import catalog_by_version_id
from onething.core.errors import InvalidInput
from onething.core.events import CaseAccepted, CaseHandedOver
from onething.core.prepared import PreparedQuery
from onething.exchange.journey import COLLECTIONS, note, offered_package
from onething.exchange.models import Partner, RemoteCase
from onething.exchange.outbox import enqueue

MODE = "多地联办"
MOST_SEALED_BYTES = 40 * 1024 * 1024  # 30 MB of files in base64: under the inbox's 48 MB
HOW = {"window": COLLECTIONS["window"], "post": COLLECTIONS["post"], "electronic": "电子送达"}


def _prefix(region: str) -> str:
    """The significant part of a GB/T 2260 code: 610800 → 6108, 610000 → 61."""
    code = region.strip()
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def partner_for(place: str) -> Partner:
    """The partner node that serves `place` (an active one first; a stopped one keeps
    its messages waiting in the outbox). Refused when no partner serves it."""
    serving = [
        p
        for p in Partner.objects.order_by("-active", "code")
        if any(place.startswith(_prefix(str(r))) for r in p.regions or ())
    ]
    if not serving:
        raise InvalidInput(
            f"多地联办：没有服务办理地 {place} 的合作节点，无法受理（请先添加合作节点）"
        )
    return serving[0]


def partner_parts(case: Case) -> dict[tuple[str, str], list[Item]]:
    """The case's items implemented by partners, by (place, partner package)."""
    catalog = catalog_by_version_id(case.catalog_version_id)
    parts: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item_id in case.tasks.order_by("position").values_list("item_id", flat=True):
        item = catalog.items.get(item_id)
        if item is not None and item.partner_place:
            parts[(item.partner_place, item.partner_package or case.package_id)].append(item)
    return dict(parts)


_package_of = PreparedQuery(  # compiled once (core/prepared.py): every acceptance asks
    lambda case_id: Case.objects.filter(pk=case_id).only("catalog_version_id", "package_id")
)


def _has_partner_items(case_id: int) -> bool:
    """Whether the case's package holds an item a partner implements (two small reads,
    the catalogue cached: every acceptance asks)."""
    case = _package_of.first(case_id)
    if case is None:
        return False
    catalog = catalog_by_version_id(case.catalog_version_id)
    package = catalog.packages.get(case.package_id)
    members = package.items if package is not None else ()
    return any(catalog.items[entry.item].partner_place for entry in members)


def on_accepted(event: CaseAccepted) -> None:
    """The case accepted here: each partner's part forwarded and held, in this transaction."""
    if not _has_partner_items(event.case_id):
        return
    case = Case.objects.select_related("applicant").get(pk=event.case_id)
    parts = partner_parts(case)
    for (place, package_id), items in parts.items():
        partner = partner_for(place)
        _forward(case, partner, place, package_id, items, event.actor_id)
        reason = f"由{partner.name}办理（多地联办，办理地 {place}），对方办结后自动记录结果"
        hold_items(case.pk, {item.id: reason for item in items})


def _person(case: Case) -> dict[str, str]:
    form, applicant = case.form, case.applicant
    return {
        "name": applicant.full_name or str(form.get("applicant_name", "")),
        "id_number": applicant.id_number or str(form.get("applicant_id_number", "")),
        "phone": str(form.get("applicant_phone") or applicant.phone or ""),
    }


def _part_of(case: Case, item_ids: set[str]) -> tuple[dict, list[dict]]:
    """The form's fields and the applicant's materials that the partner's items ask."""
    guide, form = case_guide(case), case.form
    fields = {f.id for f in guide.fields if item_ids & set(f.for_items)}
    wanted = {m.id for m in guide.materials if item_ids & set(m.for_items)}
    materials = []
    for evidence in case.evidence.filter(material_id__in=wanted).exclude(file_path=""):
        materials.append(
            {
                "material_id": evidence.material_id,
                "name": evidence.file_name or evidence.material_name,
                "data": base64.b64encode(evidence_file(evidence)).decode("ascii"),
            }
        )
    if sum(len(m["data"]) for m in materials) > MOST_SEALED_BYTES:
        raise InvalidInput("多地联办：对方办理所需的材料合计超过 30 MB，请压缩后重新上传再受理")
    return {k: str(v) for k, v in form.items() if k in fields and str(v).strip()}, materials


def _forward(
    case: Case, partner: Partner, place: str, package_id: str, items: list[Item], actor_id
) -> RemoteCase:
    try:
        entry = offered_package(partner, package_id)
    except InvalidInput:
        entry = {}  # not (yet) on the partner's list: the catalogue says what it needs
    person = _person(case)
    form, materials = _part_of(case, {item.id for item in items})
    due = current_calendar().add_working_days(
        timezone.localdate(), int(entry.get("forward_days", 1))
    )
    remote = RemoteCase.objects.create(
        partner=partner,
        direction=RemoteCase.FORWARDED,
        mode=MODE,
        local_case_id=case.pk,
        items=[item.id for item in items],
        package_id=package_id,
        package_name=str(entry.get("name") or "、".join(i.name for i in items))[:200],
        person_text=json.dumps(person, ensure_ascii=False),
        window=case.window,
        received_by_id=actor_id,
        received_at=timezone.now(),
        forward_due=due,
        collection="window",
    )
    names = "、".join(item.name for item in items)
    note(remote, f"本地办件 {case.number} 受理（多地联办）：{names}转{partner.name}办理")
    enqueue(
        partner,
        "application",
        body={
            "package": package_id,
            "place": place,
            "answers": {},
            "window": case.window,
            "received_at": remote.received_at.isoformat(),
            "forward_due": due.isoformat(),
            "collection": "window",
            "mode": MODE,
            "joint_number": case.number or "",
        },
        secret={"person": person, "form": form, "materials": materials},
        remote_case=remote,
    )
    return remote


# --------------------------------------------------------------------------- the partner's result


def outcome_of(body: dict) -> str:
    """approved | rejected | "" (not decided yet) from a `status` message's body."""
    outcome = str(body.get("outcome") or "")
    if outcome in ("approved", "rejected"):
        return outcome
    return "rejected" if body.get("state") in ("refused", "withdrawn") else ""


def apply_partner_status(remote: RemoteCase, body: dict) -> None:
    """The partner's status applied to the local case: on its 办结 the held items are
    decided here as it decided them (approved only with a certificate that verifies,
    when one came)."""
    outcome = outcome_of(body)
    if not remote.items or not remote.local_case_id or not outcome:
        return
    who = f"{remote.partner.name}（对方受理编号 {remote.partner_number or '—'}）"
    data = {"partner": remote.partner.code, "partner_number": remote.partner_number}
    if outcome == "rejected":
        why = str(body.get("note") or remote.partner_state or "不予办理")[:200]
        record_partner_decision(remote.local_case_id, remote.items, False, f"{who}：{why}", data)
        note(remote, f"对方不予办理：{why}；本地相关事项已终止")
        return
    certificate = remote.certificate or {}
    if certificate and remote.certificate_status != "valid":
        note(remote, "对方办结，但其电子证照核验未通过：本地事项暂不记录办结，请与对方核实")
        return
    text = f"{who}办结（准予）"
    if certificate:
        number = str(certificate.get("number", ""))
        text += f"，电子证照 {number} 经对方公钥核验有效"
        data["certificate"] = {"number": number, "type_name": certificate.get("type_name", "")}
    decided = record_partner_decision(remote.local_case_id, remote.items, True, text, data)
    if decided:
        note(remote, "对方办结：本地办件中对方办理的事项已记录办结，后续事项开放办理")


def on_handed_over(event: CaseHandedOver) -> None:
    """一次送达: the local case's results handed over; each partner of its 多地联办 part
    is told (handover), once."""
    remotes = RemoteCase.objects.filter(
        local_case_id=event.case_id, direction=RemoteCase.FORWARDED, handed_over_at=None
    )
    how = HOW.get(event.method, COLLECTIONS["window"])
    for remote in remotes.select_related("partner"):
        if not remote.items:  # a case linked by the clerk (joint_case): journey.hand_over
            continue
        remote.handed_over_at = timezone.now()
        remote.save(update_fields=["handed_over_at", "updated_at"])
        note(remote, f"两地结果已一次送达申请人（{how}）")
        enqueue(remote.partner, "handover", {"how": how}, remote_case=remote)
