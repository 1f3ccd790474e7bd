"""Electronic licence benchmark: signing and offline verification on one core.

- sign 1,000 licences: build the payload, canonical bytes, Ed25519 signature through the
  key ring on disk (the issuer's current key is read from its directory each time);
- verify 10,000 of them with ``check_document`` against exported public keys (offline),
  and 10,000 more against the key ring itself (as the web app does).

Run: `python -m bench.licences_bench`. Figures are printed, not asserted (goal: at least
2,000 verifications per second).
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

from onething.licences.documents import (
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


def main() -> None:
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


if __name__ == "__main__":
    main()
