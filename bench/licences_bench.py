"""Electronic licence benchmark.

Pure core, on one core:
- sign 1,000 licences: build the payload, canonical bytes, Ed25519 signature through the
  key ring on disk (the issuer's current key is read from its directory each time);
- verify 10,000 of them with ``check_document`` against exported public keys (offline),
  and 10,000 more against the key ring itself (as the web app does).

With Django (a fresh installation in a temporary data directory: migrate, the demo
catalogue and accounts, as bench.cases_bench prepares them):
- issue 1,000 certificates through ``onething.licences.services.issue`` — numbering (the
  serial row bumped), signing and storing (the document encrypted), each in its own
  transaction as an approval does;
- verify them by number through the registry (``services.verify_number``);
- render a sample as PDF (``rendering.render_certificate_pdf``: WeasyPrint, QR code,
  embedded licence.json) and project the time for 1,000.

Run: `python -m bench.licences_bench [--issue N] [--render N] [--db sqlite|postgres]`.
Figures are printed, not asserted (goal: at least 2,000 verifications per second).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from onething.licences.certificate import (
    Holder,
    Issuer,
    LicenceStatus,
    Verifier,
    certificate_payload,
    check_document,
    sign_certificate,
)
from onething.licences.identifiers import issuer_code_for, make_number
from onething.licences.signing import KeyRing, PublicKeys

SIGN = 1_000
VERIFY = 10_000
DEPARTMENTS = ("market_regulation", "health", "housing", "ecology")
TODAY = date(2026, 3, 1)


def issuers() -> list[Issuer]:
    return [
        Issuer(f"吕梁市第{index}局", department, "141100", issuer_code_for("141100", department))
        for index, department in enumerate(DEPARTMENTS)
    ]


def sign_all(ring: KeyRing, count: int) -> list[dict]:
    documents = []
    authorities = issuers()
    for serial in range(1, count + 1):
        issuer = authorities[serial % len(authorities)]
        payload = certificate_payload(
            number=make_number("YPJYXKZ", issuer.uscc, serial),
            type_code="YPJYXKZ",
            type_name="药品经营许可证",
            holder=Holder("enterprise", f"吕梁康民第{serial}大药房有限公司", "91141102MA0K3XY12B"),
            issuer=issuer,
            issued_on=date(2026, 1, 5),
            valid_until=date(2031, 1, 4),
            data={
                "经营方式": "零售",
                "经营范围": "中药饮片、中成药、化学药制剂、抗生素制剂、生化药品、生物制品",
                "法定代表人": "张三",
                "质量负责人": "李四",
                "注册地址": f"山西省吕梁市离石区滨河北西路{serial}号",
            },
        )
        documents.append(sign_certificate(payload, ring))
    return documents


def verify_all(documents: list[dict], verifier: Verifier, count: int) -> float:
    start = time.perf_counter()
    for index in range(count):
        status = check_document(documents[index % len(documents)], verifier, TODAY)
        assert status is LicenceStatus.valid
    return time.perf_counter() - start


def pure_core() -> None:
    print("electronic licences, pure core (no database)")
    with tempfile.TemporaryDirectory() as directory:
        ring = KeyRing(Path(directory) / "keys")
        for issuer in issuers():
            ring.ensure(issuer.uscc)
        start = time.perf_counter()
        documents = sign_all(ring, SIGN)
        seconds = time.perf_counter() - start
        print(
            f"sign {SIGN:,} licences (payload + canonical + Ed25519, key ring on disk): "
            f"{seconds * 1000:.0f} ms, {SIGN / seconds:,.0f}/s"
        )
        ring.export_public(Path(directory) / "public.json")
        public = PublicKeys.load(Path(directory) / "public.json")
        for label, verifier in (("exported public keys", public), ("key ring on disk", ring)):
            seconds = verify_all(documents, verifier, VERIFY)
            print(
                f"verify {VERIFY:,} licences (check_document, {label}): "
                f"{seconds * 1000:.0f} ms, {VERIFY / seconds:,.0f}/s"
            )


def issue_all(count: int) -> list:
    """Issue `count` drug business licences to the demo pharmacy, one transaction each."""
    from django.db import transaction

    from onething.accounts.models import User
    from onething.catalog.services import current_catalog
    from onething.licences import services
    from onething.licences.identifiers import issuer_code_for

    current = current_catalog()
    assert current is not None, "the demo catalogue is imported by prepare()"
    catalog = current.catalog
    item = catalog.items["drug_retail_licence"]
    kind = catalog.licence_type_of(item)
    assert kind is not None
    jurisdiction = catalog.jurisdictions["141100"]
    department = catalog.departments[item.department]
    holder = User.objects.get(username="yaofang")
    request = services.Issue(
        licence_type=kind,
        holder=holder,
        department=item.department,
        department_name=department.name,
        jurisdiction=jurisdiction.code,
        jurisdiction_name=jurisdiction.name,
        data={
            "企业名称": holder.full_name,
            "统一社会信用代码": holder.uscc or "",
            "经营场所": "山西省吕梁市离石区永宁中路88号",
            "法定代表人（负责人）姓名": "王康民",
            "质量负责人姓名": "李质量",
            "经营面积（平方米）": "120",
        },
    )
    services.keyring().ensure(issuer_code_for(jurisdiction.code, item.department))
    licences = []
    start = time.perf_counter()
    for _ in range(count):
        with transaction.atomic():
            licences.append(services.issue(request))
    seconds = time.perf_counter() - start
    print(
        f"issue {count:,} licences (serial + payload + Ed25519 + encrypted row, one "
        f"transaction each): {seconds * 1000:.0f} ms, {count / seconds:,.0f}/s, "
        f"{seconds / count * 1000:.2f} ms each"
    )
    return licences


def verify_registry(licences: list) -> None:
    from onething.licences import services

    start = time.perf_counter()
    for licence in licences:
        assert services.verify_number(licence.number).status is LicenceStatus.valid
    seconds = time.perf_counter() - start
    count = len(licences)
    print(
        f"verify {count:,} numbers through the registry (parse, look up, decrypt, "
        f"check_document): {seconds * 1000:.0f} ms, {count / seconds:,.0f}/s"
    )


def render_sample(licences: list, count: int, projected: int) -> None:
    from onething.licences.rendering import render_certificate_pdf

    if count <= 0 or not licences:
        return
    start = time.perf_counter()
    first = render_certificate_pdf(licences[0])  # fonts and templates load once
    warm_up = time.perf_counter() - start
    sample = [licences[index % len(licences)] for index in range(1, count + 1)]
    sizes = []
    start = time.perf_counter()
    for licence in sample:
        sizes.append(len(render_certificate_pdf(licence)))
    seconds = time.perf_counter() - start
    each = seconds / count
    print(
        f"render {count} certificate PDFs (WeasyPrint, QR code, embedded licence.json): "
        f"{seconds:.2f} s, {each * 1000:.0f} ms each, {1 / each:.2f}/s, "
        f"~{sum(sizes) // len(sizes) // 1024} KB each (first, with warm-up: "
        f"{warm_up * 1000:.0f} ms, {len(first) // 1024} KB)"
    )
    print(
        f"  projected for {projected:,} PDFs: {each * projected:.0f} s "
        f"({each * projected / 60:.1f} min) on one core"
    )


def with_django(issue: int, render: int, db: str) -> None:
    from bench.cases_bench import configure, prepare

    label = configure(db)
    data_dir = os.environ["ONETHING_DATA_DIR"]
    try:
        prepare()
        print(f"electronic licences through Django on {label}")
        licences = issue_all(issue)
        verify_registry(licences)
        render_sample(licences, render, max(issue, 1_000))
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--issue", type=int, default=1_000, help="certificates to issue")
    parser.add_argument("--render", type=int, default=20, help="PDFs to render (0: none)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    pure_core()
    print()
    with_django(args.issue, args.render, args.db)


if __name__ == "__main__":
    main()
