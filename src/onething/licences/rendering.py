"""The certificate as people see it: an A4 PDF in Chinese that looks like a certificate,
with the issuer's seal, a QR code carrying the verification address and the signature,
and the signed JSON embedded (``licence.json``) so it can be verified offline."""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.template.loader import render_to_string

from onething.core.qr import qr_data_uri
from onething.licences.models import Licence

ATTACHMENT_NAME = "licence.json"


def verify_url(number: str, signature: str = "") -> str:
    """The public verification page for a number (what the QR code carries; the
    signature's start lets a scan tell the printed copy from a re-signed one)."""
    query = {"n": number}
    if signature:
        query["s"] = signature[:16]
    return f"{settings.PUBLIC_URL}/verify/?{urlencode(query)}"


def _chinese_date(text: str | None) -> str:
    if not text:
        return "长期"
    year, month, day = (int(part) for part in text.split("-"))
    return f"{year}年{month}月{day}日"


def certificate_context(licence: Licence) -> dict[str, Any]:
    document = licence.document
    url = verify_url(licence.number, document["signature"]["value"])
    return {
        "licence": licence,
        "document": document,
        "holder_label": "统一社会信用代码"
        if document["holder"]["kind"] == "enterprise"
        else "身份证号码",
        "issued_on": _chinese_date(document["issued_on"]),
        "valid_until": _chinese_date(document["valid_until"]),
        "data": list(document["data"].items()),
        "verify_url": url,
        "qr": qr_data_uri(url),
        "signature": document["signature"],
    }


def render_certificate_pdf(licence: Licence) -> bytes:
    from weasyprint import HTML, Attachment

    html = render_to_string("licences/certificate.html", certificate_context(licence))
    document = json.dumps(licence.document, ensure_ascii=False, sort_keys=True, indent=1)
    buffer = io.BytesIO()
    HTML(string=html).write_pdf(
        buffer,
        attachments=[
            Attachment(
                string=document,
                name=ATTACHMENT_NAME,
                description="签名的电子证照数据（可离线验证）",
            )
        ],
    )
    return buffer.getvalue()
