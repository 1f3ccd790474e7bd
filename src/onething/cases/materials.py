"""A case's materials (申请材料), each handed in once for the whole case: one record per
material the case needs, kept in step with the answers while the case is a draft, so
the applicant uploads each at its place in the list before submitting.

Where a material comes from (`Evidence.origin`):
- ``applicant``: uploaded (C), checked at the window (B), promised (D), or a valid
  electronic certificate the applicant already holds, attached by reference (A);
- ``form``: the 申请书 the platform makes from the one form — never an upload (A once
  submitted; its PDF is rendered from the stored form);
- ``package``: the certificate an earlier item of this case issues (营业执照 from
  企业设立登记) — never an upload; fulfilled (A) when that item is approved.

Every change is one transaction with its audit record; a refused one changes nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from onething.accounts.models import User
from onething.cases import evidence as evidence_rules, store, uploads
from onething.cases.base import locked_case, record, require
from onething.cases.evidence import TrustLevel
from onething.cases.lifecycle import CaseState
from onething.cases.models import Case, Evidence
from onething.cases.query import evidence_of
from onething.catalog.guide import Guide
from onething.catalog.services import catalog_of, guide_for_version_id
from onething.core.access import may_act_on_case, require_may_act
from onething.core.errors import Conflict, InvalidInput, NotFound
from onething.core.events import LicenceIssued, MaterialUploaded, publish
from onething.core.roles import Role
from onething.intake import files
from onething.intake.blank_pages import blank_pages
from onething.intake.precheck import Finding, MaterialState, precheck
from onething.licences.services import valid_licences

MAX_UPLOAD_BYTES = files.MAX_BYTES
OPEN_FOR_MATERIALS = (
    CaseState.DRAFT,
    CaseState.SUBMITTED,
    CaseState.AWAITING_COMPLETION,
    CaseState.IN_PROGRESS,
)


def case_guide(case: Case) -> Guide:
    return guide_for_version_id(case.catalog_version_id, case.package_id, case.answers)


def sync_evidence(
    case: Case, guide: Guide | None = None, fresh: bool = False, form_trust: str = ""
) -> None:
    """One record per material the case needs now (call inside the change's
    transaction): new ones added — a material the applicant holds as a valid certificate
    at level A (免提交) — and those the answers no longer call for removed. `fresh`: the
    case was created in this transaction (it has no records to read); `form_trust`: the
    level the new 申请书 records take."""

    guide = guide or case_guide(case)
    wanted = [m for m in guide.materials if m.required or not m.asked_of_applicant]
    existing = {} if fresh else {e.material_id: e for e in Evidence.objects.filter(case_id=case.pk)}
    stale = [e.pk for key, e in existing.items() if key not in {m.id for m in wanted}]
    if stale:
        Evidence.objects.filter(pk__in=stale).delete()
    types = {m.evidence for m in wanted if m.evidence and m.asked_of_applicant}
    held = valid_licences(case.applicant, types) if types else {}
    now = timezone.now()
    rows = []
    for material in wanted:
        if material.id in existing:
            continue
        origin = "form" if material.generated else "package" if material.produced_by else ""
        licence = held.get(material.evidence) if material.evidence and not origin else None
        rows.append(
            Evidence(
                case=case,
                material_id=material.id,
                material_name=material.name,
                evidence_type=material.evidence or "",
                commitment_allowed=material.commitment and not origin,
                origin=origin or "applicant",
                produced_by=material.produced_by or "",
                trust=TrustLevel.A.value if licence else form_trust if origin == "form" else "",
                licence=licence,
                updated_at=now,
            )
        )
    store.insert(rows)  # a fixed statement (their ids are not read here)


def on_submit(case: Case, card_read_at: str = "", fresh: bool = False) -> None:
    """At submission: the records match the answers, and the 申请书 is made from the
    form the applicant just confirmed (A: the platform's own, nothing to check). With
    `card_read_at` (a kiosk's code), the kiosk's reader read the applicant's own ID card
    — the original — when they signed in there: their ID card materials are checked (B).
    `fresh`: filed and submitted at once (no draft's records to read or raise)."""
    sync_evidence(case, fresh=fresh, form_trust=TrustLevel.A.value)
    now = timezone.now()
    if not fresh:  # a draft's 申请书 record, made while it was a draft
        Evidence.objects.filter(case_id=case.pk, origin="form").update(
            trust=TrustLevel.A.value, updated_at=now
        )
    if card_read_at:
        _card_read(case, card_read_at, now)


ID_CARD = "id_card"  # the e-licence type of a 居民身份证 (the catalogue's `evidence`)


def _card_read(case: Case, kiosk_code: str, now) -> None:
    rows = Evidence.objects.filter(
        case_id=case.pk, origin="applicant", evidence_type=ID_CARD
    ).exclude(trust__in=(TrustLevel.A.value, TrustLevel.B.value))
    names = list(rows.values_list("material_name", flat=True))
    if not names:
        return
    rows.update(trust=TrustLevel.B.value, checked_at=now, check_note="", updated_at=now)
    note = f"自助终端 {kiosk_code} 读取身份证芯片核验：{'、'.join(names)}"
    record(case, "check_original", None, case.state, case.state, note=note, data={"to": "B"})


def fulfil_from_licence(event: LicenceIssued) -> int:
    """The certificate an item of this case just issued stands for the materials it
    produces (免提交 within the package; a handler of `LicenceIssued`); how many."""
    return store.update_where(  # at every issuing approval: a fixed statement
        Evidence,
        {"licence": event.licence_id, "trust": TrustLevel.A.value, "updated_at": timezone.now()},
        {"case": event.case_id, "origin": "package", "evidence_type": event.type_id, "trust": ""},
    )


def _evidence_of(case: Case, evidence_id: int) -> Evidence:
    evidence = Evidence.objects.filter(case_id=case.pk, pk=evidence_id).first()
    if evidence is None:
        raise NotFound("该办件没有这项材料")
    return evidence


def _trust(evidence: Evidence) -> TrustLevel | None:
    """The material's level; None while it is still missing."""
    return TrustLevel(evidence.trust) if evidence.trust else None


def _applicants_material(actor: User, case_id, evidence_id: int, what: str):
    case = locked_case(case_id)
    require_may_act(actor, case, f"只有申请人或其代办人可以{what}")
    if case.state not in OPEN_FOR_MATERIALS:
        raise Conflict("办件已办结或终止，不能再提交材料")
    evidence = _evidence_of(case, evidence_id)
    if evidence.origin != "applicant":
        raise Conflict(f"“{evidence.material_name}”{made_by_text(evidence)}，无需提交")
    return case, evidence


def made_by_text(evidence: Evidence, item_name: str = "") -> str:
    if evidence.origin == "form":
        return "由平台按一表申报内容自动生成"
    if evidence.origin == "package":
        return f"由本件事“{item_name or evidence.produced_by}”生成"
    return ""


def upload_evidence(actor: User, case_id, evidence_id: int, name: str, data: bytes) -> Evidence:
    """The applicant uploads a material once for the whole case (every item that needs it
    shares it), also while the case is a draft: level C, the original still to be
    checked. The kind is judged by content (PDF, OFD, JPEG, PNG), the page count, blank
    pages and SHA-256 are recorded, and the file is kept encrypted under its digest; the
    uploaded name is only ever shown."""
    try:
        facts = files.examine(data)
    except files.UploadRefused as refused:
        raise InvalidInput(str(refused)) from None
    empty_pages = list(blank_pages(facts.kind, data))
    with transaction.atomic():
        case, evidence = _applicants_material(actor, case_id, evidence_id, "上传材料")
        try:
            level = evidence_rules.uploaded(_trust(evidence))
        except evidence_rules.EvidenceRefused as refused:
            raise Conflict(str(refused)) from None
        digest, relative = uploads.put(data)  # before the row: a crash leaves only a file
        evidence.trust = level.value
        evidence.file_name = files.safe_display_name(name, facts.kind)
        evidence.file_path = relative
        evidence.sha256, evidence.size, evidence.pages = digest, facts.size, facts.pages
        evidence.content_type = facts.content_type
        evidence.blank_pages = empty_pages
        evidence.checked_by, evidence.checked_at, evidence.check_note = None, None, ""
        evidence.save()
        record(
            case,
            "upload_evidence",
            actor,
            case.state,
            case.state,
            note=evidence.material_name,
            data={"sha256": digest, "size": facts.size, "pages": facts.pages},
        )
        publish(
            MaterialUploaded(
                case.pk,
                evidence.pk,
                evidence.evidence_type,
                evidence.material_name,
                facts.kind,
                data,
            )
        )
        evidence.refresh_from_db()  # a partner's certificate may stand for it (A)
        return evidence


def recognise_certificate(case_id: int, evidence_id: int, note: str, data: dict) -> Evidence:
    """证照互认: the file just uploaded for this material is a certificate that its issuer
    signed and that names the applicant — a partner region's, checked with the keys it
    published (exchange/recognition.py): the material stands at level A, as a
    certificate of our own library would, and the check is in the case's record."""
    evidence = Evidence.objects.select_related("case").get(pk=evidence_id, case_id=case_id)
    if evidence.origin != "applicant" or not evidence.file_path:
        return evidence
    evidence.trust = TrustLevel.A.value
    evidence.checked_by, evidence.checked_at = None, timezone.now()
    evidence.check_note = ""
    evidence.save(update_fields=["trust", "checked_by", "checked_at", "check_note", "updated_at"])
    case = evidence.case
    record(case, "recognise_certificate", None, case.state, case.state, note=note, data=data)
    return evidence


def evidence_file(evidence: Evidence) -> bytes:
    if not evidence.file_path:
        raise NotFound("该材料没有上传的文件")
    return uploads.get(evidence.file_path)


def promise_evidence(actor: User, case_id, evidence_id: int) -> Evidence:
    """告知承诺: the applicant's written promise stands in for the material (D)."""
    with transaction.atomic():
        case, evidence = _applicants_material(actor, case_id, evidence_id, "作出承诺")
        try:
            level = evidence_rules.promised(_trust(evidence), evidence.commitment_allowed)
        except evidence_rules.EvidenceRefused as refused:
            raise Conflict(str(refused)) from None
        evidence.trust = level.value
        evidence.save()
        record(
            case,
            "promise_evidence",
            actor,
            case.state,
            case.state,
            note=f"承诺：{evidence.material_name}符合要求，如不实愿承担相应法律责任",
        )
        return evidence


def _clerks_material(actor: User, case_id, evidence_id: int) -> tuple[Case, Evidence]:
    case = locked_case(case_id)
    require(actor.role == Role.CLERK and may_act_on_case(actor, case), "只有受理窗口可以核验材料")
    if case.state in (CaseState.DRAFT, CaseState.COMPLETED, CaseState.REFUSED):
        raise Conflict("办件未提交或已办结，不能再核验材料")
    return case, _evidence_of(case, evidence_id)


def check_original(
    actor: User, case_id, evidence_id: int, paper_received: bool = False
) -> Evidence:
    """核验: the window clerk has seen the original; C (or a material brought in)
    becomes B. With `paper_received`, the clerk also keeps the paper copy handed in."""
    with transaction.atomic():
        case, evidence = _clerks_material(actor, case_id, evidence_id)
        if evidence.origin != "applicant":
            raise Conflict(f"“{evidence.material_name}”{made_by_text(evidence)}，无需核验")
        try:
            level = evidence_rules.checked_by_clerk(_trust(evidence))
        except evidence_rules.EvidenceRefused as refused:
            raise Conflict(str(refused)) from None
        before = evidence.trust or "-"
        evidence.trust = level.value
        evidence.checked_by, evidence.checked_at = actor, timezone.now()
        evidence.paper_received = evidence.paper_received or paper_received
        evidence.check_note = ""
        evidence.save()
        record(
            case,
            "receive_paper" if paper_received else "check_original",
            actor,
            case.state,
            case.state,
            note=evidence.material_name,
            data={"from": before, "to": level.value, "paper": paper_received},
        )
        return evidence


def check_all(actor: User, case_id, paper_received: bool = False) -> list[Evidence]:
    """核验 at the window of every material still unchecked in one go (the applicant
    brought the originals): each becomes B; one audit record lists them."""
    with transaction.atomic():
        case = locked_case(case_id)
        require(
            actor.role == Role.CLERK and may_act_on_case(actor, case), "只有受理窗口可以核验材料"
        )
        if case.state in (CaseState.DRAFT, CaseState.COMPLETED, CaseState.REFUSED):
            raise Conflict("办件未提交或已办结，不能再核验材料")
        waiting = [
            e
            for e in Evidence.objects.filter(case_id=case.pk, origin="applicant")
            if e.trust in ("", TrustLevel.C.value) and not e.check_note  # explained: done
        ]
        if not waiting:
            raise Conflict("没有待核验原件的材料")
        now = timezone.now()
        for evidence in waiting:
            evidence.trust = TrustLevel.B.value
            evidence.checked_by, evidence.checked_at, evidence.check_note = actor, now, ""
            evidence.paper_received = evidence.paper_received or paper_received
        # Every row takes the same values: one plain UPDATE (bulk_update's CASE per row
        # and column cost ≈ 10 ms a case to build); paper_received only when it is set.
        checked = {"trust": TrustLevel.B.value, "checked_by": actor, "checked_at": now}
        Evidence.objects.filter(pk__in=[e.pk for e in waiting]).update(
            **checked, check_note="", **({"paper_received": True} if paper_received else {})
        )
        record(
            case,
            "check_all",
            actor,
            case.state,
            case.state,
            note="、".join(e.material_name for e in waiting),
            data={"materials": len(waiting), "paper": paper_received},
        )
        return waiting


def note_unchecked(actor: User, case_id, evidence_id: int, reason: str) -> Evidence:
    """The window records why a material is handed over without being checked against
    its original (e.g. 原件已由审批部门现场核查); the record shows who and when."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("请写明未核验原件的理由", {"fields": {"reason": "请写明理由"}})
    with transaction.atomic():
        case, evidence = _clerks_material(actor, case_id, evidence_id)
        if evidence_rules.verified(_trust(evidence)):
            raise Conflict(f"“{evidence.material_name}”已经核验，无需说明理由")
        evidence.check_note = reason[:500]
        evidence.checked_by, evidence.checked_at = actor, timezone.now()
        evidence.save()
        record(
            case,
            "note_unchecked",
            actor,
            case.state,
            case.state,
            note=f"{evidence.material_name}：{evidence.check_note}",
        )
        return evidence


def unchecked_materials(case: Case) -> list[Evidence]:
    """The materials the window has neither verified nor explained (出件 waits for
    them). A package's certificate still unissued is not one: the item that would have
    issued it was refused, so nothing that needed it went ahead."""
    return [
        evidence
        for evidence in Evidence.objects.filter(case_id=case.pk)
        if not evidence_rules.verified(_trust(evidence))
        and not evidence.check_note
        and evidence.origin == "applicant"
    ]


def material_states(case: Case, rows: list[Evidence], today) -> list[MaterialState]:
    """The case's materials as 预审 reads them (rows with their certificates loaded)."""
    states = []
    for evidence in rows:
        licence = evidence.licence if evidence.licence_id else None
        status = licence.status_on(today) if licence is not None else None
        problem = status.label if status is not None and status != "valid" else ""
        states.append(
            MaterialState(
                name=evidence.material_name,
                required=True,
                provided=bool(evidence.trust),
                certificate_problem=problem,
                key=evidence.material_id,
                made_for_applicant=evidence.origin != "applicant",
                sha256=evidence.sha256,
                blank_pages=tuple(evidence.blank_pages or ()),
            )
        )
    return states


def precheck_of(case: Case, rows: list[Evidence] | None = None) -> list[Finding]:
    """预审 of a case as it stands: what the applicant must fix, where the window's check
    starts, and the lines a 一次性告知书 starts from."""

    catalog = catalog_of(case.catalog_version)
    today = timezone.localdate()
    labels = {field_id: field.label for field_id, field in catalog.fields.items()}
    rows = evidence_of(case) if rows is None else rows
    values = {k: str(v) for k, v in case.form.items()}
    return precheck(
        values, labels, material_states(case, rows, today), today, case.applicant.id_number or ""
    )
