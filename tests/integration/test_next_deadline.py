"""Case.deadline (下一个期限), kept with every audit record, says what the case page says."""

import pytest

from onething.cases import services, store
from onething.cases.lifecycle import TASK_RUNNING
from onething.cases.models import Case
from onething.demo.history import generate_history
from tests.factories import decide_all, hand_over, pharmacy_filing, user

pytestmark = pytest.mark.django_db


def expected(case: Case):
    case.refresh_from_db()
    if case.state == "submitted":
        return case.window_due
    if case.state == "in_progress":
        running = [t.due_date for t in case.tasks.all() if t.state in TASK_RUNNING]
        return min([case.due_date, *[d for d in running if d is not None]])
    return None


def test_the_next_deadline_follows_each_step(demo):
    case, _ = services.file_case(user("yaofang"), pharmacy_filing())
    assert expected(case) == case.deadline == case.window_due
    services.accept(user("clerk_lishi"), case.public_id)
    assert expected(case) == case.deadline is not None
    decide_all(case)
    assert case.state == "ready" or expected(case) == case.deadline
    hand_over(case)
    assert expected(case) is None and case.deadline is None


def test_bulk_loaded_history_has_the_deadlines_the_services_would_keep(demo):
    generate_history(200, days=40, seed=3)
    loaded = dict(Case.objects.values_list("pk", "deadline"))
    assert any(loaded.values())
    store.refresh_deadlines(list(loaded))
    assert dict(Case.objects.values_list("pk", "deadline")) == loaded
