"""Materials of a case and their trust levels: a licence the applicant holds is attached
by reference (A, 免提交); uploads are C until a clerk checks the original (B)."""

import pytest

from onething.cases import materials, services
from onething.cases.models import Evidence
from onething.cases.services import Filing
from onething.catalog.guide import build_guide, resolve_answers
from onething.catalog.services import current_catalog
from onething.intake.samples import sample_form
from onething.licences import services as licences
from onething.licences.models import Licence
from tests.factories import decide_all, pharmacy_filing, user

pytestmark = pytest.mark.django_db
WATER = {"needs_water": "true", "needs_power": "false", "needs_gas": "false"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def utility_filing() -> Filing:
    catalog = current_catalog().catalog
    package = catalog.packages["utility_connection"]
    answers = {**WATER, "needs_excavation": "false"}
    guide = build_guide(catalog, package, resolve_answers(package, answers))
    return Filing("utility_connection", answers, "141102", sample_form(guide.fields))


@pytest.fixture
def licensed(demo):
    """yaofang after 我要开药店: it holds a business licence among others."""
    case, _ = services.file_case(user("yaofang"), pharmacy_filing())
    services.accept(user("clerk_lishi"), case.public_id)
    case.refresh_from_db()
    decide_all(case)
    return case


def evidence(case) -> dict[str, Evidence]:
    return {e.material_id: e for e in Evidence.objects.filter(case=case)}


def test_the_first_application_has_to_provide_the_business_licence(demo):
    case, _ = services.file_case(user("yaofang"), pharmacy_filing())
    materials = evidence(case)
    assert materials["business_licence"].trust == ""  # not held yet: still to provide


def test_a_later_application_attaches_the_licence_it_holds(licensed):
    case, _ = services.file_case(user("yaofang"), utility_filing())
    business = evidence(case)["business_licence"]
    held = Licence.objects.get(holder=user("yaofang"), type_id="business_licence")
    assert business.trust == "A" and business.licence == held
    others = [e for e in evidence(case).values() if e.material_id != "business_licence"]
    asked = [e for e in others if e.origin == "applicant"]
    assert asked and all(e.trust == "" for e in asked)
    made = [e for e in others if e.origin == "form"]  # the 申请书, made from the form
    assert [e.material_id for e in made] == ["application_form"] and made[0].trust == "A"


def test_a_revoked_licence_is_not_attached_again(licensed):
    held = Licence.objects.get(holder=user("yaofang"), type_id="business_licence")
    licences.revoke(user("r_amr_lishi"), held.number, "登记事项虚假")
    case, _ = services.file_case(user("yaofang"), utility_filing())
    assert evidence(case)["business_licence"].trust == ""


def test_an_upload_is_c_until_the_window_checks_the_original(licensed):
    case, _ = services.file_case(user("yaofang"), utility_filing())
    other = next(e for e in evidence(case).values() if e.trust == "")
    with pytest.raises(services.InvalidInput, match="只接受 PDF、OFD、JPG 或 PNG"):
        materials.upload_evidence(user("yaofang"), case.public_id, other.pk, "a.exe", b"MZ\x90")
    with pytest.raises(services.InvalidInput, match="不超过 10 MB"):
        materials.upload_evidence(
            user("yaofang"), case.public_id, other.pk, "big.pdf", PDF + b"0" * (11 << 20)
        )
    with pytest.raises(services.Forbidden):
        materials.upload_evidence(user("zhangsan"), case.public_id, other.pk, "a.pdf", PDF)
    uploaded = materials.upload_evidence(user("yaofang"), case.public_id, other.pk, "合同.pdf", PDF)
    assert uploaded.trust == "C" and materials.evidence_file(uploaded) == PDF
    stored = (licences.paths.data_dir() / uploaded.file_path).read_bytes()
    assert PDF not in stored  # encrypted at rest
    checked = materials.check_original(user("clerk_lishi"), case.public_id, other.pk)
    assert checked.trust == "B" and checked.checked_by == user("clerk_lishi")
    business = evidence(case)["business_licence"]
    with pytest.raises(services.Conflict, match="无需核验原件"):
        materials.check_original(user("clerk_lishi"), case.public_id, business.pk)
    with pytest.raises(services.Forbidden):
        materials.check_original(user("r_amr_lishi"), case.public_id, other.pk)
    assert case.actions.filter(action="check_original").count() == 1


def test_a_licence_revoked_after_it_was_attached_shows_on_the_case(licensed, client):
    case, _ = services.file_case(user("yaofang"), utility_filing())
    held = Licence.objects.get(holder=user("yaofang"), type_id="business_licence")
    licences.revoke(user("r_amr_lishi"), held.number, "登记事项虚假")
    client.force_login(user("clerk_lishi"))
    page = client.get(f"/cases/{case.public_id}").content.decode()
    assert "该证照已撤销，请改为提交原件或上传电子件" in page
    client.force_login(user("yaofang"))
    detail = client.get(f"/licences/{held.number}").content.decode()
    assert "免提交调用" in detail and "该办件需改交原件" in detail


def test_a_written_promise_only_where_the_catalogue_allows_it(licensed):
    case, _ = services.file_case(user("yaofang"), pharmacy_filing())
    rows = evidence(case)
    premises = rows["premises_proof"]
    assert premises.commitment_allowed
    promised = materials.promise_evidence(user("yaofang"), case.public_id, premises.pk)
    assert promised.trust == "D"
    with pytest.raises(services.Conflict, match="不适用告知承诺"):
        materials.promise_evidence(user("yaofang"), case.public_id, rows["premises_layout"].pk)
    assert case.actions.filter(action="promise_evidence").count() == 1


def test_uploads_are_stored_once_by_content_with_their_digest(licensed):
    import hashlib

    case, _ = services.file_case(user("yaofang"), utility_filing())
    pending = [e for e in evidence(case).values() if e.trust == ""]
    first = materials.upload_evidence(
        user("yaofang"), case.public_id, pending[0].pk, "../x.pdf", PDF
    )
    second = materials.upload_evidence(user("yaofang"), case.public_id, pending[1].pk, "y.pdf", PDF)
    assert first.sha256 == hashlib.sha256(PDF).hexdigest() == second.sha256
    assert first.file_path == second.file_path == f"uploads/{first.sha256[:2]}/{first.sha256}.enc"
    assert first.file_name == "x.pdf" and first.size == len(PDF)
    action = case.actions.filter(action="upload_evidence").first()
    assert action.data["sha256"] == first.sha256


def test_paper_handed_in_at_the_window_is_recorded(licensed):
    case, _ = services.file_case(user("yaofang"), utility_filing())
    pending = next(e for e in evidence(case).values() if e.trust == "")
    received = materials.check_original(
        user("clerk_lishi"), case.public_id, pending.pk, paper_received=True
    )
    assert received.trust == "B" and received.paper_received
    assert case.actions.filter(action="receive_paper").count() == 1
