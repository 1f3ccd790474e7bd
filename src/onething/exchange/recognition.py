"""证照互认 (全程网办): a certificate issued by a partner region's authority, checked here
with the issuing keys the partner published in its identity document — valid, expired or
forged — as our own are checked with ours (licences/certificate.check_document)."""

from __future__ import annotations

from dataclasses import dataclass

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
