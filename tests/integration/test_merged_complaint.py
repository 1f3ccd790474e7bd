"""A duplicate complaint merged into the one it repeats: its complainant follows their own
code to their own record, sees that it is handled together with a like complaint and how
that one goes (its state, steps and answer), and never that one's code, text or contact."""

import re

import pytest

from onething.evaluation import complaint_services as complaints
from onething.evaluation.complaint_services import ComplaintFiling
from onething.evaluation.models import ComplaintEvent
from tests.factories import element, page_text, user

pytestmark = pytest.mark.django_db

FIRST_TEXT = "离石区窗口让我去市里办，市里又让我回区里办，跑了三趟"
AGAIN_TEXT = "办营业执照时窗口推来推去，让我区里市里来回跑"
ANSWER = "已协调区市两级窗口，营业执照改由离石区窗口一次受理"


def filed(text: str, **changes):
    filing = ComplaintFiling(
        kind="complaint", category="buck_passing", text=text, jurisdiction="141102", **changes
    )
    return complaints.file_complaint(filing)


@pytest.fixture
def merged(demo):
    """A named complaint, dispatched and answered, and an anonymous one merged into it."""
    first = filed(FIRST_TEXT, anonymous=False, contact_name="王五", contact_phone="13612341234")
    supervisor, clerk = user("supervisor_lishi"), user("clerk_lishi")
    complaints.dispatch(supervisor, first.pk, clerk)
    again = filed(AGAIN_TEXT)
    complaints.merge(supervisor, again.pk, first.tracking)
    complaints.reply(clerk, first.pk, ANSWER)
    return first, again


def spaced(code: str) -> list[str]:
    """The ways a page may print a code: whole, in groups of four, split by tags."""
    groups = [code[i : i + 4] for i in range(0, len(code), 4)]
    return [code, " ".join(groups), "-".join(groups), "</span><span>".join(groups)]


def test_the_duplicate_shows_its_own_record_and_the_progress_it_shares(client, merged):
    first, again = merged
    response = client.get("/complaints/track", {"code": again.tracking})
    text = page_text(response)
    assert "".join(element(response, id="track-title").text.split()).endswith(again.tracking)
    assert AGAIN_TEXT in text
    assert element(response, id="complaint-state").text == "已与同类诉求合并办理"
    shared = element(response, id="merged-progress")
    assert element(response, id="merged-state").text == "已回复，待回访"
    assert ANSWER in shared.text and "合并了一件重复反映的诉求" in shared.text
    for shown in spaced(first.tracking):
        assert shown not in text
    for private in (FIRST_TEXT, "王五", "王*", "13612341234", "136****1234"):
        assert private not in text


def test_a_merge_step_stored_with_the_other_code_is_shown_without_it(client, merged):
    first, again = merged
    ComplaintEvent.objects.create(  # as merges were recorded before: 与诉求 <code> 合并办理
        complaint=again, action="merge", text=f"与诉求 {first.tracking} 合并办理"
    )
    text = page_text(client.get("/complaints/track", {"code": again.tracking}))
    assert first.tracking not in text
    assert text.count("已与同类诉求合并办理") >= 3  # the state and both merge steps


def test_the_complaint_merged_into_shows_nothing_of_the_duplicate(client, merged):
    first, again = merged
    text = page_text(client.get("/complaints/track", {"code": first.tracking}))
    assert FIRST_TEXT in text and ANSWER in text
    assert again.tracking not in text and AGAIN_TEXT not in text
    assert 'id="merged-progress"' not in text


def test_a_target_merged_in_its_turn_leads_to_the_one_that_is_worked(client, demo):
    supervisor = user("supervisor_lishi")
    worked = filed(FIRST_TEXT)
    middle = filed(AGAIN_TEXT)
    last = filed("窗口让我来回跑了好几趟")
    complaints.merge(supervisor, last.pk, middle.tracking)
    complaints.merge(supervisor, middle.pk, worked.tracking)
    complaints.dispatch(supervisor, worked.pk, user("clerk_lishi"))
    response = client.get("/complaints/track", {"code": last.tracking})
    assert element(response, id="merged-state").text == "已派单，办理中"
    text = page_text(response)
    for other in (worked.tracking, middle.tracking, FIRST_TEXT, AGAIN_TEXT):
        assert other not in text


def test_open311_reports_the_duplicate_as_merged_without_the_other_code(client, merged):
    first, again = merged
    response = client.get(f"/open311/v2/requests/{again.tracking}.json")
    assert response.status_code == 200
    status = response.json()[0]
    assert status["status_notes"].startswith("已与同类诉求合并办理")
    assert first.tracking not in response.content.decode()
    assert not re.search(FIRST_TEXT, response.content.decode())
