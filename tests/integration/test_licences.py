"""Electronic certificates issued by the pharmacy journey: numbered, signed, verifiable,
revocable, and caught when anything in them is changed."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from onething.licences import services as licences
from onething.licences.certificate import LicenceStatus
from onething.licences.identifiers import parse_number
from onething.licences.models import Licence
from tests.factories import user

pytestmark = pytest.mark.django_db


def test_every_approved_item_that_issues_a_licence_gets_one(issued):
    licences_ = {lic.type_name: lic for lic in Licence.objects.filter(case=issued)}
    assert set(licences_) == {
        "营业执照",
        "药品经营许可证",
        "医疗器械经营许可证",
        "第二类医疗器械经营备案凭证",
        "食品经营许可证",
        "户外广告设施设置许可决定书",
    }
    drug = licences_["药品经营许可证"]
    assert drug.holder.username == "yaofang" and drug.holder_kind == "enterprise"
    assert drug.issuer_name == "吕梁市药品监督管理局"  # 市县联动: issued at the city
    assert drug.valid_until == licences.valid_until(drug.issued_on, 5)
    assert licences_["营业执照"].valid_until is None  # 长期
    number = parse_number(drug.number)
    assert number.type_code == "YPJYXKZ" and number.issuer_uscc == drug.issuer_uscc
    document = drug.document
    assert document["holder"]["code"] == "91141102MA0K5R2C1K"
    assert document["data"]["企业名称"] and document["signature"]["scheme"] == "ed25519"
    assert licences.verify_number(drug.number).status == LicenceStatus.valid


def test_a_changed_field_anywhere_makes_it_forged(issued):
    licence = Licence.objects.filter(case=issued).first()
    original = licence.document
    assert licences.verify_document(original).status == LicenceStatus.valid
    for change in (
        lambda d: d["data"].update({"企业名称": "别的公司"}),
        lambda d: d["holder"].update({"name": "别的公司"}),
        lambda d: d.update({"valid_until": "2099-12-31"}),
        lambda d: d["issuer"].update({"name": "假机关"}),
        lambda d: d["signature"].update({"value": d["signature"]["value"][::-1]}),
        lambda d: d.pop("signature"),
    ):
        document = json.loads(json.dumps(original))
        change(document)
        assert licences.verify_document(document).status == LicenceStatus.forged, document
    # A row altered in the database is caught by its signature as well.
    altered = dict(original, type_name="假证")
    Licence.objects.filter(pk=licence.pk).update(
        document_text=json.dumps(altered, ensure_ascii=False)
    )
    assert licences.verify_number(licence.number).status == LicenceStatus.forged


def test_revoked_and_expired_say_so(issued):
    drug = Licence.objects.get(case=issued, type_name="药品经营许可证")
    with pytest.raises(licences.LicenceError):
        licences.revoke(user("r_mpa_lishi"), drug.number, "弄错了")  # not the issuing level
    licences.revoke(user("r_mpa"), drug.number, "以欺骗手段取得许可")
    result = licences.verify_number(drug.number)
    assert result.status == LicenceStatus.revoked
    assert result.licence.revoked_reason == "以欺骗手段取得许可"
    later = drug.valid_until + timedelta(days=1)
    food = Licence.objects.get(case=issued, type_name="食品经营许可证")
    assert licences.verify_number(food.number, today=later).status == LicenceStatus.expired
    assert licences.verify_number(food.number, today=timezone.localdate()).status == "valid"


def test_unknown_and_mistyped_numbers(issued):
    licence = Licence.objects.filter(case=issued).first()
    typo = licence.number[:-1] + ("A" if licence.number[-1] != "A" else "B")
    result = licences.verify_number(typo)
    assert result.status == LicenceStatus.unknown and "校验" in result.message
    assert licences.verify_number("不是编号").status == LicenceStatus.unknown


def test_the_sweep_records_an_expiry_once(issued):
    from onething.sweep import sweep

    food = Licence.objects.get(case=issued, type_name="食品经营许可证")
    after = food.valid_until + timedelta(days=1)
    # the three five-year licences, and 张三's one-year 健康证明 of the demo library
    assert sweep(after).licences_expired == 4
    assert sweep(after).licences_expired == 0
    assert food.events.filter(kind="expired").count() == 1


def test_the_signed_document_is_encrypted_at_rest(issued):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT document_text, holder_digest FROM licences_licence")
        rows = cursor.fetchall()
    assert rows and all(text.startswith("enc1:") for text, _digest in rows)
    assert all("91141102MA0K5R2C1K" not in text + digest for text, digest in rows)


def test_the_issued_pdf_verifies_offline_and_a_tampered_one_is_forged(issued, tmp_path):
    import io

    from pypdf import PdfReader, PdfWriter
    from typer.testing import CliRunner

    from onething.licences.cli import app
    from onething.licences.rendering import render_certificate_pdf

    licence = Licence.objects.get(case=issued, type_name="药品经营许可证")
    pdf = tmp_path / "licence.pdf"
    pdf.write_bytes(render_certificate_pdf(licence))
    keys = tmp_path / "keys.json"
    licences.keyring().export_public(keys)
    runner = CliRunner()
    result = runner.invoke(app, ["verify", str(pdf), "--keys", str(keys)])
    assert result.exit_code == 0 and result.stdout.startswith("valid: ")

    document = json.loads(PdfReader(pdf).attachments["licence.json"][0])
    document["data"]["经营场所"] = "别处"
    forged = PdfWriter()  # the same pages, the changed data attached in its place
    for page in PdfReader(pdf).pages:
        forged.add_page(page)
    forged.add_attachment("licence.json", json.dumps(document, ensure_ascii=False).encode())
    buffer = io.BytesIO()
    forged.write(buffer)
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(buffer.getvalue())
    result = runner.invoke(app, ["verify", str(tampered), "--keys", str(keys)])
    assert result.exit_code == 1 and result.stdout.startswith("forged: ")
