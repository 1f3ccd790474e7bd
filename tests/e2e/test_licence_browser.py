"""Certificates in Debian's Chromium: the pharmacy's library after 我要开药店 (decided through
the service layer), a certificate and its PDF, and the QR code's target opened by someone
who is not logged in — on a desktop and on a phone."""

import io
import json
import os

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.browser import DESKTOP, PHONE, log_in

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread


def test_the_holder_downloads_a_certificate_and_anyone_verifies_its_qr_code(
    browser, site, handed_over, drug
):
    """我要开药店 approved and handed over: six certificates for yaofang; the QR codes point
    at this server."""
    holder = browser.new_context(**DESKTOP)
    try:
        page = holder.new_page()
        log_in(page, site, "yaofang")

        # 我的证照: every certificate the case produced.
        page.goto(site + "/licences/")
        cards = page.locator(".licence-card")
        expect(cards).to_have_count(6)
        expect(cards.locator(".licence-status", has_text="有效")).to_have_count(6)
        page.get_by_role("link", name="药品经营许可证", exact=True).click()
        expect(page.get_by_role("heading", name="药品经营许可证")).to_be_visible()
        expect(page.locator("#licence-status")).to_have_text("有效")
        expect(page.locator(".licence-number")).to_have_text(drug.number)

        # The PDF: a certificate with its signed data attached.
        pdf_href = page.get_by_role("link", name="下载 PDF").get_attribute("href")
        response = page.request.get(site + pdf_href)
        assert response.ok and response.headers["content-type"] == "application/pdf"
        body = response.body()
        assert body.startswith(b"%PDF-")
        reader = PdfReader(io.BytesIO(body))
        assert json.loads(reader.attachments["licence.json"][0]) == drug.document

        # The QR code's target, as the detail page links it.
        target = page.get_by_role("link", name="验证页面").get_attribute("href")
        assert target.startswith(site + "/verify/?n=")
    finally:
        holder.close()

    # 我的证照 on the holder's phone: long numbers wrap instead of widening the page.
    phone = browser.new_context(**PHONE)
    try:
        page = phone.new_page()
        log_in(page, site, "yaofang")
        page.goto(site + "/licences/")
        expect(page.locator(".licence-card")).to_have_count(6)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"我的证照 overflows a phone: {width}px"
    finally:
        phone.close()

    # Someone who scans it is not logged in.
    for device in (DESKTOP, PHONE):
        stranger = browser.new_context(**device)
        try:
            page = stranger.new_page()
            page.goto(target)
            expect(page.locator("#verify-status")).to_have_text("有效")
            result = page.locator("#verify-result")
            expect(result).to_contain_text("吕梁康民大药房有限公司")
            expect(result).to_contain_text(drug.number)
            expect(page.get_by_role("button", name="退出")).to_have_count(0)
            if device is PHONE:
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 390, f"the verification page overflows a phone: {width}px"
        finally:
            stranger.close()
