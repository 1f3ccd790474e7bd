"""我要开药店 through the service layer: one window, parallel departments, one handover."""

import pytest

from onething.accounts.models import User
from onething.cases import services
from onething.cases.lifecycle import CaseState, TaskState
from onething.cases.models import Action, Case, OutboxMessage
from tests.factories import decide_all, hand_over, pharmacy_filing, user

pytestmark = pytest.mark.django_db


def tasks_by_item(case):
    return {t.item_id: t for t in case.tasks.all()}


def test_the_pharmacy_journey(demo):
    applicant = user("yaofang")
    case, created = services.file_case(applicant, pharmacy_filing(), idempotency_key="k1")
    assert created and case.state == CaseState.SUBMITTED and case.number.startswith("141102-")
    assert case.window_due is not None

    services.accept(user("clerk_lishi"), case.public_id)
    case.refresh_from_db()
    tasks = tasks_by_item(case)
    assert case.state == CaseState.IN_PROGRESS and len(tasks) == 7
    # 市县联动: city-only items go up to 吕梁市, the rest stay in 离石区.
    assert tasks["drug_retail_licence"].jurisdiction == "141100"
    assert tasks["medical_device_class3_licence"].jurisdiction == "141100"
    assert tasks["food_business_licence"].jurisdiction == "141102"
    assert tasks["business_registration"].state == TaskState.WORKABLE
    assert tasks["drug_retail_licence"].state == TaskState.WAITING

    decide_all(case)
    case.refresh_from_db()
    assert case.state == CaseState.READY
    assert all(t.state == TaskState.APPROVED for t in case.tasks.all())
    hand_over(case)
    case.refresh_from_db()
    assert case.state == CaseState.COMPLETED

    log = list(Action.objects.filter(case=case).values_list("action", flat=True))
    assert log[:3] == ["create", "submit", "accept"]
    assert log[-3:] == ["finish", "check_all", "hand_over"]
    assert log.count("approve") == 7 and log.count("release_ready") == 6
    kinds = set(OutboxMessage.objects.filter(case=case).values_list("kind", flat=True))
    assert {"accepted", "ready"} <= kinds


def test_filing_twice_with_the_same_key_makes_one_case(demo):
    applicant = user("yaofang")
    first, created = services.file_case(applicant, pharmacy_filing(), idempotency_key="same")
    again, created_again = services.file_case(applicant, pharmacy_filing(), idempotency_key="same")
    assert created and not created_again and first.pk == again.pk
    assert Case.objects.count() == 1


def test_supplement_stops_the_clock_and_the_applicant_answers(demo):
    case, _ = services.file_case(user("yaofang"), pharmacy_filing())
    services.accept(user("clerk_lishi"), case.public_id)
    registration = tasks_by_item(case)["business_registration"]
    reviewer = user("r_amr_lishi")
    services.claim(reviewer, registration.pk)
    services.request_supplement(reviewer, registration.pk, ["经营场所租赁合同缺少出租方签章"])
    registration.refresh_from_db()
    assert registration.state == TaskState.SUPPLEMENT and registration.pauses[-1][1] is None
    with pytest.raises(services.Conflict):
        services.approve(reviewer, registration.pk)
    services.provide_supplement(user("yaofang"), registration.pk, "已上传签章完整的租赁合同")
    registration.refresh_from_db()
    assert registration.state == TaskState.IN_REVIEW and registration.pauses[-1][1] is not None
    services.approve(reviewer, registration.pk)


def test_a_rejection_cancels_the_items_that_depend_on_it(demo):
    case, _ = services.file_case(user("yaofang"), pharmacy_filing())
    services.accept(user("clerk_lishi"), case.public_id)
    registration = tasks_by_item(case)["business_registration"]
    reviewer = user("r_amr_lishi")
    services.claim(reviewer, registration.pk)
    services.reject(reviewer, registration.pk, "拟用名称与已登记企业名称相同")
    case.refresh_from_db()
    states = {t.item_id: t.state for t in case.tasks.all()}
    assert states.pop("business_registration") == TaskState.REJECTED
    assert set(states.values()) == {TaskState.CANCELLED}
    assert case.state == CaseState.READY  # the decisions are handed over together
    message = OutboxMessage.objects.get(case=case, kind="rejected", recipient__username="yaofang")
    assert "拟用名称与已登记企业名称相同" in message.body and "药品经营许可证核发" in message.body


def test_one_written_notice_then_completion(demo):
    case, _ = services.file_case(user("zhangsan"), pharmacy_filing())
    clerk = user("clerk_lishi")
    services.request_completion(
        clerk, case.public_id, ["缺少执业药师注册证", "平面布局图未标注面积"]
    )
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_COMPLETION
    services.complete(user("zhangsan"), case.public_id, "已一次补齐两项材料")
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert case.notices.get(kind="completion").answer == "已一次补齐两项材料"


def test_refusal_needs_a_reason_and_stale_versions_are_refused(demo):
    case, _ = services.file_case(user("zhangsan"), pharmacy_filing())
    clerk = user("clerk_lishi")
    with pytest.raises(services.InvalidInput):
        services.refuse(clerk, case.public_id, "  ")
    stale = case.version
    services.accept(clerk, case.public_id, version=stale)
    with pytest.raises(services.Conflict):
        services.refuse(clerk, case.public_id, "材料虚假", version=stale)
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS


def test_staff_act_only_within_their_jurisdiction_and_department(demo):
    case, _ = services.file_case(user("yaofang"), pharmacy_filing())
    other_county_clerk = User.objects.create(
        username="clerk_xiaoyi", role="clerk", jurisdiction="141181"
    )
    with pytest.raises(services.Forbidden):
        services.accept(other_county_clerk, case.public_id)
    services.accept(user("clerk"), case.public_id)  # the city window oversees its counties
    registration = tasks_by_item(case)["business_registration"]
    with pytest.raises(services.Forbidden):
        services.claim(user("r_mpa_lishi"), registration.pk)
    with pytest.raises(services.Forbidden):
        services.claim(user("zhangsan"), registration.pk)


def test_the_window_is_deemed_to_accept_after_five_working_days(demo):
    from datetime import timedelta

    case, _ = services.file_case(user("yaofang"), pharmacy_filing())
    later = case.window_due + timedelta(days=1)
    assert services.deem_overdue_acceptances(case.window_due) == 0
    assert services.deem_overdue_acceptances(later) == 1
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS
    assert case.actions.filter(action="deem_accepted", actor=None).exists()
    assert services.deem_overdue_acceptances(later) == 0  # once


def test_a_joint_expert_review_pauses_several_cases(demo):
    reviewer = user("r_amr_lishi")
    registrations = []
    for key in ("a", "b"):
        case, _ = services.file_case(user("yaofang"), pharmacy_filing(), idempotency_key=key)
        services.accept(user("clerk_lishi"), case.public_id)
        task = tasks_by_item(case)["business_registration"]
        services.claim(reviewer, task.pk)
        registrations.append(task)
    procedure = services.start_special(
        reviewer, [t.pk for t in registrations], "expert_review", 5, "联合专家评审"
    )
    assert procedure.tasks.count() == 2
    for task in registrations:
        task.refresh_from_db()
        assert task.state == TaskState.SPECIAL
        assert task.notices.filter(kind="special").exists()
    services.end_special(reviewer, procedure.pk, "评审通过")
    for task in registrations:
        task.refresh_from_db()
        assert task.state == TaskState.IN_REVIEW


def test_outbox_delivery_retries_a_failing_sender(demo):
    services.file_case(user("yaofang"), pharmacy_filing())
    case, _ = services.file_case(user("yaofang"), pharmacy_filing(), idempotency_key="x")
    services.accept(user("clerk_lishi"), case.public_id)

    class Broken:
        def send(self, message, idempotency_key):
            raise ConnectionError("gateway down")

    assert services.deliver_outbox(Broken()) == 0
    message = OutboxMessage.objects.get(case=case, kind="accepted")
    assert (
        message.attempts == 1
        and message.delivered_at is None
        and "gateway down" in message.last_error
    )


def test_outbox_delivery_goes_on_batch_after_batch(demo):
    for key in "abc":
        case, _ = services.file_case(user("yaofang"), pharmacy_filing(), idempotency_key=key)
        services.accept(user("clerk_lishi"), case.public_id)
    waiting = OutboxMessage.objects.filter(delivered_at=None).count()
    assert waiting >= 3
    sent = []

    class Gateway:
        def send(self, message, idempotency_key):
            sent.append(message.pk)

    assert services.deliver_outbox(Gateway()) == waiting  # each in its own steps
    assert len(sent) == len(set(sent)) == waiting
    assert not OutboxMessage.objects.filter(delivered_at=None).exists()


def test_a_new_catalogue_version_never_changes_cases_in_flight(demo):
    from onething.catalog import DEMO_CATALOG
    from onething.catalog.services import import_catalog

    case, _ = services.file_case(user("yaofang"), pharmacy_filing())
    edited = DEMO_CATALOG.read_text().replace("name: 我要开药店", "name: 我要开药店（新版）")
    assert import_catalog(edited.encode(), imported_by="editor").version.number == 2
    services.accept(user("clerk_lishi"), case.public_id)
    case.refresh_from_db()
    assert case.catalog_version.number == 1 and case.package_name == "我要开药店"
    assert case.tasks.count() == 7
    newer, _ = services.file_case(user("yaofang"), pharmacy_filing(), idempotency_key="new")
    assert newer.catalog_version.number == 2 and newer.package_name == "我要开药店（新版）"


def test_finishing_early_keeps_the_promised_date(demo):
    """承诺办结期限 is what the case is measured against: it may move later (clock stopped),
    never earlier because the departments were quick."""
    case, _ = services.file_case(user("yaofang"), pharmacy_filing())
    services.accept(user("clerk_lishi"), case.public_id)
    case.refresh_from_db()
    promised = case.due_date
    assert promised is not None
    decide_all(case)
    case.refresh_from_db()
    assert case.state == CaseState.READY
    assert case.due_date == promised
