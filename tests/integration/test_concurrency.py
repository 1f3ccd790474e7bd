"""Two processes deciding the same task at once, and a process killed mid-decision
(PostgreSQL pass: separate processes need a server)."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from django.db import connection

from onething.accounts.models import User
from onething.cases import services
from onething.cases.lifecycle import TaskState
from onething.cases.models import Action, Task
from onething.catalog import DEMO_CATALOG
from onething.catalog.services import import_catalog
from onething.web.setup import ensure_demo_accounts
from tests.factories import pharmacy_filing

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("ONETHING_TEST_DATABASE") != "postgres",
        reason="runs in the PostgreSQL pass: other processes cannot see SQLite's in-memory test database",
    ),
]


@pytest.fixture
def claimed_task():
    import_catalog(DEMO_CATALOG.read_bytes(), imported_by="demo")
    ensure_demo_accounts()
    case, _ = services.file_case(User.objects.get(username="yaofang"), pharmacy_filing())
    services.accept(User.objects.get(username="clerk_lishi"), case.public_id)
    task = case.tasks.get(item_id="business_registration")
    services.claim(User.objects.get(username="r_amr_lishi"), task.pk)
    return Task.objects.get(pk=task.pk)


def run_python(code: str) -> subprocess.Popen:
    settings = connection.settings_dict
    url = (
        f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    )
    env = {
        **os.environ,
        "ONETHING_DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "onething.web.settings",
    }
    prelude = "import django; django.setup()\nfrom onething.accounts.models import User\nfrom onething.cases import services\n"
    return subprocess.Popen(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


DECIDE = """
import time
reviewer = User.objects.get(username="r_amr_lishi")
while time.time() < {start}:
    time.sleep(0.001)
try:
    services.{action}(reviewer, {task}, {argument}, version={version})
    print("won")
except services.CaseError as exc:
    print(exc.status, exc.message)
"""


def test_two_reviewers_deciding_at_once_exactly_one_wins(claimed_task):
    start = time.time() + 2.0
    processes = [
        run_python(
            DECIDE.format(
                start=start,
                action=action,
                task=claimed_task.pk,
                argument=repr(argument),
                version=claimed_task.version,
            )
        )
        for action, argument in (("approve", "同意"), ("reject", "材料不全"))
    ]
    outputs = [p.communicate(timeout=60)[0].strip() for p in processes]
    assert sorted(o.split()[0] for o in outputs) == ["409", "won"], outputs
    task = Task.objects.get(pk=claimed_task.pk)
    assert task.state in (TaskState.APPROVED, TaskState.REJECTED)
    decisions = Action.objects.filter(task=task, action__in=["approve", "reject"])
    assert decisions.count() == 1 and decisions.get().to_state == task.state
    assert task.version == claimed_task.version + 1


def test_a_process_killed_mid_decision_leaves_the_case_consistent(claimed_task):
    hanging = run_python(f"""
        import sys, time
        from onething.cases import store
        def stall(actions):  # inside the decision's transaction: the task rows are written
            print("inside", flush=True)
            time.sleep(120)
        store.insert_actions = stall
        services.approve(User.objects.get(username="r_amr_lishi"), {claimed_task.pk}, "同意")
    """)
    assert hanging.stdout.readline().strip() == "inside"
    hanging.send_signal(signal.SIGKILL)
    hanging.wait(timeout=30)

    task = Task.objects.get(pk=claimed_task.pk)
    assert task.state == TaskState.IN_REVIEW and task.version == claimed_task.version
    assert not Action.objects.filter(task=task, action="approve").exists()
    # Nothing half-done blocks the next attempt.
    services.approve(
        User.objects.get(username="r_amr_lishi"), task.pk, "同意", version=task.version
    )
    task.refresh_from_db()
    assert task.state == TaskState.APPROVED
    released = task.case.tasks.filter(state=TaskState.WORKABLE).count()
    assert released == 6


SWEEP = """
import time
from datetime import date
while time.time() < {start}:
    time.sleep(0.001)
from onething.sweep import sweep
report = sweep(date(2040, 1, 2))
print("skipped" if report is None else "swept")
"""


def test_two_instances_sweeping_at_once_do_each_job_once():
    """Deemed acceptances, notifications, certificate expiries: once each, whichever of
    two instances' sweeps gets there (issue 7: several instances on one PostgreSQL)."""
    from onething.cases.models import Case, OutboxMessage
    from onething.licences.models import Licence, LicenceEvent
    from tests.factories import decide_all

    import_catalog(DEMO_CATALOG.read_bytes(), imported_by="demo")
    ensure_demo_accounts()
    applicant = User.objects.get(username="yaofang")
    waiting = [services.file_case(applicant, pharmacy_filing())[0] for _ in range(3)]
    finished, _ = services.file_case(applicant, pharmacy_filing())
    services.accept(User.objects.get(username="clerk_lishi"), finished.public_id)
    finished.refresh_from_db()
    decide_all(finished)
    expiring = Licence.objects.exclude(valid_until=None).count()
    assert expiring and OutboxMessage.objects.filter(delivered_at=None).exists()
    start = time.time() + 2.0
    processes = [run_python(SWEEP.format(start=start)) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    for case in waiting:
        assert Case.objects.get(pk=case.pk).state == "in_progress"
        assert Action.objects.filter(case=case, action="deem_accepted").count() == 1
    messages = OutboxMessage.objects.all()
    assert {(m.delivered_at is not None, m.attempts) for m in messages} == {(True, 1)}
    assert LicenceEvent.objects.filter(kind="expired").count() == expiring
