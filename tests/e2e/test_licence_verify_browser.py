"""On a phone, in Debian's Chromium, a bank clerk who is not logged in uploads the
certificate PDF the pharmacy sent and reads the answer; then an edited copy."""

import io
import json
import os

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader, PdfWriter

from onething.licences.rendering import render_certificate_pdf
from tests.e2e.browser import PHONE

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread


@pytest.fixture
def certificate(site, drug):
    """The server's address, the pharmacy's drug-business licence, and that as its PDF."""
    return site, drug, render_certificate_pdf(drug)


def edited_copy(pdf: bytes, document: dict) -> bytes:
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.add_attachment("licence.json", json.dumps(document, ensure_ascii=False).encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_phone_uploads_the_certificate_pdf(browser, certificate):
    site, drug, pdf = certificate
    context = browser.new_context(**{**PHONE, "viewport": {"width": 375, "height": 812}})
    try:
        page = context.new_page()
        page.goto(site + "/")
        page.get_by_role("link", name="证照验证").click()
        expect(page.get_by_role("heading", name="电子证照验证")).to_be_visible()
        expect(page.get_by_text("onething licence verify")).to_have_count(0)
        chooser = page.get_by_label(
            "电子证照 PDF，或从“我的证照”下载的数据文件（JSON），不超过 10 MB"
        )
        chooser.set_input_files(
            {"name": "康民大药房-药品经营许可证.pdf", "mimeType": "application/pdf", "buffer": pdf}
        )
        page.get_by_role("button", name="验证文件").click()
        expect(page.locator("#verify-status")).to_have_text("有效")
        result = page.locator("#verify-result")
        expect(result).to_contain_text("吕梁康民大药房有限公司")
        expect(result).to_contain_text(drug.number)
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert max(width) <= 375, width

        forged = drug.document
        forged["data"]["企业名称"] = "冒名药房"
        page.get_by_label(
            "电子证照 PDF，或从“我的证照”下载的数据文件（JSON），不超过 10 MB"
        ).set_input_files(
            {"name": "证照.pdf", "mimeType": "application/pdf", "buffer": edited_copy(pdf, forged)}
        )
        page.get_by_role("button", name="验证文件").click()
        expect(page.locator("#verify-status")).to_have_text("伪造或被篡改")
        expect(page.locator("#verify-result")).not_to_contain_text("冒名药房")
    finally:
        context.close()
