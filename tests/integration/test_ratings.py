"""好差评 on a finished pharmacy case, and the rectification a bad rating opens."""

from datetime import timedelta

import pytest

from onething.cases import services
from onething.evaluation import services as evaluation
from onething.evaluation.models import Rectification
from tests.factories import decide_all, hand_over, pharmacy_filing, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(demo):
    case, _ = services.file_case(user("yaofang"), pharmacy_filing())
    services.accept(user("clerk_lishi"), case.public_id)
    case.refresh_from_db()
    decide_all(case)
    hand_over(case)
    case.refresh_from_db()
    return case


def test_a_good_rating_is_recorded_once_per_stage(finished):
    rating = evaluation.rate(user("yaofang"), finished.public_id, "overall", 5, ["一次办成"])
    assert rating.level_label == "非常满意" and not hasattr(rating, "rectification_id")
    assert not Rectification.objects.exists()
    with pytest.raises(services.Conflict, match="已经评价过"):
        evaluation.rate(user("yaofang"), finished.public_id, "overall", 4)
    assert finished.actions.filter(action="rate").count() == 1


def test_staff_cannot_rate_and_a_bad_rating_needs_a_reason(finished):
    with pytest.raises(services.Forbidden, match="工作人员不能评价"):
        evaluation.rate(user("clerk_lishi"), finished.public_id, "overall", 5)
    with pytest.raises(services.NotFound):
        evaluation.rate(user("zhangsan"), finished.public_id, "overall", 5)
    with pytest.raises(services.InvalidInput, match="不满意的原因"):
        evaluation.rate(user("yaofang"), finished.public_id, "handover", 1)


def test_a_very_bad_rating_is_verified_answered_and_closed_by_the_return_visit(finished):
    rating = evaluation.rate(
        user("yaofang"), finished.public_id, "handover", 1, ["服务态度差"], "出件时等了很久"
    )
    work = Rectification.objects.get(rating=rating)
    assert (work.state, work.unit, work.jurisdiction) == ("verifying", "window", "141102")
    assert work.verify_due > finished.completed_at.date() and work.rectify_due > work.verify_due
    clerk = user("clerk_lishi")
    with pytest.raises(services.Forbidden):
        evaluation.verify(user("clerk"), work.pk, True, "城市窗口无权办理")
    with pytest.raises(services.Conflict, match="请先核实"):
        evaluation.respond(clerk, work.pk, "整改", "答复")
    evaluation.verify(clerk, work.pk, True, "出件窗口当时只开一个，排队 40 分钟")
    evaluation.respond(clerk, work.pk, "高峰时段增开出件窗口", "已增开窗口，向您致歉")
    reopened = evaluation.revisit(clerk, work.pk, False, "申请人希望电话提前通知")
    assert reopened.state == "rectifying"
    evaluation.respond(clerk, work.pk, "出件前短信通知", "今后出件前短信通知您")
    closed = evaluation.revisit(clerk, work.pk, True, "回访满意")
    assert closed.state == "closed" and closed.closed_at is not None
    steps = list(finished.actions.filter(action__startswith="rectification_"))
    assert [a.action for a in steps] == [
        "rectification_open",
        "rectification_verify",
        "rectification_answer",
        "rectification_revisit",
        "rectification_answer",
        "rectification_revisit",
    ]


def test_overdue_rectifications_are_escalated(finished):
    rating = evaluation.rate(user("yaofang"), finished.public_id, "overall", 2, ["办理时间长"])
    work = Rectification.objects.get(rating=rating)
    assert evaluation.escalate_overdue(work.verify_due) == 0
    assert evaluation.escalate_overdue(work.verify_due + timedelta(days=1)) == 1
    work.refresh_from_db()
    assert work.escalated


def test_an_appeal_the_supervisor_upholds_removes_the_rating_but_keeps_it_visible(finished):
    rating = evaluation.rate(user("yaofang"), finished.public_id, "overall", 1, ["吃拿卡要"])
    with pytest.raises(services.Forbidden):
        evaluation.appeal(user("r_amr_lishi"), rating.pk, "误评")
    evaluation.appeal(user("clerk_lishi"), rating.pk, "申请人误选，电话确认后同意撤销")
    with pytest.raises(services.Conflict):
        evaluation.appeal(user("clerk_lishi"), rating.pk, "再申诉")
    with pytest.raises(services.Forbidden):
        evaluation.decide_appeal(user("clerk_lishi"), rating.pk, True, "自己裁定")
    decided = evaluation.decide_appeal(
        user("supervisor_lishi"), rating.pk, True, "经电话核实系误评"
    )
    assert decided.removed and decided.removal_reason == "经电话核实系误评"
    assert Rectification.objects.get(rating=rating).state == "closed"
    assert finished.ratings.filter(pk=rating.pk).exists()  # kept, not deleted


def test_a_bad_decision_rating_goes_to_the_department_that_refused(demo):
    case, _ = services.file_case(user("yaofang"), pharmacy_filing())
    services.accept(user("clerk_lishi"), case.public_id)
    registration = case.tasks.get(item_id="business_registration")
    services.claim(user("r_amr_lishi"), registration.pk)
    services.approve(user("r_amr_lishi"), registration.pk, "同意")
    licence = case.tasks.get(item_id="drug_retail_licence")
    services.claim(user("r_mpa"), licence.pk)
    services.reject(user("r_mpa"), licence.pk, "执业药师不足")
    decide_all(case)
    case.refresh_from_db()
    rating = evaluation.rate(user("yaofang"), case.public_id, "decision", 2, ["告知不清楚"])
    work = Rectification.objects.get(rating=rating)
    assert (work.unit, work.jurisdiction) == ("mpa", "141100")  # the city's drug administration
    with pytest.raises(services.Forbidden):
        evaluation.verify(user("clerk_lishi"), work.pk, True, "窗口不是责任单位")
    evaluation.verify(user("r_mpa"), work.pk, False, "已书面告知不予许可理由")
    assert Rectification.objects.get(pk=work.pk).state == "rectifying"


def test_a_window_visit_without_a_case_is_rated_and_a_bad_one_worked_by_the_window(demo):
    from onething.cases.models import OutboxMessage
    from onething.evaluation.dashboard import Filters, figures

    zhangsan = user("zhangsan")
    rating = evaluation.rate_visit(zhangsan, "141102", 1, ["告知不清楚"], "咨询时没讲清楚")
    assert (rating.case, rating.window, rating.stage_label) == (None, "141102", "窗口服务")
    with pytest.raises(services.Conflict, match="今天已经评价过"):
        evaluation.rate_visit(zhangsan, "141102", 5)
    with pytest.raises(services.Forbidden, match="工作人员不能评价"):
        evaluation.rate_visit(user("clerk_lishi"), "141102", 5)
    with pytest.raises(services.NotFound, match="没有这个窗口"):
        evaluation.rate_visit(zhangsan, "999999", 5)
    work = Rectification.objects.get(rating=rating)
    assert (work.case, work.unit, work.jurisdiction) == (None, "window", "141102")
    clerk = user("clerk_lishi")
    evaluation.verify(clerk, work.pk, True, "咨询窗口人员不熟悉新政策")
    evaluation.respond(clerk, work.pk, "组织政策培训", "已组织培训，欢迎再来咨询")
    closed = evaluation.revisit(clerk, work.pk, True, "回访满意")
    assert closed.state == "closed"
    assert [s.action for s in closed.steps.all()] == ["open", "verify", "answer", "revisit"]
    told = OutboxMessage.objects.filter(recipient=zhangsan, case=None)
    assert {m.kind for m in told} == {"rating_received", "rating_answered"}
    evaluation.rate_visit(user("yaofang"), "141102", 5, ["服务热情"])
    shown = figures(Filters(jurisdiction="141100"))
    assert (shown.visit_ratings, shown.good_visit_ratings) == (2, 1)
    assert figures(Filters(jurisdiction="141181")).visit_ratings == 0
    assert figures(Filters(package="open_pharmacy")).visit_ratings == 0
