"""12345-style complaints: filed by anyone, followed by a tracking code, worked in the
closed loop, returned when wrongly dispatched, reopened when the complainant is not
satisfied."""

import pytest

from onething.cases import services
from onething.evaluation import complaint_services as complaints
from onething.evaluation.complaint_services import ComplaintFiling

from .test_case_journey import user

pytestmark = pytest.mark.django_db


def anonymous_complaint(**changes):
    filing = ComplaintFiling(
        kind="complaint",
        category="buck_passing",
        text="离石区窗口让我去市里办，市里又让我回区里办",
        jurisdiction="141102",
        **changes,
    )
    return complaints.file_complaint(filing)


def test_an_anonymous_complaint_is_followed_by_its_code_to_closure(demo):
    filed = anonymous_complaint()
    assert filed.tracking.startswith("12345-") and filed.anonymous and filed.contact_phone == ""
    assert complaints.follow(filed.tracking).pk == filed.pk
    wrong = filed.tracking[:-1] + ("Z" if not filed.tracking.endswith("Z") else "Y")
    assert complaints.follow(wrong) is None  # the random part must be right too
    supervisor, clerk = user("supervisor_lishi"), user("clerk_lishi")
    with pytest.raises(services.Forbidden):
        complaints.dispatch(clerk, filed.pk, clerk)
    complaints.dispatch(supervisor, filed.pk, user("r_amr_lishi"))
    complaints.return_to_supervisor(user("r_amr_lishi"), filed.pk, "不属于市场监管职责")
    complaints.dispatch(supervisor, filed.pk, clerk)
    with pytest.raises(services.NotFound):
        complaints.reply(user("r_amr_lishi"), filed.pk, "不是派给我的")
    complaints.reply(clerk, filed.pk, "已核实，窗口首问负责，今后不再让您往返")
    reopened = complaints.revisit(supervisor, filed.pk, False, "希望书面答复")
    assert reopened.state == "dispatched"
    complaints.reply(clerk, filed.pk, "已寄送书面答复")
    closed = complaints.revisit(supervisor, filed.pk, True, "满意")
    assert closed.state == "closed" and closed.closed_at is not None
    assert [e.action for e in closed.events.all()] == [
        "received",
        "dispatch",
        "return",
        "dispatch",
        "reply",
        "reopen",
        "reply",
        "close",
    ]


def test_bad_filings_are_refused_with_every_reason(demo):
    with pytest.raises(services.InvalidInput) as refused:
        complaints.file_complaint(
            ComplaintFiling(
                kind="rant",
                category="?",
                text="短",
                jurisdiction="141102",
                anonymous=False,
                contact_phone="123",
                case_number="141102-20260101-999999",
            )
        )
    message = str(refused.value)
    for part in ("诉求类型", "问题类别", "至少 5 个字", "联系电话", "没有受理编号"):
        assert part in message


def test_a_named_complainant_is_kept_encrypted(demo):
    from django.db import connection

    filed = anonymous_complaint(anonymous=False, contact_name="王五", contact_phone="13612341234")
    assert filed.contact_phone == "13612341234"
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM evaluation_complaint WHERE id = %s", [filed.pk])
        assert "13612341234" not in cursor.fetchone()[0]


def test_a_duplicate_is_merged_into_the_one_it_repeats(demo, client):
    first = anonymous_complaint()
    again = anonymous_complaint()
    supervisor = user("supervisor_lishi")
    with pytest.raises(services.InvalidInput):
        complaints.merge(supervisor, again.pk, again.tracking)
    merged = complaints.merge(supervisor, again.pk, first.tracking)
    assert merged.state == "closed" and merged.merged_into == first
    assert first.events.filter(action="merged").count() == 1
    page = client.get("/complaints/track", {"code": again.tracking}).content.decode()
    assert f"查看 {first.tracking} 的进度" in page
    with pytest.raises(services.Conflict):
        complaints.merge(supervisor, again.pk, first.tracking)  # already closed
