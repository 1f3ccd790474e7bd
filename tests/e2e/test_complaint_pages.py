"""The complaint form and the tracking page over HTTP (Django's test client): each error at
its field and listed at the top, what was typed kept, nothing stored on a refusal, the
contact of an anonymous filing ignored, and POST, redirect, GET with the code shown once."""

import re

import pytest

from onething.evaluation.models import Complaint

pytestmark = pytest.mark.django_db

GOOD = {
    "kind": "complaint",
    "category": "buck_passing",
    "subject": "general",
    "jurisdiction": "141102",
    "text": "区里让我去市里办，市里又让我回区里",
    "anonymous": "1",
}


def row_of(page: str, field: str) -> str:
    """The form row of a field: its label, control, error and help."""
    found = re.search(
        rf'<div class="form-row[^"]*"[^>]*>\s*<label for="c-{field}">.*?</div>', page, re.S
    )
    assert found, field
    return found.group(0)


def test_the_form_offers_every_place_with_its_city_and_marks_what_is_required(demo, client):
    page = client.get("/complaints/new").content.decode()
    assert '<option value="140311">阳泉市郊区</option>' in page
    assert '<option value="141102">吕梁市离石区</option>' in page
    assert ">郊区<" not in page
    for field in ("kind", "category", "subject", "jurisdiction", "text"):
        assert 'class="required"' in row_of(page, field), field
    assert 'class="required"' not in row_of(page, "case_number")
    assert 'id="c-anonymous" name="anonymous" value="1" checked' in page
    assert "aria-invalid" not in page


def test_every_error_is_placed_at_its_field_and_listed_and_nothing_is_stored(demo, client):
    typed = {
        **GOOD,
        "category": "",
        "jurisdiction": "999999",
        "text": "短",
        "anonymous": "",
        "contact_name": "王五",
        "contact_phone": "12345",
        "about": "二号窗口",
    }
    response = client.post("/complaints/new", typed)
    page = response.content.decode()
    assert response.status_code == 400
    assert not Complaint.objects.exists()
    summary = re.search(
        r'<div class="errors" role="alert" id="complaint-errors".*?</div>', page, re.S
    )
    assert summary and "有 4 处需要修改" in summary.group(0)
    links = re.findall(r'<a href="#c-(\w+)">', summary.group(0))
    assert links == ["category", "jurisdiction", "text", "contact_phone"]  # in the form's order
    for field, message in (
        ("category", "请选择问题类别"),
        ("jurisdiction", "没有代码为 999999 的发生地，请从列表中选择"),
        ("text", "请写明具体情况（至少 5 个字）"),
        ("contact_phone", "联系电话不正确"),
    ):
        row = row_of(page, field)
        assert 'aria-invalid="true"' in row and f"c-{field}-error" in row, field
        assert re.search(rf'aria-describedby="c-{field}-error[ "]', row), field
        assert f'<p class="field-error" id="c-{field}-error">{message}' in row, field
    assert "aria-invalid" not in row_of(page, "kind") + row_of(page, "about")
    # What was typed is kept.
    assert '<option value="buck_passing"' in page and ">短</textarea>" in page
    assert 'value="王五"' in page and 'value="12345"' in page and 'value="二号窗口"' in page
    assert 'id="c-anonymous" name="anonymous" value="1">' in page  # still unticked


def test_an_anonymous_filing_ignores_the_contact_typed(demo, client):
    client.post("/complaints/new", {**GOOD, "contact_name": "王五", "contact_phone": "not a phone"})
    complaint = Complaint.objects.get()
    assert complaint.anonymous and complaint.contact_name == "" and complaint.contact_phone == ""


def test_a_named_filing_keeps_a_valid_phone(demo, client):
    named = {**GOOD, "anonymous": "", "contact_name": "王五", "contact_phone": "136 1234 1234"}
    client.post("/complaints/new", named)
    complaint = Complaint.objects.get()
    assert not complaint.anonymous and complaint.contact_phone == "13612341234"


def test_filing_redirects_to_the_code_shown_once_and_never_files_twice(demo, client):
    response = client.post("/complaints/new", GOOD)
    assert response.status_code == 302 and response.url == "/complaints/track"
    complaint = Complaint.objects.get()
    assert complaint.tracking not in response.url
    page = client.get(response.url).content.decode()
    shown = re.search(r'<p class="tracking-code" id="filed-code">(.*?)</p>', page)
    assert shown and re.sub(r"<[^>]+>", "", shown.group(1)) == complaint.tracking
    assert "已受理，请记下查询码" in page and "已受理，待派单" in page
    again = client.get(response.url)  # reloaded: nothing filed, the code no longer shown
    assert again.status_code == 200 and complaint.tracking not in again.content.decode()
    assert Complaint.objects.count() == 1


def test_the_tracking_page_reads_a_code_typed_loosely(demo, client):
    client.get(client.post("/complaints/new", GOOD).url)  # the code shown once
    code = Complaint.objects.get().tracking
    typed = f"{code[:4]}-{code[4:8]} {code[8:]}".lower()
    page = client.get("/complaints/track", {"code": typed}).content.decode()
    assert "已受理，待派单" in page and "已受理，请记下查询码" not in page
    missing = client.get("/complaints/track", {"code": "ZZZZ-ZZZZ-ZZZZ"})
    assert missing.status_code == 404
    assert "没有查询码为“ZZZZ-ZZZZ-ZZZZ”的诉求" in missing.content.decode()
