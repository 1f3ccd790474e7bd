"""Every full view of personal data is recorded, and otherwise it is shown masked: a named
complainant's name and phone (supervisors, the complaint list) and a bank account in the
one form (staff, the case page and the API). Each record joins the chained record of
views, which still verifies."""

import pytest

from onething.accounts.models import User
from onething.audit_cli import verify_all
from onething.cases import services
from onething.cases.services import Filing
from onething.catalog.guide import build_guide, resolve_answers
from onething.catalog.services import current_catalog
from onething.evaluation import complaint_services as complaints
from onething.evaluation.complaint_services import ComplaintFiling
from onething.intake.samples import sample_form
from onething.privacy.models import PersonalDataView
from tests.factories import as_user, text_of, user

pytestmark = pytest.mark.django_db
PHONE, NAME, ACCOUNT = "13612341234", "王五六", "6222021234567890123"


@pytest.fixture
def named(demo):
    return complaints.file_complaint(
        ComplaintFiling(
            kind="complaint",
            category="buck_passing",
            text="窗口让我来回跑",
            jurisdiction="141102",
            anonymous=False,
            contact_name=NAME,
            contact_phone=PHONE,
        )
    )


def test_a_complainant_is_masked_until_a_supervisor_asks_and_that_is_recorded(client, named):
    as_user(client, "supervisor_lishi")
    listing = text_of(client.get("/complaints/"))
    assert "王**" in listing and "136****1234" in listing
    assert PHONE not in listing and NAME not in listing and "查看完整联系方式" in listing
    assert not PersonalDataView.objects.exists()
    shown = text_of(client.get("/complaints/", {"contact": named.pk}))
    assert PHONE in shown and NAME in shown and "本次查看已记录" in shown
    view = PersonalDataView.objects.get()
    assert view.viewer == user("supervisor_lishi") and view.subject is None
    assert view.fields == "反映人姓名、联系电话" and named.tracking in view.purpose
    assert named.tracking in view.subject_label and "王**" in view.subject_label
    assert PHONE not in view.subject_label and NAME not in view.subject_label
    record = text_of(client.get("/privacy/views/"))
    assert named.tracking in record and NAME not in record
    assert verify_all(None)[0] == ""


def test_no_one_else_reveals_a_complainant(client, named):
    for username in ("clerk_lishi", "zhangsan"):
        as_user(client, username)
        response = client.get("/complaints/", {"contact": named.pk})
        assert PHONE not in text_of(response)
    as_user(client, "supervisor_lishi")
    assert PHONE not in text_of(client.get("/complaints/", {"contact": "x"}))
    assert not PersonalDataView.objects.exists()


@pytest.fixture
def retirement(demo):
    """退休一件事 filed by 张三 with a bank account for the pension (养老保险待遇申领)."""
    catalog = current_catalog().catalog
    package = catalog.packages["retirement"]
    answers = {"retirement_type": "正常退休", "has_hpf": "false"}
    guide = build_guide(catalog, package, resolve_answers(package, answers))
    form = {**sample_form(guide.fields), "bank_account": ACCOUNT}
    person = User.objects.get(username="zhangsan")
    case, _ = services.file_case(person, Filing("retirement", answers, "141102", form))
    return case


def test_a_bank_account_is_masked_for_staff_unless_shown_in_full_and_recorded(client, retirement):
    as_user(client, "clerk_lishi")
    page = text_of(client.get(f"/cases/{retirement.public_id}"))
    assert "**** **** **** **** 0123" in page and ACCOUNT not in page
    api = client.get(f"/api/v1/cases/{retirement.public_id}").json()
    assert api["form"]["bank_account"] == "**** **** **** **** 0123"
    assert not PersonalDataView.objects.exists()
    full = text_of(client.post(f"/cases/{retirement.public_id}/identity"))
    assert ACCOUNT in full and "本次查看已记录" in full
    view = PersonalDataView.objects.get()
    assert "银行账号" in view.fields and view.subject == user("zhangsan")
    as_user(client, "zhangsan")  # the applicant sees their own in full, unrecorded
    assert ACCOUNT in text_of(client.get(f"/cases/{retirement.public_id}"))
    assert PersonalDataView.objects.count() == 1
    assert verify_all(None)[0] == ""


def test_the_window_posting_the_results_sees_the_recipient_and_that_is_recorded(client, issued):
    from onething.cases.delivery import DeliveryChoice, choose_delivery

    choice = DeliveryChoice("post", NAME, PHONE, "山西省吕梁市离石区永宁中路 1 号")
    choose_delivery(issued.applicant, issued.public_id, choice)
    as_user(client, "clerk_lishi")
    page = text_of(client.get(f"/cases/{issued.public_id}"))
    assert PHONE in page and NAME in page
    view = PersonalDataView.objects.get()
    assert view.fields == "邮寄收件人姓名、电话、地址" and issued.number in view.purpose
    assert verify_all(None)[0] == ""
