"""/verify/ takes the certificate's PDF itself — what a bank receives — and reads the
signed licence.json it carries: valid, forged, revoked, expired, not ours, not a PDF at
all, too large; and the public API does the same."""

import io
import json
from datetime import date

import pytest
from pypdf import PdfReader, PdfWriter

from onething.catalog.services import current_catalog
from onething.licences import services as licences
from onething.licences.models import Licence
from onething.licences.rendering import render_certificate_pdf
from tests.factories import element, elements, text_of, user

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(client, data: bytes, name: str = "收到的证照.pdf"):
    """What a bank clerk does: choose the file on the public page, no log-in."""
    file = io.BytesIO(data)
    file.name = name
    return client.post("/verify/", {"document": file})


@pytest.fixture
def drug_pdf(drug) -> bytes:
    return render_certificate_pdf(drug)


def with_attachments(pdf: bytes, *documents: dict, keep: bool = False) -> bytes:
    """The certificate's pages with licence.json (re-)embedded by hand, as a forger would."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader) if keep else PdfWriter()
    if not keep:
        for page in reader.pages:
            writer.add_page(page)
    for document in documents:
        text = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1)
        writer.add_attachment("licence.json", text.encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_pdf_as_received_is_valid_whatever_its_name(client, drug, drug_pdf):
    response = upload(client, drug_pdf, "scan.bin")
    page = text_of(response)
    assert element(response, id="verify-status").text == "有效"
    assert "吕梁康民大药房有限公司" in page and drug.number in page
    assert "onething licence verify" not in page  # no command line for a citizen


def test_a_pdf_whose_embedded_data_was_edited_is_forged(client, drug, drug_pdf):
    edited = drug.document
    edited["data"]["企业名称"] = "冒名药房"
    response = upload(client, with_attachments(drug_pdf, edited))
    assert element(response, id="verify-status").text == "伪造或被篡改"
    assert "冒名药房" not in text_of(response)
    longer = drug.document
    longer["valid_until"] = "2099-12-31"
    response = upload(client, with_attachments(drug_pdf, longer))
    assert element(response, id="verify-status").text == "伪造或被篡改"
    # The issued data left in place and an edited copy added beside it: neither is trusted.
    both = with_attachments(drug_pdf, edited, keep=True)
    assert len(PdfReader(io.BytesIO(both)).attachments["licence.json"]) == 2
    response = upload(client, both)
    assert element(response, id="verify-status").text == "伪造或被篡改"
    assert "吕梁康民大药房有限公司" not in text_of(response)


def test_a_revoked_certificates_pdf_says_when_and_why(client, drug, drug_pdf):
    licences.revoke(user("r_mpa"), drug.number, "以欺骗手段取得许可")
    response = upload(client, drug_pdf)
    page = text_of(response)
    revoked_on = Licence.objects.get(pk=drug.pk).revoked_at
    assert element(response, id="verify-status").text == "已撤销"
    assert "以欺骗手段取得许可" in page
    assert revoked_on is not None and f"{revoked_on.astimezone():%Y-%m-%d}" in page


def test_an_expired_certificates_pdf_says_since_when(client, demo):
    catalog = current_catalog().catalog
    licence = licences.issue(
        licences.Issue(
            licence_type=catalog.licence_types["drug_business_licence"],
            holder=user("yaofang"),
            department="mpa",
            department_name="药品监督管理局",
            jurisdiction="141100",
            jurisdiction_name="吕梁市",
            data={"企业名称": "吕梁康民大药房有限公司"},
        ),
        today=date(2015, 3, 2),
    )
    assert licence.valid_until == date(2020, 3, 1)
    response = upload(client, render_certificate_pdf(licence))
    assert element(response, id="verify-status").text == "已过期"
    assert "已于 2020-03-01 到期" in text_of(response)


def test_a_pdf_without_certificate_data_is_not_ours(client, demo):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    blank = io.BytesIO()
    writer.write(blank)
    response = upload(client, blank.getvalue(), "营业执照.pdf")
    assert response.status_code == 200
    assert element(response, id="verify-status").text == "未找到"
    assert "不是本平台签发的证照文件" in text_of(response)


def test_a_photo_or_an_empty_file_is_not_a_certificate(client, demo):
    for data, name in ((PNG, "licence.pdf"), (b"", "licence.pdf"), (b"not json", "x.json")):
        response = upload(client, data, name)
        page = text_of(response)
        assert response.status_code == 400 and "这不是证照数据文件" in page, name
        assert not elements(response, id="verify-status") and "Traceback" not in page
    response = client.post("/verify/", {})
    assert response.status_code == 400 and "请选择要验证的文件" in text_of(response)


def test_too_large_is_refused_by_its_length_before_it_is_read(client, monkeypatch, demo):
    def never(*args, **kwargs):
        raise AssertionError("a refused upload must not be read")

    monkeypatch.setattr(licences, "verify_file", never)
    big = b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024 + 100 * 1024)
    response = upload(client, big)
    assert response.status_code == 413
    assert "文件太大：证照 PDF 或数据文件不超过 10 MB" in text_of(response)


def test_the_api_verifies_the_pdf_too(client, drug, drug_pdf):
    def post(body: bytes, kind: str = "application/pdf"):
        response = client.post("/api/v1/verify", body, content_type=kind)
        return response.status_code, response.json()

    status, answer = post(drug_pdf)
    assert status == 200 and answer["status"] == "valid", answer
    assert answer["holder"] == "吕梁康民大药房有限公司" and answer["number"] == drug.number
    edited = drug.document
    edited["data"]["企业名称"] = "冒名药房"
    status, answer = post(with_attachments(drug_pdf, edited))
    assert status == 200 and answer["status"] == "forged" and answer["holder"] is None
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    blank = io.BytesIO()
    writer.write(blank)
    status, answer = post(blank.getvalue())
    assert answer["status"] == "unknown" and "不是本平台签发的证照文件" in answer["message"]
    status, answer = post(PNG, "application/octet-stream")
    assert status == 400 and "这不是证照数据文件" in answer["detail"]
    status, answer = post(drug_pdf + b"0" * (10 * 1024 * 1024))
    assert status == 413 and "不超过 10 MB" in answer["detail"]
    # The JSON as downloaded still works, whatever the content type says.
    status, answer = post(json.dumps(drug.document).encode(), "application/json")
    assert status == 200 and answer["status"] == "valid"
