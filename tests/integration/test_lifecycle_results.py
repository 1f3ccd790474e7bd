"""Issue 21's guarantee, whatever is done to make the lifecycle cheaper: every approval of
an item that issues a licence yields a certificate that verifies at once, inside the
approving transaction, and every notice of the lifecycle is delivered exactly once."""

import pytest

from onething.accounts.models import User
from onething.cases import outbox
from onething.cases.models import Evidence, OutboxMessage
from onething.licences import services as licences
from onething.licences.certificate import LicenceStatus
from onething.licences.models import Licence
from tests.factories import accepted_pharmacy, hand_over

pytestmark = pytest.mark.django_db


class CountingSender:
    def __init__(self) -> None:
        self.keys: list[str] = []

    def send(self, message, idempotency_key: str) -> None:
        self.keys.append(idempotency_key)


def approve_in_waves(case) -> list[tuple[int, str]]:
    """Each workable task claimed and approved; (task id, the certificate's status when
    read right after its approval returned: None when the item issues none)."""
    from onething.cases import services

    seen = []
    while workable := [t for t in case.tasks.all() if t.state == "workable"]:
        for task in workable:
            reviewer = User.objects.get(
                role="reviewer", department=task.department, jurisdiction=task.jurisdiction
            )
            services.claim(reviewer, task.pk)
            services.approve(reviewer, task.pk, note="同意")
            licence = Licence.objects.filter(task_id=task.pk).first()
            status = licences.verify_stored(licence, licence.issued_on).status if licence else None
            seen.append((task.pk, status))
    return seen


def test_each_approval_yields_a_verifiable_certificate_and_each_notice_goes_once(demo):
    case = accepted_pharmacy()
    seen = approve_in_waves(case)
    statuses = [status for _task, status in seen if status is not None]
    assert len(seen) == 7 and statuses == [LicenceStatus.valid] * 6
    # The 营业执照 stands for the materials of the later items (免提交 within the package).
    assert not Evidence.objects.filter(case=case, origin="package", trust="").exists()
    hand_over(case)
    queued = OutboxMessage.objects.filter(case=case).count()
    assert queued >= 2  # accepted, ready (and any the window added)
    sender = CountingSender()
    assert outbox.deliver_outbox(sender) == OutboxMessage.objects.count()
    assert outbox.deliver_outbox(sender) == 0  # nothing twice
    assert len(sender.keys) == len(set(sender.keys)) == OutboxMessage.objects.count()
    assert not OutboxMessage.objects.filter(delivered_at=None).exists()
