"""What every case service uses: the refusals (with their HTTP status), the locked load
of a case, the version check, a transition by the lifecycle tables, the audit record and
the notification outbox. A service loads, decides, saves and records in one transaction
with these; `services`, `materials` and `delivery` are such services."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from onething.accounts.models import User
from onething.cases import store
from onething.cases.lifecycle import (
    SYSTEM,
    CaseAction,
    NotAllowedForRole,
    TaskAction,
    TransitionRefused,
    case_transition,
    task_transition,
)
from onething.cases.models import Case, OutboxMessage, Task
from onething.catalog.entities import Catalog
from onething.catalog.guide import Guide
from onething.catalog.services import catalog_of, guide_of
from onething.core.errors import Conflict, Forbidden, NotFound


def local_today() -> date:
    return timezone.localdate()


def role_of(actor: User | None) -> str:
    return SYSTEM if actor is None else actor.role


def locked_case(case_id) -> Case:
    try:
        case = store.load_case(case_id)
    except (ValueError, TypeError, ValidationError):
        case = None
    if case is None:
        raise NotFound(f"办件 {case_id} 不存在")
    return case


def save_case(case: Case, *fields: str) -> None:
    store.save([case], ("state", "version", *fields))


def check_version(current: int, expected: int | None, what: str) -> None:
    if expected is not None and expected != current:
        raise Conflict(
            f"{what}在您打开页面之后已被更新（他人或您在另一个窗口的操作），"
            "请刷新后按最新状态再操作",
            {"current_version": current},
        )


def case_step(case: Case, action: CaseAction, actor: User | None) -> tuple[str, str]:
    """Move the case by the lifecycle table (403 for a role that may never, 409 for a
    state that does not allow it); its version goes up. (from state, to state)."""
    return _step(case, case_transition, action, actor)


def task_step(task: Task, action: TaskAction, actor: User | None) -> tuple[str, str]:
    """The same for one task of a case."""
    return _step(task, task_transition, action, actor)


def _step(row, transition, action, actor: User | None) -> tuple[str, str]:
    before = row.state
    try:
        after = transition(before, action, role_of(actor))
    except NotAllowedForRole as refused:
        raise Forbidden(str(refused)) from None
    except TransitionRefused as refused:
        raise Conflict(str(refused)) from None
    row.state = after.value
    row.version += 1
    return before, after.value


def action_row(
    case: Case,
    action: str,
    actor: User | None,
    before: str = "",
    after: str = "",
    task: Task | None = None,
    note: str = "",
    data: dict | None = None,
) -> store.ActionRow:
    """An audit record of the case, to append (`record`, or with others: `store`)."""
    return store.ActionRow(
        case_id=case.pk,
        task_id=task.pk if task is not None else None,
        actor_id=actor.pk if actor is not None else None,
        actor_role=role_of(actor),
        action=str(action),
        from_state=before,
        to_state=after,
        note=note,
        data=data or {},
    )


def record(
    case: Case,
    action: str,
    actor: User | None,
    before: str = "",
    after: str = "",
    task: Task | None = None,
    note: str = "",
    data: dict | None = None,
) -> None:
    store.insert_actions([action_row(case, action, actor, before, after, task, note, data)])


def notify(case: Case, kind: str, subject: str, body: str) -> None:
    """Queue a notification about the case for its applicant (and agent)."""
    recipients = [case.applicant_id] + ([case.agent_id] if case.agent_id else [])
    notify_users(recipients, kind, subject, body, case_id=case.pk)


def notify_users(
    recipients: Sequence[int], kind: str, subject: str, body: str, case_id: int | None = None
) -> None:
    """Queue a notification for these users in the outbox the sweep delivers."""
    now = timezone.now()
    store.insert(  # a fixed statement: every transition that tells the applicant
        [
            OutboxMessage(
                recipient_id=recipient,
                case_id=case_id,
                kind=kind,
                subject=subject,
                body=body,
                created_at=now,
                available_at=now,
            )
            for recipient in recipients
        ]
    )


def catalog_of_case(case: Case) -> Catalog:
    return catalog_of(case.catalog_version)


def guide_of_case(case: Case, catalog: Catalog) -> Guide:
    return guide_of(case.catalog_version.digest, case.package_id, case.answers)


def require(condition: bool, message: str) -> None:
    if not condition:
        raise Forbidden(message)
