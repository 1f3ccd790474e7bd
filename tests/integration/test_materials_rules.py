"""免提交 and 一次告知 in the service layer: what the package or the platform makes is never
asked for, 预审 catches one file for two materials and blank pages, the 一次性告知书
starts from 预审, and the handover waits for every material checked or explained."""

import io

import pytest
from django.db import connection
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ContentStream

from onething.cases import delivery, materials, services
from onething.cases.lifecycle import CaseState
from onething.cases.models import Evidence
from tests.factories import decide_all, pharmacy_filing, user

pytestmark = pytest.mark.django_db


def pdf_with_a_blank_page() -> bytes:
    """Two pages: one with text drawn on it, one empty (what a scanner fed an empty
    sheet produces)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    text = ContentStream(None, None)
    text.set_data(b"BT /F1 12 Tf 72 720 Td (lease) Tj ET")
    writer.pages[0].replace_contents(text)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png(colour: int, noise: bool = False) -> bytes:
    image = Image.new("L", (300, 400), colour)
    if noise:
        for x in range(0, 300, 3):
            for y in range(0, 400, 5):
                image.putpixel((x, y), (x * y) % 256)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def rows(case) -> dict[str, Evidence]:
    return {e.material_id: e for e in Evidence.objects.filter(case=case)}


def submitted_case():
    case, _ = services.file_case(user("yaofang"), pharmacy_filing())
    return case


def test_the_business_licence_is_made_by_the_package_and_the_application_by_the_platform(demo):
    case = submitted_case()
    made = rows(case)
    licence = made["business_licence"]
    assert licence.origin == "package" and licence.produced_by == "business_registration"
    assert licence.trust == ""  # waits for 企业设立登记
    form = made["application_form"]
    assert form.origin == "form" and form.trust == "A"
    for material in (licence, form):
        with pytest.raises(services.Conflict, match="无需提交"):
            materials.upload_evidence(
                user("yaofang"), case.public_id, material.pk, "x.pdf", b"%PDF-1.4 x"
            )
    precheck = " ".join(f.text for f in materials.precheck_of(case))
    assert "营业执照" not in precheck and "申请书" not in precheck

    services.accept(user("clerk_lishi"), case.public_id)
    case.refresh_from_db()
    decide_all(case)
    licence.refresh_from_db()
    assert licence.trust == "A" and licence.licence.type_id == "business_licence"


def test_precheck_flags_one_file_for_two_materials_and_blank_pages(demo):
    case = submitted_case()
    asked = [e for e in rows(case).values() if e.origin == "applicant"]
    applicant = user("yaofang")
    same = png(200, noise=True)
    materials.upload_evidence(applicant, case.public_id, asked[0].pk, "a.png", same)
    materials.upload_evidence(applicant, case.public_id, asked[1].pk, "b.png", same)
    materials.upload_evidence(applicant, case.public_id, asked[2].pk, "c.png", png(255))
    scan = materials.upload_evidence(
        applicant, case.public_id, asked[3].pk, "d.pdf", pdf_with_a_blank_page()
    )
    assert scan.pages == 2 and scan.blank_pages == [2]
    found = {f.key: f.text for f in materials.precheck_of(case)}
    assert found[f"duplicate:{asked[0].material_id}"] == (
        f"“{asked[0].material_name}”与“{asked[1].material_name}”上传的是同一个文件："
        "请为每项材料分别上传"
    )
    assert found[f"blank:{asked[2].material_id}"].endswith(
        "第 1 页是空白页：请检查扫描件后重新上传"
    )
    assert "第 2 页是空白页" in found[f"blank:{asked[3].material_id}"]


def test_the_notice_starts_from_precheck_and_removing_a_line_needs_a_reason(demo):
    case = submitted_case()
    clerk = user("clerk_lishi")
    findings = [f for f in materials.precheck_of(case) if f.blocking]
    keys = [f.key for f in findings]
    first, second = findings[0], findings[1]
    with pytest.raises(services.InvalidInput, match="须写明理由"):
        services.request_completion(clerk, case.public_id, [], removed={first.key: " "})
    with pytest.raises(services.Conflict, match="预审结果已经变化"):
        services.request_completion(clerk, case.public_id, [], seen=keys[1:])
    notice = services.request_completion(
        clerk,
        case.public_id,
        ["另请提供消防验收意见书"],
        kept={second.key: "请补交：" + second.text},
        removed={first.key: "原件已在窗口核验，无需补交"},
        seen=keys,
    )
    assert notice.lines[0] == "请补交：" + second.text
    assert first.text not in notice.lines and notice.lines[-1] == "另请提供消防验收意见书"
    assert len(notice.lines) == len(findings)  # one removed, one added
    action = case.actions.get(action="request_completion")
    assert action.data["removed"] == [{"line": first.text, "reason": "原件已在窗口核验，无需补交"}]


def test_by_default_every_precheck_line_is_in_the_notice(demo):
    case = submitted_case()
    findings = [f.text for f in materials.precheck_of(case) if f.blocking]
    notice = services.request_completion(user("clerk_lishi"), case.public_id, [])
    assert notice.lines == findings


def test_the_handover_waits_for_every_material_checked_or_explained(demo):
    case = submitted_case()
    clerk = user("clerk_lishi")
    services.accept(clerk, case.public_id)
    case.refresh_from_db()
    decide_all(case)
    with pytest.raises(services.Conflict, match="出件前请逐项核验材料") as refused:
        services.hand_over(clerk, case.public_id)
    waiting = refused.value.details["materials"]
    first, *rest = Evidence.objects.filter(pk__in=waiting).order_by("pk")
    with pytest.raises(services.InvalidInput, match="理由"):
        materials.note_unchecked(clerk, case.public_id, first.pk, "  ")
    materials.note_unchecked(clerk, case.public_id, first.pk, "原件已由审批部门现场核查")
    materials.check_all(clerk, case.public_id, paper_received=True)
    done = services.hand_over(clerk, case.public_id)
    assert done.state == CaseState.COMPLETED
    first.refresh_from_db()
    assert first.check_note == "原件已由审批部门现场核查" and first.trust == ""
    assert all(
        e.trust == "B" and e.paper_received
        for e in Evidence.objects.filter(pk__in=[r.pk for r in rest])
    )


def test_results_go_by_post_with_a_tracking_number_and_are_signed_for(demo):
    case = submitted_case()
    applicant, clerk = user("yaofang"), user("clerk_lishi")
    with pytest.raises(services.InvalidInput) as refused:
        delivery.choose_delivery(applicant, case.public_id, delivery.DeliveryChoice("post"))
    assert set(refused.value.details["fields"]) == {"recipient_name", "recipient_phone", "address"}
    choice = delivery.DeliveryChoice(
        "post", "王康民", "13935800001", "山西省吕梁市离石区永宁中路88号"
    )
    assert delivery.choose_delivery(applicant, case.public_id, choice).method_label == "邮寄送达"
    services.accept(clerk, case.public_id)
    case.refresh_from_db()
    decide_all(case)
    materials.check_all(clerk, case.public_id)
    with pytest.raises(services.InvalidInput, match="运单号"):
        services.hand_over(clerk, case.public_id)
    services.hand_over(
        clerk, case.public_id, handover=delivery.Handover("中国邮政EMS", "1190123456789")
    )
    case.refresh_from_db()
    sent = case.delivery
    assert case.state == CaseState.COMPLETED and sent.tracking_number == "1190123456789"
    assert sent.signed_at is None
    signed = delivery.confirm_signed(applicant, case.public_id)
    assert signed.signed_at is not None and signed.signed_note == "申请人确认收到"
    with connection.cursor() as cursor:  # the address is encrypted at rest
        cursor.execute("SELECT address FROM cases_delivery WHERE id = %s", [sent.pk])
        assert "永宁中路" not in cursor.fetchone()[0]
