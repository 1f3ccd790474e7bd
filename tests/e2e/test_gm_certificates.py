"""Certificates under the gm crypto profile (ONETHING_CRYPTO_PROFILE=gm): signed with SM2,
verified on /verify/ and offline with the exported public keys — and certificates signed
under either profile verify under both."""

import io
import json

import pytest
from typer.testing import CliRunner

from onething.licences.cli import app as licence_cli
from onething.licences.models import Licence
from onething.licences.services import keyring
from tests.factories import decided_pharmacy, element

pytestmark = pytest.mark.django_db


@pytest.fixture
def gm_and_intl(demo, settings):
    """我要开药店 decided twice: its certificates signed under gm, then under intl."""
    settings.CRYPTO_PROFILE = "gm"
    gm_case = decided_pharmacy()
    settings.CRYPTO_PROFILE = "intl"
    intl_case = decided_pharmacy()
    return gm_case, intl_case


def drug_of(case) -> Licence:
    return Licence.objects.get(case=case, type_name="药品经营许可证")


def test_a_gm_certificate_names_sm2_and_verifies_on_the_page(client, gm_and_intl, settings):
    gm_drug, intl_drug = (drug_of(case) for case in gm_and_intl)
    assert gm_drug.document["signature"]["scheme"] == "sm2"
    assert intl_drug.document["signature"]["scheme"] == "ed25519"
    for profile in ("gm", "intl"):
        settings.CRYPTO_PROFILE = profile
        for drug in (gm_drug, intl_drug):
            verified = client.get("/verify/", {"n": drug.number})
            assert element(verified, id="verify-status").text == "有效", (profile, drug.number)
            upload = io.BytesIO(json.dumps(drug.document, ensure_ascii=False).encode())
            upload.name = "licence.json"
            posted = client.post("/verify/", {"document": upload})
            assert element(posted, id="verify-status").text == "有效"
    forged = gm_drug.document
    forged["data"]["企业名称"] = "冒名药房"
    upload = io.BytesIO(json.dumps(forged, ensure_ascii=False).encode())
    upload.name = "licence.json"
    assert element(client.post("/verify/", {"document": upload}), id="verify-status").text == (
        "伪造或被篡改"
    )


def test_gm_and_intl_certificates_verify_offline_with_the_exported_keys(gm_and_intl, tmp_path):
    keys = tmp_path / "public.json"
    keyring().export_public(keys)
    exported = json.loads(keys.read_text())["authorities"]
    schemes = {meta["scheme"] for entries in exported.values() for meta in entries.values()}
    assert schemes == {"ed25519", "sm2"}
    for case in gm_and_intl:
        path = tmp_path / f"{case.pk}.json"
        path.write_text(json.dumps(drug_of(case).document, ensure_ascii=False))
        result = CliRunner().invoke(licence_cli, ["verify", str(path), "--keys", str(keys)])
        assert result.exit_code == 0 and result.output.startswith("valid: "), result.output
