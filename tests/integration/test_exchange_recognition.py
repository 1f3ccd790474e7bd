"""全程网办 证照互认 as a material (免提交): a certificate a partner region signed, uploaded
for a material it stands for and naming the applicant, is taken as one of our own (A),
the check in the case's record; a scan, another person's certificate, a partner not set up, or
one of another type stays an upload whose original the window checks (C)."""

import pytest

from onething.cases import materials, services
from onething.cases.filing import Filing
from onething.cases.models import Action, Evidence
from onething.catalog.services import current_catalog
from onething.exchange import identity
from onething.exchange.models import Partner
from onething.licences.models import Licence
from onething.licences.rendering import render_certificate_pdf
from onething.licences.services import Issue, issue
from tests.factories import FOOD_SHOP, food_shop_form, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(demo):
    from tests.factories import exchange_partner

    return exchange_partner()  # this node 吕梁市, and 榆林市 with keys the test holds


def partner_certificate(holder, type_id: str = "real_estate_certificate", **data) -> bytes:
    """A certificate signed with the partner's issuing keys, as its PDF; not in our
    library (the row is removed: only its signature speaks for it)."""
    catalog = current_catalog().catalog
    licence = issue(
        Issue(
            catalog.licence_types[type_id],
            holder,
            "natural_resources",
            "自然资源局",
            "610802",
            "榆林市榆阳区",
            {"applicant_name": holder.full_name, **data},
        )
    )
    pdf = render_certificate_pdf(licence)
    licence.delete()
    # The partner publishes its issuing keys (here: this node's, the issuer's key now made).
    Partner.objects.filter(code="yulin").update(licence_keys=identity.licence_public_keys())
    return pdf


def filed_food_shop():
    form = food_shop_form("30")
    case, _ = services.file_case(
        user("yaofang"), Filing("small_food_shop", FOOD_SHOP, "141102", form), submit=False
    )
    return case, Evidence.objects.get(case=case, material_id="premises_proof")


def test_a_partners_certificate_stands_for_the_material(partner):
    case, premises = filed_food_shop()
    data = partner_certificate(user("yaofang"))
    uploaded = materials.upload_evidence(
        user("yaofang"), case.public_id, premises.pk, "产权证.pdf", data
    )
    assert uploaded.trust == "A"
    row = Action.objects.get(case=case, action="recognise_certificate")
    assert "跨省通办证照互认" in row.note and "不动产权证书" in row.note
    assert not Licence.objects.filter(
        holder=user("yaofang"), type_id="real_estate_certificate"
    ).exists()


def test_another_persons_or_another_types_certificate_is_an_upload_like_any(partner):
    case, premises = filed_food_shop()
    someone_else = partner_certificate(user("zhangsan"))
    uploaded = materials.upload_evidence(
        user("yaofang"), case.public_id, premises.pk, "a.pdf", someone_else
    )
    assert uploaded.trust == "C"
    wrong_type = partner_certificate(user("yaofang"), "health_certificate")
    uploaded = materials.upload_evidence(
        user("yaofang"), case.public_id, premises.pk, "b.pdf", wrong_type
    )
    assert uploaded.trust == "C"
    assert not Action.objects.filter(case=case, action="recognise_certificate").exists()


def test_without_the_partner_a_certificate_it_signed_is_not_recognised(demo):
    case, premises = filed_food_shop()
    data = partner_certificate(user("yaofang"))
    uploaded = materials.upload_evidence(
        user("yaofang"), case.public_id, premises.pk, "c.pdf", data
    )
    assert uploaded.trust == "C"
