"""Case.deadline (下一个期限) is what the rule (deadlines.next_deadline) says of the stored
case and tasks after every service that changes them: the window's steps, a pause for a
supplement or a special procedure, a rejection, an acceptance deemed by the sweep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from onething.cases import services, store
from onething.cases.deadlines import next_deadline
from onething.cases.models import Case, Task
from tests.factories import accepted_pharmacy, pharmacy_filing, user

pytestmark = pytest.mark.django_db


def kept(case: Case):
    """The stored next deadline, after checking it is the rule's for the stored rows."""
    case.refresh_from_db()
    tasks = case.tasks.values_list("state", "due_date")
    assert case.deadline == next_deadline(case.state, case.window_due, case.due_date, tasks)
    return case.deadline


def registration(case: Case) -> Task:
    return case.tasks.get(item_id="business_registration")


def test_the_window_steps_keep_it(demo):
    case, _ = services.file_case(user("zhangsan"), pharmacy_filing())
    assert kept(case) == case.window_due
    clerk = user("clerk_lishi")
    services.request_completion(clerk, case.public_id, ["缺少执业药师注册证"])
    assert kept(case) is None
    services.complete(user("zhangsan"), case.public_id, "已补齐")
    assert kept(case) == case.window_due is not None
    services.refuse(clerk, case.public_id, "不属于本机关受理范围")
    assert kept(case) is None
    draft, _ = services.file_case(user("zhangsan"), pharmacy_filing(), submit=False)
    assert kept(draft) is None
    services.submit(user("zhangsan"), draft.public_id)
    assert kept(draft) == draft.window_due
    services.withdraw(user("zhangsan"), draft.public_id)
    assert kept(draft) is None


def test_an_item_whose_clock_stops_no_longer_counts_and_counts_again_when_it_restarts(demo):
    case = accepted_pharmacy()
    task = registration(case)
    early = timezone.localdate() - timedelta(days=3)  # the earliest of all, overdue
    Task.objects.filter(pk=task.pk).update(due_date=early)
    store.refresh_deadlines([case.pk])
    assert kept(case) == early
    reviewer = user("r_amr_lishi")
    services.claim(reviewer, task.pk)
    assert kept(case) == early  # a claim moves no clock
    services.request_supplement(reviewer, task.pk, ["补充股东会决议"])
    assert kept(case) > early
    services.provide_supplement(user("yaofang"), task.pk, "已补充")
    assert kept(case) is not None


def test_a_special_procedure_stops_the_items_of_several_cases(demo):
    reviewer = user("r_amr_lishi")
    cases = [accepted_pharmacy(), accepted_pharmacy()]
    tasks = [registration(case) for case in cases]
    for task in tasks:
        Task.objects.filter(pk=task.pk).update(due_date=timezone.localdate())
        services.claim(reviewer, task.pk)
    store.refresh_deadlines([case.pk for case in cases])
    procedure = services.start_special(reviewer, [t.pk for t in tasks], "expert_review", 5, "")
    for case in cases:
        assert kept(case) > timezone.localdate()
    services.end_special(reviewer, procedure.pk, "评审通过")
    for case in cases:
        kept(case)


def test_a_rejection_and_its_cancellations_keep_it(demo):
    case = accepted_pharmacy()
    reviewer = user("r_amr_lishi")
    task = registration(case)
    services.claim(reviewer, task.pk)
    services.reject(reviewer, task.pk, "拟用名称与已登记企业名称相同")
    assert kept(case) is None  # everything decided: ready for the one handover


def test_an_acceptance_deemed_by_the_sweep_keeps_it(demo):
    case, _ = services.file_case(user("yaofang"), pharmacy_filing())
    assert services.deem_overdue_acceptances(case.window_due + timedelta(days=1)) == 1
    assert kept(case) is not None and case.state == "in_progress"
