"""帮办代办 through the services: a clerk finds (or registers) the citizen, fills in the
one form for them, and the citizen consents by a code sent to their phone or by a
signature; the case is theirs, filed by the clerk. Refusals change nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from onething.cases.models import Action, Case, OutboxMessage
from onething.cases.window import accept
from onething.core.access import assists_visible_to, cases_visible_to
from onething.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onething.outreach import assisting, consent, rules
from onething.outreach.models import AssistedFiling
from tests.factories import (
    RETIREMENT,
    assist_ready,
    consent_code_sent_to,
    retirement_form,
    signature_png,
    user,
)

pytestmark = pytest.mark.django_db
ZHANGSAN_ID = "142331198503151231"


def test_consent_by_code_files_the_case_for_the_citizen(demo):
    clerk, citizen = user("clerk_lishi"), user("zhangsan")
    assert assisting.find_citizen(clerk, ZHANGSAN_ID) == citizen
    assist = assist_ready()
    assert not Case.objects.filter(applicant=citizen).exists()  # nothing before consent
    consent.send_code(clerk, assist.public_id)
    code = consent_code_sent_to("zhangsan")
    assist.refresh_from_db()
    assert code not in assist.code_hash and len(assist.code_hash) == 64  # only a hash kept
    case = consent.confirm_with_code(clerk, assist.public_id, code)
    assert case.applicant == citizen and case.filed_by == clerk and case.consent == "code"
    assert case.state == "submitted" and case.channel == "window" and case.consent_at
    assert case in cases_visible_to(citizen)  # 我的办件
    created = Action.objects.get(case=case, action="create")
    assert created.actor == clerk and created.data["filed_for"] == citizen.pk
    assert "代为填报" in created.note and "短信验证码" in case.filed_by_note
    accept(clerk, case.public_id)  # every notice goes to the citizen
    assert OutboxMessage.objects.filter(recipient=citizen, case=case, kind="accepted").exists()
    with pytest.raises(Conflict):  # used: the filing is done
        consent.confirm_with_code(clerk, assist.public_id, code)


def test_consent_by_signature_keeps_the_png_privately(demo):
    clerk = user("clerk_lishi")
    assist = assist_ready()
    with pytest.raises(InvalidInput, match="没有签名"):
        consent.confirm_with_signature(clerk, assist.public_id, signature_png(ink=False))
    with pytest.raises(InvalidInput, match="签名"):
        consent.confirm_with_signature(clerk, assist.public_id, b"")
    assert not Case.objects.filter(applicant__username="zhangsan").exists()
    png = signature_png()
    case = consent.confirm_with_signature(clerk, assist.public_id, png)
    assert case.consent == "signature" and case.filed_by == clerk
    assist.refresh_from_db()
    assert assist.case == case and consent.signature_png(assist) == png
    assert assist.signature_path.endswith(".enc")  # encrypted in the store


def test_wrong_expired_reused_and_locked_codes_are_refused(demo):
    clerk = user("clerk_lishi")
    assist = assist_ready()
    with pytest.raises(InvalidInput, match="尚未"):
        consent.confirm_with_code(clerk, assist.public_id, "123456")
    consent.send_code(clerk, assist.public_id)
    code = consent_code_sent_to("zhangsan")
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    with pytest.raises(InvalidInput, match="还可再试 4 次"):
        consent.confirm_with_code(clerk, assist.public_id, wrong)
    AssistedFiling.objects.filter(pk=assist.pk).update(
        code_expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(InvalidInput, match="已过期"):
        consent.confirm_with_code(clerk, assist.public_id, code)
    consent.send_code(clerk, assist.public_id)  # a new code; the old one is void
    fresh = consent_code_sent_to("zhangsan")
    if fresh != code:
        with pytest.raises(InvalidInput, match="不正确"):
            consent.confirm_with_code(clerk, assist.public_id, code)
    wrong = f"{(int(fresh) + 7) % 10**6:06d}"
    for _ in range(rules.MAX_WRONG_TRIES):
        with pytest.raises(InvalidInput):
            consent.confirm_with_code(clerk, assist.public_id, wrong)
    with pytest.raises(InvalidInput, match="已锁定"):
        consent.confirm_with_code(clerk, assist.public_id, fresh)
    assert not Case.objects.filter(applicant__username="zhangsan").exists()


def test_the_form_is_checked_as_a_submission_and_nothing_kept_on_refusal(demo):
    clerk = user("clerk_lishi")
    started = assisting.start_assist(clerk, user("zhangsan"), "retirement")
    form = {**retirement_form(), "applicant_phone": "12"}
    with pytest.raises(InvalidInput) as refused:
        assisting.save_assist_form(clerk, started.public_id, RETIREMENT, "141102", form)
    assert "applicant_phone" in refused.value.details["fields"]
    started.refresh_from_db()
    assert not started.form_ready and started.form == {}
    with pytest.raises(Conflict, match="先填好一表"):
        consent.send_code(clerk, started.public_id)


def test_finding_and_registering_citizens(demo):
    clerk = user("clerk_lishi")
    with pytest.raises(InvalidInput, match="校验码"):
        assisting.find_citizen(clerk, "142331198503151232")
    new_id = "11010519491231002X"
    assert assisting.find_citizen(clerk, new_id) is None
    with pytest.raises(InvalidInput, match="手机号码"):
        assisting.register_citizen(clerk, "王大爷", new_id, "123")
    citizen = assisting.register_citizen(clerk, "王大爷", new_id, "13812345678")
    assert citizen.role == "applicant" and not citizen.has_usable_password()
    assert assisting.find_citizen(clerk, new_id.lower()) == citizen
    with pytest.raises(Conflict, match="已有账户"):
        assisting.register_citizen(clerk, "王大爷", new_id, "13812345678")
    with pytest.raises(Forbidden):
        assisting.register_citizen(user("daiban"), "李四", "110105194912310029", "13812345679")
    with pytest.raises(Forbidden):
        assisting.find_citizen(user("zhangsan"), ZHANGSAN_ID)
    # an agent finds only those who authorised them
    assert assisting.find_citizen(user("daiban"), ZHANGSAN_ID) is None


def test_who_sees_assisted_filings(demo):
    assist = assist_ready()
    assert assist in assists_visible_to(user("zhangsan"))
    assert assist in assists_visible_to(user("supervisor_lishi"))
    assert assist not in assists_visible_to(user("clerk_jiaoqu"))
    assert assist not in assists_visible_to(user("yaofang"))
    with pytest.raises(NotFound):  # another county's clerk
        consent.send_code(user("clerk_jiaoqu"), assist.public_id)


def test_an_agent_assists_a_principal_who_authorised_them(demo):
    from tests.factories import ALL_ITEMS, pharmacy_form

    agent, company = user("daiban"), user("yaofang")
    assert assisting.find_citizen(agent, "142331196207082041") == company  # its authorisation
    with pytest.raises(Forbidden, match="代办授权"):  # zhangsan never authorised daiban
        assisting.start_assist(agent, user("zhangsan"), "retirement")
    started = assisting.start_assist(agent, company, "open_pharmacy")
    assisting.save_assist_form(agent, started.public_id, ALL_ITEMS, "141102", pharmacy_form())
    case = consent.confirm_with_signature(agent, started.public_id, signature_png())
    assert case.applicant == company and case.agent == agent and case.filed_by == agent
    assert case.channel == "agent" and case.consent == "signature"
    assert started in assists_visible_to(agent) and case in cases_visible_to(company)
