"""延伸办's pages over HTTP (Django's test client): 帮办代办 at the window from finding the
citizen to the case filed by code, a refused code and a missing signature; 上门办 from
the citizen's request to the visiting clerk's acceptance; who may open what."""

import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onething.cases.models import Case
from onething.outreach.models import AssistedFiling, HomeVisit
from onething.privacy.models import PersonalDataView
from tests.factories import (
    RETIREMENT,
    as_user,
    consent_code_sent_to,
    page_text,
    retirement_form,
    text_of,
    tiny_jpeg,
    user,
    visit_scheduled,
)

pytestmark = pytest.mark.django_db
ZHANGSAN_ID = "142331198503151231"


def _form_post(**changes) -> dict:
    return {**RETIREMENT, **retirement_form(), "place": "141102", "intent": "save", **changes}


def test_assisted_filing_at_the_window_by_code(client, demo):
    as_user(client, "clerk_lishi")
    page = page_text(client.get("/outreach/assist/"))
    assert "查找申请人" in page
    refused = client.post("/outreach/assist/", {"id_number": "142331198503151232"})
    assert refused.status_code == 400 and "校验码不正确" in text_of(refused)
    found = client.post(
        "/outreach/assist/", {"id_number": ZHANGSAN_ID, "package": "retirement", "way": "phone"}
    )
    assert found.status_code == 302
    address = found["Location"]
    page = page_text(client.get(address))
    facts = re.search(r'<dl class="facts" id="assist-facts">.*?</dl>', page).group(0)
    assert "张*" in facts and ZHANGSAN_ID not in facts and "139****2345" in facts  # masked
    assert PersonalDataView.objects.filter(subject__username="zhangsan").exists()  # the form
    assert "consent-title" not in page  # not before the form is kept
    bad = client.post(address, _form_post(applicant_phone="12"))
    assert bad.status_code == 400 and "联系电话" in text_of(bad)
    assert client.post(address, _form_post()).status_code == 302
    page = page_text(client.get(address))
    assert "申请人确认" in page and 'id="signature-pad"' in page
    consent = f"{address}/consent"
    client.post(consent, {"intent": "send_code"})
    code = consent_code_sent_to("zhangsan")
    wrong = client.post(consent, {"intent": "code", "code": f"{(int(code) + 1) % 10**6:06d}"})
    assert "验证码不正确" in page_text(client.get(wrong["Location"]))
    missing = client.post(consent, {"intent": "signature", "signature": ""})
    assert "请申请人在签名板上签名" in page_text(client.get(missing["Location"]))
    assert not Case.objects.filter(applicant__username="zhangsan").exists()
    done = client.post(consent, {"intent": "code", "code": code})
    case = Case.objects.get(applicant__username="zhangsan")
    assert done["Location"] == f"/cases/{case.public_id}"
    page = page_text(client.get(done["Location"]))
    assert "由 离石区政务服务中心综合窗口 代为填报（经本人短信验证码确认）" in page
    as_user(client, "zhangsan")
    assert "代为填报" in page_text(client.get(f"/cases/{case.public_id}"))
    assert case.number in page_text(client.get("/my/"))  # 我的办件


def test_a_clerk_registers_a_citizen_without_an_account(client, demo):
    as_user(client, "clerk_lishi")
    new_id = "11010519491231002X"
    missing = client.post("/outreach/assist/", {"id_number": new_id, "package": "retirement"})
    assert missing.status_code == 400 and "请为其登记账户" in text_of(missing)
    registered = client.post(
        "/outreach/assist/",
        {
            "intent": "register",
            "id_number": new_id,
            "full_name": "王大爷",
            "phone": "13812345678",
            "package": "retirement",
        },
    )
    assert registered.status_code == 302
    assert AssistedFiling.objects.get().citizen.full_name == "王大爷"


def test_outreach_pages_are_for_their_roles(client, demo):
    as_user(client, "zhangsan")
    assert client.get("/outreach/assist/").status_code == 403
    assert "申请上门办" in page_text(client.get("/outreach/visits/"))
    as_user(client, "r_amr_lishi")
    assert client.get("/outreach/visits/").status_code == 403
    visit = visit_scheduled()
    as_user(client, "clerk_jiaoqu")
    assert client.get(f"/outreach/visits/{visit.public_id}").status_code == 404


def test_a_home_visit_from_request_to_acceptance(client, demo):
    as_user(client, "zhangsan")
    day = (date.today() + timedelta(days=3)).isoformat()
    asked = {
        "package": "retirement",
        "place": "141102",
        "address": "山西省吕梁市离石区滨河北中路 12 号",
        "reason": "other",
        "preferred_dates": [day],
    }
    refused = client.post("/outreach/visits/", asked)
    assert refused.status_code == 400 and "写明具体情况" in text_of(refused)
    made = client.post("/outreach/visits/", {**asked, "reason_note": "行动不便"})
    visit = HomeVisit.objects.get(reason="other")
    assert made["Location"] == f"/outreach/visits/{visit.public_id}"
    assert "待安排" in page_text(client.get(made["Location"]))
    as_user(client, "supervisor_lishi")
    page = page_text(client.get(made["Location"]))
    assert "安排上门" in page and "滨河北中路" not in page  # the address masked
    clerk = user("clerk_lishi")
    client.post(f"{made['Location']}/schedule", {"day": day, "time": "10:00", "visitor": clerk.pk})
    visit.refresh_from_db()
    assert visit.state == "scheduled" and visit.visitor == clerk
    as_user(client, "zhangsan")
    assert "已安排" in page_text(client.get(made["Location"]))
    as_user(client, "clerk_lishi")
    page = page_text(client.get(made["Location"]))
    assert "滨河北中路" in page and 'capture="environment"' in page  # the visitor's page
    refused = client.post(f"{made['Location']}/accept", follow=True)
    assert "尚未核验申请人身份" in text_of(refused)
    client.post(f"{made['Location']}/identity", {"id_number": ZHANGSAN_ID, "method": "typed"})
    form = client.post(f"{made['Location']}/form", _form_post())
    assert form.status_code == 302
    upload = SimpleUploadedFile("IMG_0001.jpg", tiny_jpeg(), content_type="image/jpeg")
    client.post(f"{made['Location']}/photo", {"material": "personnel_file", "photo": upload})
    assert visit.photos.count() == 1
    accepted = client.post(f"{made['Location']}/accept")
    case = Case.objects.get(applicant__username="zhangsan")
    assert accepted["Location"] == f"/cases/{case.public_id}"
    assert case.channel == "visit" and case.state == "in_progress"
    page = page_text(client.get(accepted["Location"]))
    assert "上门办" in page and re.search(r"代为填报（上门核验本人身份后受理）", page)


def test_the_signature_is_shown_only_to_those_who_may_see_the_filing(client, demo):
    from onething.outreach import consent
    from tests.factories import assist_ready, signature_png

    assist = assist_ready()
    consent.confirm_with_signature(user("clerk_lishi"), assist.public_id, signature_png())
    address = f"/outreach/assist/{assist.public_id}/signature.png"
    for username in ("clerk_lishi", "zhangsan", "supervisor_lishi"):
        as_user(client, username)
        answer = client.get(address)
        assert answer.status_code == 200 and answer.content == signature_png(), username
        assert "no-store" in answer["Cache-Control"]
    as_user(client, "clerk_jiaoqu")
    assert client.get(address).status_code == 404
    as_user(client, "clerk_lishi")
    assert "申请人签名" in page_text(client.get(f"/outreach/assist/{assist.public_id}"))


def test_only_the_visiting_clerk_fills_in_the_visit_form(client, demo):
    visit = visit_scheduled()
    as_user(client, "clerk")  # 吕梁市: sees the visit, is not the one sent
    answer = client.get(f"/outreach/visits/{visit.public_id}/form")
    assert answer.status_code == 302 and answer["Location"].endswith(str(visit.public_id))
