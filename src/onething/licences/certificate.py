"""The electronic licence as a signed JSON document, and what a verifier makes of it.

``certificate_payload`` builds the dict that is signed; ``signed_document`` adds the
``signature``; ``check_document`` tells valid, expired or forged from the document and
the issuers' public keys alone. Revoked and unknown licences need the registry: the
storage layer reports those.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal, Protocol

from onething.licences.canonical import canonical_bytes
from onething.licences.identifiers import parse_number
from onething.licences.signing import Signature

HolderKind = Literal["person", "enterprise"]

PAYLOAD_KEYS = frozenset(
    {"number", "type", "type_name", "holder", "issuer", "issued_on", "valid_until", "data"}
)
HOLDER_KEYS = frozenset({"kind", "name", "code"})
ISSUER_KEYS = frozenset({"name", "department", "jurisdiction", "uscc"})
SIGNATURE_KEYS = frozenset({"scheme", "key_id", "value"})
DOCUMENT_KEYS = PAYLOAD_KEYS | {"signature"}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class LicenceStatus(StrEnum):
    valid = "valid"
    expired = "expired"
    revoked = "revoked"
    unknown = "unknown"
    forged = "forged"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[LicenceStatus, str] = {
    LicenceStatus.valid: "有效",
    LicenceStatus.expired: "已过期",
    LicenceStatus.revoked: "已撤销",
    LicenceStatus.unknown: "未找到",
    LicenceStatus.forged: "伪造或被篡改",
}


@dataclass(frozen=True, slots=True)
class Holder:
    kind: HolderKind
    name: str
    code: str  # 统一社会信用代码 of an enterprise, ID number of a person


@dataclass(frozen=True, slots=True)
class Issuer:
    name: str  # the name printed as issuer, e.g. 吕梁市市场监督管理局
    department: str  # catalogue department id
    jurisdiction: str  # 6-digit jurisdiction code
    uscc: str  # the issuing authority's code: its signing keys are filed under it


class Signer(Protocol):
    def sign(self, authority: str, message: bytes) -> Signature: ...


class Verifier(Protocol):
    def verify(self, authority: str, message: bytes, signature: Signature) -> bool: ...


def _iso(day: date) -> str:
    if isinstance(day, datetime) or not isinstance(day, date):
        raise ValueError(f"expected a date, got {day!r}")
    return day.isoformat()


def certificate_payload(
    *,
    number: str,
    type_code: str,
    type_name: str,
    holder: Holder,
    issuer: Issuer,
    issued_on: date,
    valid_until: date | None,
    data: Mapping[str, Any],
) -> dict[str, Any]:
    """The dict that is signed; ``ValueError`` when the parts contradict each other."""
    parsed = parse_number(number)
    if parsed.type_code != type_code:
        raise ValueError(f"number {number} is not of licence type {type_code}")
    if parsed.issuer_uscc != issuer.uscc:
        raise ValueError(f"number {number} is not issued by {issuer.uscc}")
    if holder.kind not in ("person", "enterprise"):
        raise ValueError(f"holder kind must be person or enterprise: {holder.kind!r}")
    if valid_until is not None and valid_until < issued_on:
        raise ValueError(f"valid until {valid_until} is before issued on {issued_on}")
    return {
        "number": parsed.text,
        "type": type_code,
        "type_name": type_name,
        "holder": {"kind": holder.kind, "name": holder.name, "code": holder.code},
        "issuer": {
            "name": issuer.name,
            "department": issuer.department,
            "jurisdiction": issuer.jurisdiction,
            "uscc": issuer.uscc,
        },
        "issued_on": _iso(issued_on),
        "valid_until": None if valid_until is None else _iso(valid_until),
        "data": dict(data),
    }


def signed_document(payload: Mapping[str, Any], signature: Signature) -> dict[str, Any]:
    """The payload with its ``signature``."""
    if "signature" in payload:
        raise ValueError("the payload is already signed")
    return {**payload, "signature": signature.as_dict()}


def sign_certificate(payload: Mapping[str, Any], signer: Signer) -> dict[str, Any]:
    """Sign ``payload`` with its issuer's current key: the signed document."""
    signature = signer.sign(payload["issuer"]["uscc"], canonical_bytes(payload))
    return signed_document(payload, signature)


def payload_of(document: Mapping[str, Any]) -> dict[str, Any]:
    """The signed part of a document: everything but ``signature``."""
    return {key: value for key, value in document.items() if key != "signature"}


def _keys_are(value: object, keys: frozenset[str]) -> bool:
    return isinstance(value, Mapping) and value.keys() == keys


def _all_str(mapping: Mapping[str, Any]) -> bool:
    return all(isinstance(value, str) for value in mapping.values())


def _read_date(value: object) -> date:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError(f"not a YYYY-MM-DD date: {value!r}")
    return date.fromisoformat(value)


def _read(document: object) -> tuple[str, Signature, date | None]:
    """(issuer code, signature, valid until) of a well-formed document, else ValueError."""
    if not isinstance(document, Mapping) or document.keys() != DOCUMENT_KEYS:
        raise ValueError("not a licence document")
    holder, issuer, signature = document["holder"], document["issuer"], document["signature"]
    if not (_keys_are(holder, HOLDER_KEYS) and _all_str(holder)):
        raise ValueError("malformed holder")
    if holder["kind"] not in ("person", "enterprise"):
        raise ValueError("malformed holder")
    if not (_keys_are(issuer, ISSUER_KEYS) and _all_str(issuer)):
        raise ValueError("malformed issuer")
    if not (_keys_are(signature, SIGNATURE_KEYS) and _all_str(signature)):
        raise ValueError("malformed signature")
    if not (isinstance(document["type"], str) and isinstance(document["type_name"], str)):
        raise ValueError("malformed type")
    if not isinstance(document["data"], Mapping):
        raise ValueError("malformed data")
    number = parse_number(document["number"])
    if number.text != document["number"]:
        raise ValueError("number not written canonically")
    if number.type_code != document["type"] or number.issuer_uscc != issuer["uscc"]:
        raise ValueError("number does not match type or issuer")
    issued_on = _read_date(document["issued_on"])
    valid_until = document["valid_until"]
    if valid_until is not None:
        valid_until = _read_date(valid_until)
        if valid_until < issued_on:
            raise ValueError("valid until before issued on")
    return (
        issuer["uscc"],
        Signature(signature["scheme"], signature["key_id"], signature["value"]),
        valid_until,
    )


def check_document(
    document: Mapping[str, Any], public_keys: Verifier, today: date
) -> LicenceStatus:
    """valid, expired or forged — from the document and the issuers' public keys alone.

    Forged: malformed, a number that fails its check or does not match the type and
    issuer, a missing signature or one that does not verify over the canonical bytes of
    the rest of the document. Never raises on garbage.
    """
    try:
        authority, signature, valid_until = _read(document)
        message = canonical_bytes(payload_of(document))
    except (ValueError, TypeError, RecursionError):
        return LicenceStatus.forged
    if not public_keys.verify(authority, message, signature):
        return LicenceStatus.forged
    if valid_until is not None and valid_until < today:
        return LicenceStatus.expired
    return LicenceStatus.valid
