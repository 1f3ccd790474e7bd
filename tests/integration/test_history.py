"""`onething demo --cases N`: bulk-loaded history that the platform reads like its own."""

import pytest

from onething.cases import services
from onething.cases.models import Action, Case, Task
from onething.demo.history import generate_history
from onething.evaluation.dashboard import Filters
from tests.factories import pharmacy_filing, user
from tests.integration.figures import direct, shown

pytestmark = pytest.mark.django_db


def test_loaded_history_is_consistent_and_the_platform_carries_on(demo):
    made = generate_history(400, days=60, seed=5)
    assert made.cases == Case.objects.count() == 400
    assert made.tasks == Task.objects.count() and made.actions == Action.objects.count()
    states = set(Case.objects.values_list("state", flat=True))
    assert {"completed", "in_progress"} <= states
    for case in Case.objects.filter(state="completed")[:50]:
        assert case.ready_at <= case.completed_at and case.days_taken is not None
        assert set(case.tasks.values_list("state", flat=True)) == {"approved"}
        kinds = [a.action for a in case.actions.all()]
        assert kinds[:2] == ["submit", "accept"] and kinds[-1] == "hand_over"
        assert kinds.count("approve") == case.tasks.count()
    # The dashboard's roll-up was rebuilt and says what the cases say.
    for filters in (Filters(), Filters(department="mpa"), Filters(package="open_pharmacy")):
        assert shown(filters) == direct(filters)
    # New work goes on after the load: fresh ids, numbers and the whole lifecycle.
    case, _ = services.file_case(user("yaofang"), pharmacy_filing())
    services.accept(user("clerk_lishi"), case.public_id)
    assert Case.objects.count() == 401 and case.pk > max(
        Case.objects.exclude(pk=case.pk).values_list("pk", flat=True)
    )
