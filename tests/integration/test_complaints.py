"""12345-style complaints: filed by anyone, followed by a tracking code, worked in the
closed loop, returned when wrongly dispatched, reopened when the complainant is not
satisfied."""

import re

import pytest

from onething.cases import services
from onething.evaluation import complaint_services as complaints
from onething.evaluation.complaint_services import ComplaintFiling
from onething.evaluation.models import Complaint, ComplaintEvent
from tests.factories import user

pytestmark = pytest.mark.django_db


def anonymous_complaint(**changes):
    filing = ComplaintFiling(
        **{
            "kind": "complaint",
            "category": "buck_passing",
            "text": "离石区窗口让我去市里办，市里又让我回区里办",
            "jurisdiction": "141102",
            **changes,
        }
    )
    return complaints.file_complaint(filing)


def test_an_anonymous_complaint_is_followed_by_its_code_to_closure(demo):
    filed = anonymous_complaint()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{12}", filed.tracking)
    assert filed.anonymous and filed.contact_phone == ""
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


def test_bad_filings_are_refused_with_every_reason_at_its_field(demo):
    with pytest.raises(services.InvalidInput) as refused:
        complaints.file_complaint(
            ComplaintFiling(
                kind="rant",
                category="?",
                text="短",
                jurisdiction="999999",
                anonymous=False,
                contact_phone="123",
                case_number="141102-20260101-999999",
            )
        )
    fields = refused.value.details["fields"]
    assert refused.value.message == "有 6 处需要修改"
    assert "诉求类型" in fields["kind"] and "问题类别" in fields["category"]
    assert "至少 5 个字" in fields["text"]
    assert fields["jurisdiction"] == "没有代码为 999999 的发生地，请从列表中选择"
    assert fields["contact_phone"].startswith("联系电话不正确")
    assert "没有受理编号为 141102-20260101-999999 的办件" in fields["case_number"]
    assert not Complaint.objects.exists() and not ComplaintEvent.objects.exists()


def test_a_named_complaint_needs_a_phone_and_an_anonymous_one_ignores_contact(demo):
    with pytest.raises(services.InvalidInput) as refused:
        anonymous_complaint(anonymous=False, contact_name="王五")
    assert refused.value.details["fields"] == {
        "contact_phone": "实名反映请留下联系电话，以便回访；也可以选择匿名"
    }
    filed = anonymous_complaint(anonymous=True, contact_name="王五", contact_phone="not a phone")
    assert filed.contact_name == "" and filed.contact_phone == ""


def test_the_place_is_a_jurisdiction_of_the_catalogue_named_with_its_city(demo):
    places = complaints.places()
    assert places["140311"] == "阳泉市郊区" and places["141102"] == "吕梁市离石区"
    assert places["141100"] == "吕梁市（市级）"
    with pytest.raises(services.InvalidInput) as refused:
        anonymous_complaint(jurisdiction="")
    assert refused.value.details["fields"] == {"jurisdiction": "请选择发生地"}
    assert anonymous_complaint(jurisdiction="140311").jurisdiction == "140311"


def test_tracking_codes_are_twelve_random_characters_unique_over_many(demo):
    filed = [anonymous_complaint().tracking for _ in range(200)]
    assert len(set(filed)) == 200
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{12}", code) for code in filed)
    # Characters are spread over the whole alphabet, not a counter or a date.
    assert len(set("".join(filed))) == 32


def test_a_code_is_found_however_it_is_typed_back(demo):
    filed = Complaint.objects.create(
        tracking="K7QD0M1XA2BC",
        kind="consult",
        category="other",
        text="怎么办理",
        jurisdiction="141102",
    )
    for typed in (
        "K7QD0M1XA2BC",
        "k7qd-0m1x-a2bc",
        " K7QD 0M1X A2BC ",
        "K7QDOMIXA2BC",
        "k7qdomlxa2bc",
        "Ｋ７ＱＤ－０Ｍ１Ｘ－Ａ２ＢＣ",
    ):
        assert complaints.follow(typed) == filed, typed
    for typed in ("", "K7QD0M1XA2B", "K7QD0M1XA2BCD", "K7QD0M1XA2BU", "K7QD0M1XA2BD"):
        assert complaints.follow(typed) is None, typed


def test_codes_of_the_old_form_still_find_their_complaint(demo):
    old = Complaint.objects.create(
        tracking="12345-20261123-000001-K7QL",
        kind="consult",
        category="other",
        text="怎么办理",
        jurisdiction="141102",
    )
    for typed in (
        "12345-20261123-000001-K7QL",
        "12345-20261123-000001-k7ql",
        "12345 20261123 000001 K7QL",
        "1234520261123000001K7QL",
    ):
        assert complaints.follow(typed) == old, typed
    assert complaints.follow("12345-20261123-000002-K7QL") is None
    merged = complaints.merge(
        user("supervisor_lishi"), anonymous_complaint().pk, "12345-20261123-000001-k7ql"
    )
    assert merged.merged_into == old


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
    assert "已与同类诉求合并办理" in page and first.tracking not in page  # test_merged_complaint
    with pytest.raises(services.Conflict):
        complaints.merge(supervisor, again.pk, first.tracking)  # already closed


def test_a_code_already_taken_is_drawn_again(demo, monkeypatch):
    first = anonymous_complaint()
    drawn = iter([first.tracking, "K7QD0M1XA2BC"])
    monkeypatch.setattr(complaints, "tracking_code", lambda: next(drawn))
    assert anonymous_complaint().tracking == "K7QD0M1XA2BC"
    assert Complaint.objects.count() == 2
