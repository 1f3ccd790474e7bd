"""Filing as the law and the promises say: every way to submit runs the same checks, the
filing page goes on with the open draft, and an application the window leaves undecided
is deemed accepted from the day it was received (行政许可法 Art. 32)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from onething.calendar.loaded import current_calendar
from onething.cases import services
from onething.cases.lifecycle import CaseState, TaskState
from onething.cases.models import Case
from onething.cases.services import Filing
from tests.factories import pharmacy_filing, user

pytestmark = pytest.mark.django_db
HALF_ANSWERED = {"sells_food": "true", "has_signboard": "false"}  # 2 of 4 questions
UNANSWERED = "请先回答全部问题：是否经营第三类医疗器械"


def half_answered_draft() -> Case:
    filing = pharmacy_filing()
    draft, _created = services.file_case(
        user("yaofang"),
        Filing(filing.package_id, HALF_ANSWERED, filing.place, filing.form),
        submit=False,
    )
    return draft


def test_the_service_refuses_to_submit_a_draft_with_questions_unanswered(demo):
    draft = half_answered_draft()
    with pytest.raises(services.InvalidInput, match=UNANSWERED) as refused:
        services.submit(user("yaofang"), draft.public_id)
    assert set(refused.value.details["questions"]) == {
        "sells_class3_devices",
        "sells_class2_devices",
    }
    draft.refresh_from_db()
    assert draft.state == CaseState.DRAFT and draft.number is None


def test_every_way_to_submit_the_same_incomplete_input_is_refused_alike(demo, client):
    client.force_login(user("yaofang"))
    filing = pharmacy_filing()
    posted = {**HALF_ANSWERED, **filing.form, "place": "141102", "idempotency_key": "page-1"}

    # 1. the filing page
    page = client.post("/apply/open_pharmacy", {**posted, "intent": "submit"})
    assert page.status_code == 400 and UNANSWERED in page.content.decode()

    # 2. the draft's own page (从“我的办件”打开草稿): its 提交申请 button
    draft = half_answered_draft()
    page = client.post(f"/cases/{draft.public_id}/do/submit", {"version": draft.version})
    assert page.status_code == 400 and UNANSWERED in page.content.decode()

    # 3. the API, filing at once and submitting the draft
    token = client.post(
        "/api/v1/auth/token",
        {"username": "yaofang", "password": "onething-demo"},
        content_type="application/json",
    ).json()["token"]
    api = {"HTTP_AUTHORIZATION": f"Bearer {token}", "content_type": "application/json"}
    body = {"package_id": "open_pharmacy", "answers": HALF_ANSWERED, "place": "141102"}
    filed = client.post("/api/v1/cases", json.dumps({**body, "form": filing.form}), **api)
    assert filed.status_code == 400 and UNANSWERED in filed.json()["detail"]
    submitted = client.post(f"/api/v1/cases/{draft.public_id}/submit", "{}", **api)
    assert submitted.status_code == 400 and UNANSWERED in submitted.json()["detail"]

    assert not Case.objects.exclude(state=CaseState.DRAFT).exists()


def test_opening_the_filing_page_again_goes_on_with_the_open_draft(demo, client):
    client.force_login(user("yaofang"))
    draft = half_answered_draft()
    again = client.get("/apply/open_pharmacy")
    assert again.status_code == 302
    assert again["Location"] == f"/apply/open_pharmacy?case={draft.public_id}"
    resumed = client.get(again["Location"]).content.decode()
    assert 'name="sells_food" value="true" checked' in resumed and "放弃这份草稿" in resumed
    # 放弃 the draft: the page starts anew, and nothing is resumed any more.
    client.post(
        f"/cases/{draft.public_id}/do/withdraw", {"version": draft.version, "next": "apply"}
    )
    assert client.get("/apply/open_pharmacy").status_code == 200


def test_a_draft_keeps_what_was_typed_and_submitting_normalises_it(demo):
    filing = pharmacy_filing()
    typed = {**filing.form, "legal_rep_id_number": " 142301198001011230 "}
    draft, _ = services.file_case(
        user("yaofang"),
        Filing(filing.package_id, filing.answers, filing.place, {**typed, "business_scope": ""}),
        submit=False,
    )
    assert draft.form["legal_rep_id_number"] == "142301198001011230"
    assert "business_scope" not in draft.form
    with pytest.raises(services.InvalidInput) as refused:
        services.submit(user("yaofang"), draft.public_id)
    assert refused.value.details["fields"] == {"business_scope": "经营范围：必填"}


def test_deemed_acceptance_counts_from_the_day_it_was_received(demo):
    case, _ = services.file_case(user("yaofang"), pharmacy_filing())
    calendar = current_calendar()
    today = timezone.localdate()
    received = today - timedelta(days=14)
    while not calendar.is_working_day(received):
        received -= timedelta(days=1)
    at = timezone.make_aware(
        timezone.datetime.combine(received, timezone.datetime.min.time()).replace(hour=10)
    )
    Case.objects.filter(pk=case.pk).update(
        submitted_at=at, window_due=calendar.add_working_days(received, 5)
    )

    assert services.deem_overdue_acceptances(today) == 1
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS
    assert timezone.localdate(case.accepted_at) == received
    first = case.tasks.get(item_id="business_registration")
    assert first.state == TaskState.WORKABLE and first.workable_on == received
    assert first.due_date == calendar.add_working_days(received, first.promised_days)
    action = case.actions.get(action="deem_accepted")
    assert action.data["accepted_from"] == received.isoformat()
    notice = case.notices.get(kind="acceptance")
    assert any("药品经营许可证核发" in line for line in notice.lines)
