"""One handover, with receipts, over HTTP: the 受理通知书 with its QR code to the public
progress page, the 材料接收凭证, the 申请书 made from the form, 办件进度查询 without
log-in (throttled), and the finished case page with its results first."""

import io
import re

import pytest
from pypdf import PdfReader

from onething.cases import materials
from onething.cases.models import Case
from onething.cases.progress import progress_token
from tests.factories import (
    accepted_pharmacy,
    decide_all,
    hand_over,
    pharmacy_filing,
    text_of,
    user,
)

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def accepted(demo) -> Case:
    return accepted_pharmacy()


def test_acceptance_gives_a_notice_with_the_items_dates_and_a_qr_code(client, accepted):
    client.force_login(user("yaofang"))
    notice = accepted.notices.get(kind="acceptance")
    page = text_of(client.get(f"/cases/{accepted.public_id}"))
    assert "受理通知书" in page and f"/notices/{notice.pk}.pdf" in page
    text = pdf_text(client.get(f"/cases/{accepted.public_id}/notices/{notice.pk}.pdf"))
    assert "受理通知书" in text and accepted.number in text
    assert "药品经营许可证核发（零售）" in text and "预计" in text
    assert "扫码查询办理进度" in text and "领取方式" in text


def test_the_receipt_and_the_application_are_pdfs_of_the_case(client, accepted):
    client.force_login(user("yaofang"))
    receipt = pdf_text(client.get(f"/cases/{accepted.public_id}/receipt.pdf"))
    assert "材料接收凭证" in receipt and "平台按一表申报生成" in receipt
    application = pdf_text(client.get(f"/cases/{accepted.public_id}/application.pdf"))
    assert "我要开药店申请书" in application and "吕梁康民大药房有限公司" in application
    client.force_login(user("zhangsan"))  # another applicant
    assert client.get(f"/cases/{accepted.public_id}/application.pdf").status_code == 404


def test_progress_by_number_and_name_or_the_phones_last_four_digits(client, accepted):
    number = accepted.number
    asked = client.post("/progress/", {"number": number, "proof": "吕梁康民大药房有限公司"})
    assert asked.status_code == 302 and "吕梁康民大药房有限公司" not in asked["Location"]
    page = text_of(client.get(asked["Location"]))
    assert "我要开药店" in page and "药品经营许可证核发（零售）" in page and "办理中" in page
    phone = user("yaofang").phone
    fresh = client_class_for(client)
    assert fresh.post("/progress/", {"number": number, "proof": phone[-4:]}).status_code == 302
    wrong = fresh.post("/progress/", {"number": number, "proof": "0000"})
    assert wrong.status_code == 404 and "不符" in text_of(wrong)
    # The QR code of the 受理通知书 needs nothing typed.
    signed = client_class_for(client).get(
        "/progress/", {"n": number, "t": progress_token(accepted)}
    )
    assert "药品经营许可证核发（零售）" in text_of(signed)
    forged = client_class_for(client).get("/progress/", {"n": number, "t": "x" * 27})
    assert "药品经营许可证核发" not in text_of(forged)


def client_class_for(client):
    return type(client)()


def test_guessing_a_case_is_throttled(client, accepted):
    for attempt in range(5):
        refused = client.post("/progress/", {"number": accepted.number, "proof": f"李{attempt}"})
        assert refused.status_code == 404
    blocked = client.post(
        "/progress/", {"number": accepted.number, "proof": "吕梁康民大药房有限公司"}
    )
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    assert "查询失败次数过多" in text_of(blocked)


def test_a_finished_case_shows_its_results_first(client, accepted):
    decide_all(accepted)
    hand_over(accepted)
    client.force_login(user("yaofang"))
    page = text_of(client.get(f"/cases/{accepted.public_id}"))
    results = page.index('id="results"')
    assert results < page.index('id="materials"') < page.index('id="history"')
    assert "下载证照 PDF" in page and "《营业执照》" in page
    assert page.index("评价本次服务") < results  # 好差评 from the first screen
    assert "SHA-256" not in page  # no digests for citizens


def test_the_applicant_chooses_post_and_the_window_records_the_tracking_number(client, accepted):
    client.force_login(user("yaofang"))
    refused = client.post(f"/cases/{accepted.public_id}/do/delivery", {"method": "post"})
    assert refused.status_code == 400 and "邮寄信息不完整" in text_of(refused)
    chosen = client.post(
        f"/cases/{accepted.public_id}/do/delivery",
        {
            "method": "post",
            "recipient_name": "王康民",
            "recipient_phone": "13935800001",
            "address": "山西省吕梁市离石区永宁中路88号",
        },
    )
    assert chosen.status_code == 302
    decide_all(accepted)
    clerk = type(client)()
    clerk.force_login(user("clerk_lishi"))
    page = text_of(clerk.get(f"/cases/{accepted.public_id}"))
    assert "邮寄送达" in page and "运单号" in page and "还有" in page  # materials to check
    assert clerk.post(f"/cases/{accepted.public_id}/do/check_all", {}).status_code == 302
    accepted.refresh_from_db()
    sent = clerk.post(
        f"/cases/{accepted.public_id}/do/hand_over",
        {"version": accepted.version, "carrier": "顺丰速运", "tracking_number": "SF1234567890"},
    )
    assert sent.status_code == 302
    page = text_of(client.get(f"/cases/{accepted.public_id}"))
    assert "SF1234567890" in page and "待签收" in page and "我已收到" in page
    accepted.refresh_from_db()
    client.post(f"/cases/{accepted.public_id}/do/signed", {"version": accepted.version})
    assert "申请人确认收到" in text_of(client.get(f"/cases/{accepted.public_id}"))


def test_materials_are_uploaded_on_the_filing_page_before_submitting(client, demo):
    client.force_login(user("yaofang"))
    filing = pharmacy_filing()
    scan = io.BytesIO(b"%PDF-1.4\n% a lease\n%%EOF")
    scan.name = "租赁合同.pdf"
    posted = {
        **filing.answers,
        **filing.form,
        "place": "141102",
        "idempotency_key": "with-files",
        "intent": "submit",
        "material-premises_proof": scan,
    }
    submitted = client.post("/apply/open_pharmacy", posted)
    assert submitted.status_code == 302
    case = Case.objects.get(idempotency_key="with-files")
    premises = case.evidence.get(material_id="premises_proof")
    assert (
        case.state == "submitted" and premises.trust == "C" and premises.file_name == "租赁合同.pdf"
    )
    upload_before = case.actions.filter(action="upload_evidence").values_list("at", flat=True)[0]
    submitted_at = case.actions.get(action="submit").at
    assert upload_before <= submitted_at
    precheck = " ".join(f.text for f in materials.precheck_of(case))
    assert "经营场所使用证明" not in precheck and "营业执照" not in precheck
