"""What a user is offered to do on a case and on each of its items: the one decision the
case page's buttons and the API's `actions` both show.

The lifecycle tables say which role may take which action in which state; on top of
that, who may act on this very case (`accounts.access`): the applicant's own steps
(submit, withdraw, complete) only for the applicant or their agent; an item's review
steps only for a reviewer of its department and level, and once claimed only for the
one who claimed it; a supplement for the applicant's side or the window.
"""

from __future__ import annotations

from onething.cases.lifecycle import TaskState, allowed_case_actions, allowed_task_actions
from onething.core.access import (
    acts_for_applicant,
    may_act_on_case,
    may_work_task,
    own_case,
    works_at_window,
)

APPLICANTS_OWN_STEPS = frozenset({"submit", "withdraw", "complete", "self_collect"})
AT_A_KIOSK = frozenset({"self_collect"})  # 自助领取: only in a kiosk session


def case_actions_for(user, case, kiosk: str = "") -> list[str]:
    """The case's own steps the user is offered, in the lifecycle table's order (`kiosk`:
    the kiosk the user is signed in at, if any)."""
    if not may_act_on_case(user, case):
        return []
    offered = [a.value for a in allowed_case_actions(case.state, user.role)]
    if not own_case(user, case):
        offered = [a for a in offered if a not in APPLICANTS_OWN_STEPS]
    if not kiosk:
        offered = [a for a in offered if a not in AT_A_KIOSK]
    return offered


def task_actions_for(user, case, task) -> list[str]:
    """An item's steps the user is offered, in the lifecycle table's order."""
    if may_work_task(user, task):
        claimed_by_another = task.assignee_id not in (None, user.pk)
        if task.state != TaskState.WORKABLE and claimed_by_another:
            return []  # another reviewer's item
        return [a.value for a in allowed_task_actions(task.state, user.role)]
    side = (own_case(user, case) and acts_for_applicant(user)) or works_at_window(user)
    if side and may_act_on_case(user, case):
        return [a.value for a in allowed_task_actions(task.state, user.role)]
    return []
