"""证照互认 (全程网办): a certificate issued by a partner region's authority, checked here
with the issuing keys the partner published in its identity document — valid, expired or
forged — as our own are checked with ours (licences/certificate.check_document)."""

from __future__ import annotations

from dataclasses import dataclass

from onething.accounts.models import User
from onething.cases import materials
from onething.cases.models import Case
from onething.catalog.services import current_catalog
from onething.core.events import MaterialUploaded
from onething.exchange.journey import certificate_status
from onething.exchange.models import Partner
from onething.licences import upload

LABELS = {
    "valid": "有效：经合作地区签发机关的公钥验证",
    "expired": "签名有效，但证照已过有效期",
    "forged": "验证未通过：签名与证照数据不符",
    "unknown": "不是已登记的合作地区签发的证照",
}


@dataclass(frozen=True, slots=True)
class Recognition:
    status: str  # valid | expired | forged | unknown
    number: str = ""
    name: str = ""  # the certificate's type
    partner: Partner | None = None
    message: str = ""

    @property
    def label(self) -> str:
        return self.message or LABELS[self.status]


def recognise(document: object) -> Recognition:
    """Which partner issued this certificate, and whether it stands (today)."""
    if not isinstance(document, dict):
        return Recognition("forged", message="不是电子证照数据")
    number = str(document.get("number", ""))[:96]
    name = str(document.get("type_name") or "")[:60]
    issuer = document.get("issuer")
    authority = str(issuer.get("uscc", "")) if isinstance(issuer, dict) else ""
    seen_forged = False
    for partner in Partner.objects.filter(active=True):
        authorities = (partner.licence_keys or {}).get("authorities", {})
        if authority and authorities and authority not in authorities:
            continue
        status = certificate_status(partner, document)
        if status != "forged":
            return Recognition(status, number, name, partner)
        seen_forged = seen_forged or bool(authorities)
    return Recognition("forged" if seen_forged else "unknown", number, name)


def recognise_file(data: bytes) -> Recognition:
    """An uploaded certificate: its PDF (the embedded licence.json) or the JSON itself."""
    try:
        document = upload.signed_document(data)
    except upload.UploadProblem as problem:
        return Recognition("forged", message=str(problem))
    return recognise(document)


def on_material_uploaded(event: MaterialUploaded) -> None:
    """全程网办 证照互认 as a material (免提交): the file uploaded for a material is a
    certificate a partner region issued, its signature holds with that partner's keys,
    it is valid today, it names the case's applicant, and its type is the one the
    material accepts — then it stands for the material as one of ours would (A)."""
    if event.kind != "pdf" or not event.evidence_type:
        return
    try:
        document = upload.signed_document(event.data)
    except upload.UploadProblem:
        return  # a scan, not a signed certificate: the window checks its original
    found = recognise(document)
    if found.status != "valid" or found.partner is None:
        return
    applicant_id = Case.objects.values_list("applicant_id", flat=True).get(pk=event.case_id)
    if not _names_the_applicant(document, User.objects.get(pk=applicant_id)):
        return
    if not _fits(found.name, event):
        return
    note = f"跨省通办证照互认：{found.partner.name}签发的《{found.name}》{found.number}，签名有效"
    data = {"partner": found.partner.code, "number": found.number}
    materials.recognise_certificate(event.case_id, event.evidence_id, note, data)


def _names_the_applicant(document: dict, applicant) -> bool:
    holder = document.get("holder")
    if not isinstance(holder, dict):
        return False
    code = str(holder.get("code") or "").strip().upper()
    own = {str(applicant.id_number or "").upper(), str(applicant.uscc or "").upper()} - {""}
    return bool(code) and code in own


def _fits(type_name: str, event: MaterialUploaded) -> bool:
    """The certificate's type is the one the material accepts (by name: the partner's
    catalogue has its own ids), or the material names it."""
    current = current_catalog()
    ours = current.catalog.licence_types.get(event.evidence_type) if current else None
    names = {ours.name} if ours is not None else set()
    return bool(type_name) and (type_name in names or type_name in event.material_name)
