"""Issuing, looking up and revoking electronic certificates (the storage layer over the
pure `identifiers`, `signing` and `documents`).

A certificate is issued in the same transaction as the approval that produces it, so
an approved item never lacks its certificate and a failed approval leaves none.
"""

from __future__ import annotations

import calendar as month_calendar
import json
import os
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.utils import timezone

from onething import paths
from onething.accounts.models import User
from onething.catalog.entities import Catalog, LicenceType
from onething.catalog.services import catalog_by_version_id
from onething.core import crypto_profile
from onething.core.access import may_revoke_licence, may_revoke_licences
from onething.core.events import LicenceIssued, TaskApproved, publish
from onething.core.roles import ApplicantKind
from onething.licences import events, upload
from onething.licences.certificate import (
    Holder,
    Issuer,
    LicenceStatus,
    certificate_payload,
    check_document,
    sign_certificate,
)
from onething.licences.identifiers import NumberError, issuer_code_for, make_number, parse_number
from onething.licences.models import (
    STATE_REVOKED,
    STATE_VALID,
    Licence,
    LicenceEvent,
    LicenceSerial,
)
from onething.licences.signing import KeyRing
from onething.privacy.crypto import lookup_digest


class LicenceError(Exception):
    status = 400

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@lru_cache(maxsize=4)
def _keyring(root: Path, scheme: str) -> KeyRing:
    return KeyRing(root, scheme)


@lru_cache(maxsize=8)
def _keys_dir(_configured: tuple[str | None, ...]) -> Path:
    return paths.licence_keys_dir()


def keyring() -> KeyRing:
    """The issuing authorities' keys, in the data directory (outside the database),
    signing with the crypto profile's scheme (Ed25519, or SM2 under gm); every key of
    either scheme verifies. The folder is resolved once per configuration (a resolve
    costs file-system calls at every certificate)."""
    configured = tuple(os.environ.get(name) for name in _KEYS_DIR_SETTINGS)
    return _keyring(_keys_dir(configured), crypto_profile.current().signature)


# What `paths.licence_keys_dir` reads.
_KEYS_DIR_SETTINGS = ("ONETHING_LICENCE_KEYS_DIR", "ONETHING_DATA_DIR", "XDG_DATA_HOME", "HOME")


def valid_until(issued_on: date, years: int | None) -> date | None:
    """The last day of validity: `years` after issue, less a day (None: 长期)."""
    if years is None:
        return None
    year = issued_on.year + years
    day = min(issued_on.day, month_calendar.monthrange(year, issued_on.month)[1])
    return date(year, issued_on.month, day) - timedelta(days=1)


def _next_serial(type_code: str, issuer_uscc: str) -> int:
    """The next 顺序号 of this type at this issuer (inside the caller's transaction)."""
    # One statement: the row stays locked until the approval commits (no two issues of the
    # same type at the same issuer can get the same serial).
    table = connection.ops.quote_name(LicenceSerial._meta.db_table)
    bump = (
        f"UPDATE {table} SET last = last + 1 "
        "WHERE type_code = %s AND issuer_uscc = %s RETURNING last"
    )
    with connection.cursor() as cursor:
        cursor.execute(bump, [type_code, issuer_uscc])
        row = cursor.fetchone()
        if row is not None:
            return row[0]
        try:
            with transaction.atomic():  # a savepoint: a racing first issue retries below
                LicenceSerial.objects.create(type_code=type_code, issuer_uscc=issuer_uscc, last=1)
            return 1
        except IntegrityError:
            cursor.execute(bump, [type_code, issuer_uscc])
            return cursor.fetchone()[0]


def holder_of(person: User | HolderRecord) -> Holder:
    if person.applicant_kind == ApplicantKind.ENTERPRISE:
        return Holder("enterprise", person.full_name, person.uscc or "")
    return Holder("person", person.full_name, person.id_number or "")


@dataclass(frozen=True, slots=True)
class Issue:
    """What to issue: the type, to whom, by whom, with which data."""

    licence_type: LicenceType
    holder: User | HolderRecord
    department: str
    department_name: str
    jurisdiction: str
    jurisdiction_name: str
    data: dict[str, str]


def issue(
    request: Issue,
    case_id: int | None = None,
    task_id: int | None = None,
    today: date | None = None,
) -> Licence:
    """Number, sign and store a certificate (call inside the approval's transaction)."""
    today = today or timezone.localdate()
    kind = request.licence_type
    issuer_uscc = issuer_code_for(request.jurisdiction, request.department)
    serial = _next_serial(kind.code, issuer_uscc)
    number = make_number(kind.code, issuer_uscc, serial)
    holder = holder_of(request.holder)
    payload = certificate_payload(
        number=number,
        type_code=kind.code,
        type_name=kind.name,
        holder=holder,
        issuer=Issuer(
            name=request.jurisdiction_name + request.department_name,
            department=request.department,
            jurisdiction=request.jurisdiction,
            uscc=issuer_uscc,
        ),
        issued_on=today,
        valid_until=valid_until(today, kind.valid_years),
        data=request.data,
    )
    document = sign_certificate(payload, keyring())
    licence = Licence(
        number=document["number"],
        type_id=kind.id,
        type_name=kind.name,
        holder_id=request.holder.pk,
        holder_kind=holder.kind,
        holder_name=holder.name,
        holder_digest=lookup_digest(holder.code) if holder.code else "",
        issuer_name=payload["issuer"]["name"],
        department=request.department,
        jurisdiction=request.jurisdiction,
        issuer_uscc=issuer_uscc,
        issued_on=today,
        valid_until=payload_date(payload["valid_until"]),
        document_text=json.dumps(document, ensure_ascii=False, sort_keys=True),
        case_id=case_id,
        task_id=task_id,
        created_at=timezone.now(),
    )
    _insert(licence)  # inside the approval's transaction
    return licence  # its issue is recorded by the row itself (created_at), shown first


@lru_cache(maxsize=4)
def _insert_sql(vendor: str) -> tuple[str, tuple]:
    fields = tuple(f for f in Licence._meta.concrete_fields if not f.primary_key)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    table, pk = quote(Licence._meta.db_table), quote(Licence._meta.pk.column)
    return f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING {pk}", fields


def _insert(licence: Licence) -> None:
    """INSERT the new certificate: one fixed statement through Django's cursor, each
    value prepared by its field (the document encrypted), its id read back. At every
    issuing approval: the query compiler's INSERT cost more than the signature."""
    database = connections[DEFAULT_DB_ALIAS]
    sql, fields = _insert_sql(database.vendor)
    values = [f.get_db_prep_save(f.pre_save(licence, True), database) for f in fields]
    with database.cursor() as cursor:
        cursor.execute(sql, values)
        licence.pk = cursor.fetchone()[0]


@dataclass(frozen=True, slots=True)
class HolderRecord:
    """What issuing needs of the applicant's account (read with the form, in one query)."""

    pk: int
    full_name: str
    applicant_kind: str
    uscc: str
    id_number: str


def payload_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def issue_for_approved_task(event: TaskApproved) -> Licence | None:
    """The certificate an approved item produces, if its catalogue item issues one (a
    handler of `TaskApproved`, in the approval's transaction); announces it issued."""
    catalog = catalog_by_version_id(event.catalog_version_id)
    item = catalog.items.get(event.item_id)
    kind = catalog.licence_type_of(item) if item is not None else None
    if kind is None:
        return None
    person = event.holder
    holder = HolderRecord(person.user_id, person.name, person.kind, person.uscc, person.id_number)
    data = {}
    for field_id in kind.fields:
        value = event.form.get(field_id)
        if field_id == "uscc" and not value and holder.uscc:
            value = holder.uscc
        if value not in (None, ""):
            field = catalog.fields.get(field_id)
            data[field.label if field else field_id] = str(value)
    department = catalog.departments.get(event.department)
    jurisdiction = catalog.jurisdictions.get(event.jurisdiction)
    licence = issue(
        Issue(
            licence_type=kind,
            holder=holder,
            department=event.department,
            department_name=department.name if department else event.department,
            jurisdiction=event.jurisdiction,
            jurisdiction_name=catalog.place_name(event.jurisdiction) if jurisdiction else "",
            data=data,
        ),
        case_id=event.case_id,
        task_id=event.task_id,
    )
    publish(LicenceIssued(event.case_id, event.task_id, licence.pk, licence.type_id))
    return licence


# --------------------------------------------------------------------------- verifying


@dataclass(frozen=True, slots=True)
class Verification:
    status: LicenceStatus
    number: str
    licence: Licence | None = None
    message: str = ""


def verify_number(text: str, today: date | None = None) -> Verification:
    """What the registry says of a number someone typed or scanned."""
    today = today or timezone.localdate()
    try:
        parsed = parse_number(text)
    except NumberError as exc:
        return Verification(LicenceStatus.unknown, text.strip()[:96], message=str(exc))
    licence = licence_by_number(parsed.text)
    if licence is None:
        return Verification(LicenceStatus.unknown, parsed.text, message="没有这个编号的证照")
    return verify_stored(licence, today)


def licence_by_number(number: str) -> Licence | None:
    """A licence by its number, or None."""
    return Licence.objects.filter(number=number).first()


def verify_stored(licence: Licence, today: date) -> Verification:
    """A stored certificate: its signature checked again (forged if the row was altered),
    then revocation and validity."""
    status = check_document(licence.document, keyring(), today)
    if status == LicenceStatus.forged:
        return Verification(status, licence.number, licence, "签名与证照数据不符")
    status = licence.status_on(today)
    return Verification(status, licence.number, licence)


def verify_document(document, today: date | None = None) -> Verification:
    """An uploaded JSON document: signature first, then what the registry knows of it."""
    today = today or timezone.localdate()
    status = check_document(document, keyring(), today)
    number = str(document.get("number", ""))[:96] if isinstance(document, dict) else ""
    if status == LicenceStatus.forged:
        return Verification(status, number, message="签名与证照数据不符，或不是本平台签发的证照")
    licence = Licence.objects.filter(number=number).first()
    if licence is None:
        return Verification(LicenceStatus.unknown, number, message="签名有效，但登记库中没有该证照")
    if licence.document != document:
        return Verification(LicenceStatus.forged, number, licence, "与登记库中的证照不一致")
    return Verification(licence.status_on(today), number, licence)


def verify_file(data: bytes, today: date | None = None) -> Verification:
    """An uploaded file: the certificate's PDF (its embedded licence.json) or the JSON.
    Raises `upload.NotReadable` when it is neither."""
    try:
        document = upload.signed_document(data)
    except upload.NoLicenceData as problem:
        return Verification(LicenceStatus.unknown, "", message=str(problem))
    except upload.DamagedData as problem:
        return Verification(LicenceStatus.forged, "", message=str(problem))
    return verify_document(document, today)


# --------------------------------------------------------------------------- revoking


def revoke(actor: User, number: str, reason: str) -> Licence:
    reason = reason.strip()
    if not reason:
        raise LicenceError("请说明撤销理由")
    if not may_revoke_licences(actor):
        raise LicenceError("只有发证部门的审批人员可以撤销证照", 403)
    with transaction.atomic():
        licence = Licence.objects.select_for_update().filter(number=number.strip()).first()
        if licence is None:
            raise LicenceError("没有这个编号的证照", 404)
        if not may_revoke_licence(actor, licence):
            raise LicenceError("只能撤销本部门本辖区签发的证照", 403)
        if licence.state == STATE_REVOKED:
            raise LicenceError("该证照已经撤销", 409)
        licence.state = STATE_REVOKED
        licence.revoked_at = timezone.now()
        licence.revoked_reason = reason
        licence.save(update_fields=["state", "revoked_at", "revoked_reason"])
        events.record(licence, "revoked", actor, reason)
    return licence


def issuing_authorities(catalog: Catalog) -> list[tuple[str, str, str]]:
    """(jurisdiction, department, authority code) of everyone who may issue a licence:
    the departments of items that issue one, at each jurisdiction of the item's levels."""
    found: dict[str, tuple[str, str, str]] = {}
    for item in catalog.items.values():
        if catalog.licence_type_of(item) is None:
            continue
        for jurisdiction in catalog.jurisdictions.values():
            if jurisdiction.level in item.levels:
                code = issuer_code_for(jurisdiction.code, item.department)
                found[code] = (jurisdiction.code, item.department, code)
    return list(found.values())


def ensure_issuer_keys(catalog: Catalog) -> int:
    """A signing key for every issuing authority (set-up); returns how many there are."""
    ring = keyring()
    authorities = issuing_authorities(catalog)
    for _jurisdiction, _department, code in authorities:
        ring.ensure(code)
    return len(authorities)


def valid_licences(holder: User, type_ids, today: date | None = None) -> dict[str, Licence]:
    """The holder's newest valid certificate of each of these types (免提交 look-up):
    one statement over the (holder, type) index, the encrypted document left unread."""
    wanted = sorted(set(type_ids))
    if not wanted:
        return {}
    today = today or timezone.localdate()
    table = connection.ops.quote_name(Licence._meta.db_table)
    marks = ", ".join(["%s"] * len(wanted))
    sql = (
        f"SELECT MAX(id) FROM {table} WHERE holder_id = %s AND type_id IN ({marks}) "
        "AND state = %s AND (valid_until IS NULL OR valid_until >= %s) GROUP BY type_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [holder.pk, *wanted, STATE_VALID, today])
        newest = [row[0] for row in cursor.fetchall()]
    if not newest:
        return {}
    found = Licence.objects.filter(pk__in=newest).defer("document_text")
    return {licence.type_id: licence for licence in found}


def record_expiries(today: date | None = None) -> int:
    """Write an "expired" event for each certificate whose validity ended (the sweep runs
    this); a certificate is recorded once."""
    today = today or timezone.localdate()
    expired = Licence.objects.filter(valid_until__lt=today).exclude(events__kind="expired")
    with transaction.atomic():  # rows another sweep holds are its to record
        expired_now = [
            LicenceEvent(licence=licence, kind="expired", note=f"有效期至 {licence.valid_until}")
            for licence in expired.select_for_update(skip_locked=True).only("pk", "valid_until")
        ]
        events.record_all(expired_now)
    return len(expired_now)
