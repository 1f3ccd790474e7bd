"""专区办's use cases: the zone's shared materials, a spreadsheet imported as a batch of
checked rows, the rows filed as cases when the clerk confirms, the batch accepted at
once, and the zone's figures. Each change is one transaction; a refusal writes nothing.

How a business gets an account: its legal person's applicant account, found by the
ID number's digest as 帮办代办 finds a citizen (outreach.assisting.find_citizen), or
registered for them at confirmation (register_citizen: name, ID number, mobile phone;
they set a password later). Two businesses of one person share the account.

Checking runs in the background without a thread (`check_some`): each call checks
unchecked rows for a short while, in small transactions, and records `checked` of
`total`. The batch page's progress fragment calls it when polled (htmx, every second),
and the sweep (onething.sweep) finishes any batch nobody is watching; so the process
is never tied up for more than a fraction of a second and other requests go on.
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from onething.accounts.models import User
from onething.cases import materials, uploads, window
from onething.cases.filing import Filing, file_case, prepare_filing, submission_problems
from onething.cases.lifecycle import CaseState
from onething.cases.models import Case
from onething.catalog.services import current_catalog, guide_of
from onething.core.access import serves_zone, zones_visible_to
from onething.core.errors import CaseError, Conflict, Forbidden, InvalidInput, NotFound
from onething.intake import files
from onething.licences.models import Licence
from onething.outreach.assisting import find_citizen, register_citizen
from onething.zones import rules
from onething.zones.models import BatchRow, ImportBatch, Zone, ZoneMaterial
from onething.zones.reading import read_table

CHUNK = 25  # rows checked per transaction
MOBILE_NEEDED = "请填写法定代表人本人的 11 位手机号码（为其登记账户、接收通知）"
OPEN_STATES = (CaseState.SUBMITTED, CaseState.AWAITING_COMPLETION, CaseState.IN_PROGRESS)
DONE_STATES = (CaseState.READY, CaseState.COMPLETED)


def visible_zone(user: User, public_id) -> Zone:
    try:
        return zones_visible_to(user).get(public_id=public_id)
    except (Zone.DoesNotExist, ValueError, TypeError):
        raise NotFound("没有找到这个专区") from None


def _served_zone(actor: User, public_id) -> Zone:
    zone = visible_zone(actor, public_id)
    if not serves_zone(actor, zone):
        raise Forbidden("只有本专区的窗口工作人员可以办理")
    return zone


def visible_batch(user: User, public_id) -> ImportBatch:
    try:
        batch = ImportBatch.objects.select_related("zone").get(public_id=public_id)
    except (ImportBatch.DoesNotExist, ValueError, TypeError):
        raise NotFound("没有找到这个导入批次") from None
    visible_zone(user, batch.zone.public_id)
    return batch


# --------------------------------------------------------------------------- materials


def upload_material(actor: User, zone_id, material_id: str, name: str, data: bytes):
    """共用材料: the zone clerk uploads a material once for every business of the zone
    (replacing the one before); checked as any material is, kept encrypted."""
    zone = _served_zone(actor, zone_id)
    current = current_catalog()
    material = current.catalog.materials.get(material_id) if current else None
    if material is None:
        raise NotFound("事项目录中没有这项材料")
    try:
        facts = files.examine(data)
    except files.UploadRefused as refused:
        raise InvalidInput(str(refused)) from None
    digest, relative = uploads.put(data)
    with transaction.atomic():
        kept, _created = ZoneMaterial.objects.update_or_create(
            zone=zone,
            material_id=material_id,
            defaults={
                "material_name": material.name,
                "file_name": files.safe_display_name(name, facts.kind),
                "file_path": relative,
                "sha256": digest,
                "size": facts.size,
                "uploaded_by": actor,
            },
        )
    return kept


# --------------------------------------------------------------------------- import


def start_import(actor: User, zone_id, file_name: str, data: bytes) -> ImportBatch:
    """Read the spreadsheet and keep its rows as a batch to check; a file refused as a
    whole (type, size, headers, merged cells, formulas, dates, duplicates) keeps nothing."""
    zone = _served_zone(actor, zone_id)
    try:
        sheet_rows = rules.rows_of(read_table(data))
        rules.check_duplicates(sheet_rows)
    except rules.SheetRefused as refused:
        raise InvalidInput(str(refused)) from None
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            zone=zone,
            uploaded_by=actor,
            file_name=files.safe_display_name(file_name, "表格")[:200],
            total=len(sheet_rows),
        )
        BatchRow.objects.bulk_create(
            [
                BatchRow(
                    batch=batch,
                    number=row.number,
                    company_name=row.values.get(rules.NAME, "")[:200],
                    values_text=json.dumps(row.values, ensure_ascii=False),
                )
                for row in sheet_rows
            ],
            batch_size=500,
        )
    return batch


def row_problems(values: dict[str, str], zone: Zone) -> tuple[str, list[list[str]]]:
    """(package id, [[column, message], …]) of a row checked as its one-form filing is:
    prepare_filing and submission_problems, the rules every filing goes through."""
    kind = rules.kind_of(values.get(rules.KIND, ""))
    if kind is None:
        return "", [[rules.KIND, "应为以下之一：" + "、".join(rules.KINDS)]]
    sheet_row = rules.SheetRow(0, values)
    filing = Filing(
        package_id=kind.package_id,
        answers=dict(kind.answers),
        place=zone.jurisdiction,
        form=rules.form_of(sheet_row, zone.address),
        channel="window",
    )
    try:
        prepared = prepare_filing(filing)
    except CaseError as exc:
        return kind.package_id, [[rules.KIND, exc.message]]
    package = prepared.catalog.packages[kind.package_id]
    refusal = submission_problems(package, prepared.answers, prepared.errors)
    found: dict[str, str] = {}
    if rules.PHONE not in _field_columns(refusal) and not rules.is_mobile(values.get(rules.PHONE)):
        found[rules.PHONE] = MOBILE_NEEDED  # the account registered for them needs one
    if refusal is None:
        return kind.package_id, [[column, message] for column, message in found.items()]
    labels = {f.id: f.label for f in prepared.catalog.fields.values()}
    for field_id, message in (refusal.details.get("fields") or {}).items():
        label = labels.get(field_id, field_id)
        column = rules.column_of(field_id, label)
        # the legal person is also the applicant: one column, reported once
        found.setdefault(column, message.removeprefix(f"{label}："))
    return kind.package_id, [[column, message] for column, message in found.items()]


def _field_columns(refusal) -> set[str]:
    fields = (refusal.details.get("fields") or {}) if refusal is not None else {}
    return {rules.column_of(field_id, field_id) for field_id in fields}


def check_some(batch_id: int, seconds: float = 0.4) -> ImportBatch:
    """Check the batch's unchecked rows for about `seconds`, CHUNK rows a transaction."""
    ends = time.monotonic() + seconds
    batch = ImportBatch.objects.select_related("zone").get(pk=batch_id)
    while batch.state == ImportBatch.CHECKING:
        rows = list(batch.rows.filter(checked=False).order_by("number")[:CHUNK])
        with transaction.atomic():
            for row in rows:
                row.package_id, row.problems = row_problems(row.values, batch.zone)
                row.checked, row.passed = True, not row.problems
            BatchRow.objects.bulk_update(rows, ["package_id", "problems", "checked", "passed"])
            counted = batch.rows.aggregate(
                done=Count("pk", filter=Q(checked=True)),
                good=Count("pk", filter=Q(passed=True)),
            )
            batch.checked, batch.valid = counted["done"], counted["good"]
            if batch.checked >= batch.total:
                batch.state = ImportBatch.CHECKED
            ImportBatch.objects.filter(pk=batch.pk).update(
                checked=batch.checked, valid=batch.valid, state=batch.state
            )
        if time.monotonic() >= ends:
            break
    return batch


def check_pending(seconds: float = 20.0) -> int:
    """The sweep's step: batches still checking, checked on; how many rows were checked."""
    ends, checked = time.monotonic() + seconds, 0
    for batch_id in ImportBatch.objects.filter(state=ImportBatch.CHECKING).values_list(
        "pk", flat=True
    ):
        before = ImportBatch.objects.get(pk=batch_id).checked
        after = check_some(batch_id, max(0.0, ends - time.monotonic()))
        checked += after.checked - before
        if time.monotonic() >= ends:
            break
    return checked


def problems_of(batch: ImportBatch) -> list[rules.Problem]:
    rows = batch.rows.filter(checked=True, passed=False).order_by("number")
    return [rules.Problem(r.number, c, m) for r in rows for c, m in r.problems]


# --------------------------------------------------------------------------- filing


def _account_of(actor: User, values: dict[str, str]) -> User:
    """The legal person's applicant account, registered when there is none."""
    number = values.get(rules.ID_NUMBER, "")
    found = find_citizen(actor, number)
    if found is not None:
        return found
    name, phone = values.get(rules.PERSON, ""), values.get(rules.PHONE, "")
    return register_citizen(actor, name, number, phone)


def _zone_materials(zone: Zone) -> list[tuple[ZoneMaterial, bytes]]:
    return [(m, uploads.get(m.file_path)) for m in zone.materials.order_by("material_id")]


def _file_row(actor: User, zone: Zone, row: BatchRow, shared) -> Case:
    values = row.values
    kind = rules.kind_of(values.get(rules.KIND, ""))
    assert kind is not None  # the row was checked
    filing = Filing(
        package_id=kind.package_id,
        answers=dict(kind.answers),
        place=zone.jurisdiction,
        form=rules.form_of(rules.SheetRow(row.number, values), zone.address),
        channel="window",
    )
    case, _created = file_case(actor, filing, applicant=_account_of(actor, values))
    for kept, data in shared:  # the zone's materials stand for this business's (共用材料)
        evidence = case.evidence.filter(material_id=kept.material_id, origin="applicant").first()
        if evidence is not None:
            materials.upload_evidence(actor, case.public_id, evidence.pk, kept.file_name, data)
    return case


def confirm_batch(actor: User, batch_id, numbers: Collection[int] | None = None) -> ImportBatch:
    """The clerk confirms: every valid row (or, row by row, those of `numbers`) becomes a
    submitted case of its package for its business's account, with the zone's shared
    materials — the rows confirmed all, or none. The batch is filed once no valid row
    is left."""
    batch = visible_batch(actor, batch_id)
    zone = _served_zone(actor, batch.zone.public_id)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.state == ImportBatch.CHECKING:
            raise Conflict("表格还在校验中，请校验完成后再确认")
        if locked.state == ImportBatch.FILED:
            raise Conflict("本批次已经确认申报过")
        rows = _rows_to_file(locked, numbers)
        shared = _zone_materials(zone)
        for row in rows:
            try:
                row.case = _file_row(actor, zone, row, shared)
            except CaseError as exc:
                raise type(exc)(f"第 {row.number} 行 {row.company_name}：{exc.message}") from None
        BatchRow.objects.bulk_update(rows, ["case"])
        if not locked.rows.filter(passed=True, case__isnull=True).exists():
            locked.state, locked.filed_at = ImportBatch.FILED, timezone.now()
            locked.save(update_fields=["state", "filed_at"])
        return locked


def _rows_to_file(batch: ImportBatch, numbers: Collection[int] | None) -> list[BatchRow]:
    """The valid rows not filed yet: all of them, or those the clerk chose (each chosen
    row must be one of them: a row with problems, filed already or unknown is refused)."""
    waiting = batch.rows.filter(passed=True, case__isnull=True).order_by("number")
    if numbers is None:
        rows = list(waiting)
        if not rows:
            raise Conflict("本批次没有通过校验的企业，无可申报")
        return rows
    chosen = sorted(set(numbers))
    if not chosen:
        raise InvalidInput("请至少选择一个企业")
    rows = list(waiting.filter(number__in=chosen))
    missing = sorted(set(chosen) - {row.number for row in rows})
    if missing:
        shown = "、".join(f"第 {n} 行" for n in missing[:10]) + (" 等" if len(missing) > 10 else "")
        raise InvalidInput(f"{shown}未通过校验、已经申报或不在本批次中，不能申报")
    return rows


def waiting_rows(batch: ImportBatch) -> list[dict]:
    """The valid rows not filed yet (number, company name, package), for the clerk to
    choose from."""
    rows = batch.rows.filter(passed=True, case__isnull=True).order_by("number")
    return list(rows.values("number", "company_name", "package_id"))


def cases_of(batch: ImportBatch):
    return Case.objects.filter(pk__in=batch.rows.filter(case__isnull=False).values("case"))


def accept_batch(actor: User, batch_id) -> int:
    """一次受理: the zone's window accepts every submitted case of the batch (the window's
    own `accept`, one by one, all in one transaction); how many were accepted."""
    batch = visible_batch(actor, batch_id)
    _served_zone(actor, batch.zone.public_id)
    waiting = list(cases_of(batch).filter(state=CaseState.SUBMITTED).order_by("pk"))
    if not waiting:
        raise Conflict("本批次没有待受理的办件")
    with transaction.atomic():
        for case in waiting:
            try:
                window.accept(actor, case.public_id)
            except CaseError as exc:
                raise type(exc)(f"{case.number}：{exc.message}", exc.details) from None
    return len(waiting)


def zone_figures(zone: Zone) -> dict[str, int]:
    """已登记 (filed through the zone), 办理中 (submitted or accepted, not finished),
    已出证 (certificates issued to those cases)."""
    cases = Case.objects.filter(
        pk__in=BatchRow.objects.filter(batch__zone=zone, case__isnull=False).values("case")
    )
    counted = cases.aggregate(
        registered=Count("pk"),
        pending=Count("pk", filter=Q(state__in=OPEN_STATES)),
        done=Count("pk", filter=Q(state__in=DONE_STATES)),
    )
    counted["certificates"] = Licence.objects.filter(case__in=cases).count()
    return counted


def material_choices() -> list[tuple[str, str]]:
    """The materials the zone's packages ask businesses for: what a zone may provide."""
    current = current_catalog()
    if current is None:
        return []
    found: dict[str, str] = {}
    for kind in rules.KINDS.values():
        guide = guide_of(current.digest, kind.package_id, dict(kind.answers))
        for material in guide.materials:
            if material.asked_of_applicant:
                found.setdefault(material.id, material.name)
    return sorted(found.items())
