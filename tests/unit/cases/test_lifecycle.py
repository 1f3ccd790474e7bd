"""The case and task state machines: every transition, every refusal, the buttons."""

from __future__ import annotations

import pytest

from onething.cases.lifecycle import (
    CASE_ACTION_LABELS,
    CASE_STATE_LABELS,
    CASE_TERMINAL,
    CASE_TRANSITIONS,
    ROLE_LABELS,
    ROLES,
    TASK_ACTION_LABELS,
    TASK_STATE_LABELS,
    TASK_TERMINAL,
    TASK_TRANSITIONS,
    CaseAction,
    CaseState,
    NotAllowedForRole,
    NotAllowedInState,
    TaskAction,
    TaskState,
    TransitionRefused,
    allowed_case_actions,
    allowed_task_actions,
    case_transition,
    task_transition,
)

C, CA, T, TA = CaseState, CaseAction, TaskState, TaskAction

# (state, action, role, next state): the table, written out once more by hand
CASE_TABLE = [
    (C.DRAFT, CA.SUBMIT, "applicant", C.SUBMITTED),
    (C.DRAFT, CA.SUBMIT, "agent", C.SUBMITTED),
    (C.DRAFT, CA.SUBMIT, "clerk", C.SUBMITTED),
    (C.SUBMITTED, CA.ACCEPT, "clerk", C.IN_PROGRESS),
    (C.SUBMITTED, CA.DEEM_ACCEPTED, "system", C.IN_PROGRESS),
    (C.SUBMITTED, CA.REQUEST_COMPLETION, "clerk", C.AWAITING_COMPLETION),
    (C.AWAITING_COMPLETION, CA.COMPLETE, "applicant", C.SUBMITTED),
    (C.AWAITING_COMPLETION, CA.COMPLETE, "agent", C.SUBMITTED),
    (C.SUBMITTED, CA.REFUSE, "clerk", C.REFUSED),
    (C.IN_PROGRESS, CA.FINISH, "system", C.READY),
    (C.READY, CA.HAND_OVER, "clerk", C.COMPLETED),
    (C.SUBMITTED, CA.AUTO_ACCEPT, "system", C.IN_PROGRESS),
    (C.READY, CA.SELF_COLLECT, "applicant", C.COMPLETED),
    (C.READY, CA.SELF_COLLECT, "agent", C.COMPLETED),
    (C.DRAFT, CA.WITHDRAW, "applicant", C.WITHDRAWN),
    (C.DRAFT, CA.WITHDRAW, "agent", C.WITHDRAWN),
    (C.SUBMITTED, CA.WITHDRAW, "applicant", C.WITHDRAWN),
    (C.SUBMITTED, CA.WITHDRAW, "agent", C.WITHDRAWN),
    (C.AWAITING_COMPLETION, CA.WITHDRAW, "applicant", C.WITHDRAWN),
    (C.AWAITING_COMPLETION, CA.WITHDRAW, "agent", C.WITHDRAWN),
]

_OPEN_TASK_STATES = [T.WAITING, T.WORKABLE, T.IN_REVIEW, T.SUPPLEMENT, T.SPECIAL]

TASK_TABLE = [
    (T.WAITING, TA.RELEASE_READY, "system", T.WORKABLE),
    (T.WORKABLE, TA.CLAIM, "reviewer", T.IN_REVIEW),
    (T.IN_REVIEW, TA.RELEASE, "reviewer", T.WORKABLE),
    (T.IN_REVIEW, TA.APPROVE, "reviewer", T.APPROVED),
    (T.IN_REVIEW, TA.REJECT, "reviewer", T.REJECTED),
    (T.IN_REVIEW, TA.REQUEST_SUPPLEMENT, "reviewer", T.SUPPLEMENT),
    (T.SUPPLEMENT, TA.PROVIDE_SUPPLEMENT, "applicant", T.IN_REVIEW),
    (T.SUPPLEMENT, TA.PROVIDE_SUPPLEMENT, "agent", T.IN_REVIEW),
    (T.SUPPLEMENT, TA.PROVIDE_SUPPLEMENT, "clerk", T.IN_REVIEW),
    (T.IN_REVIEW, TA.START_SPECIAL, "reviewer", T.SPECIAL),
    (T.SPECIAL, TA.END_SPECIAL, "reviewer", T.IN_REVIEW),
    (T.SPECIAL, TA.END_SPECIAL, "system", T.IN_REVIEW),
    (T.WORKABLE, TA.HOLD, "system", T.WAITING),
    (T.WAITING, TA.HOLD, "system", T.WAITING),
    (T.WAITING, TA.LIFT_HOLD, "system", T.WAITING),
    (T.WORKABLE, TA.AUTO_APPROVE, "system", T.APPROVED),
    (T.WORKABLE, TA.REFER, "system", T.WORKABLE),
    (T.WAITING, TA.PARTNER_APPROVE, "system", T.APPROVED),
    (T.WORKABLE, TA.PARTNER_APPROVE, "system", T.APPROVED),
    (T.WAITING, TA.PARTNER_REJECT, "system", T.REJECTED),
    (T.WORKABLE, TA.PARTNER_REJECT, "system", T.REJECTED),
] + [(state, TA.CANCEL, "system", T.CANCELLED) for state in _OPEN_TASK_STATES]


@pytest.mark.parametrize(("state", "action", "role", "after"), CASE_TABLE)
def test_every_case_transition(state, action, role, after) -> None:
    assert case_transition(state, action, role) == after
    assert case_transition(str(state), str(action), role) == after  # plain strings too


@pytest.mark.parametrize(("state", "action", "role", "after"), TASK_TABLE)
def test_every_task_transition(state, action, role, after) -> None:
    assert task_transition(state, action, role) == after
    assert task_transition(str(state), str(action), role) == after


def test_nothing_else_is_allowed_for_cases() -> None:
    allowed = {(s, a, r) for s, a, r, _ in CASE_TABLE}
    for state in CaseState:
        for action in CaseAction:
            for role in ROLES:
                if (state, action, role) not in allowed:
                    with pytest.raises(TransitionRefused):
                        case_transition(state, action, role)


def test_nothing_else_is_allowed_for_tasks() -> None:
    allowed = {(s, a, r) for s, a, r, _ in TASK_TABLE}
    for state in TaskState:
        for action in TaskAction:
            for role in ROLES:
                if (state, action, role) not in allowed:
                    with pytest.raises(TransitionRefused):
                        task_transition(state, action, role)


def test_final_states_have_no_way_out() -> None:
    assert {C.REFUSED, C.COMPLETED, C.WITHDRAWN} == CASE_TERMINAL
    assert {T.APPROVED, T.REJECTED, T.CANCELLED} == TASK_TERMINAL
    assert not any(set(row.sources) & CASE_TERMINAL for row in CASE_TRANSITIONS)
    assert not any(set(row.sources) & TASK_TERMINAL for row in TASK_TRANSITIONS)


# --- refusals --------------------------------------------------------------------------------


def test_a_wrong_state_is_refused_with_what_can_happen() -> None:
    with pytest.raises(NotAllowedInState) as refused:
        task_transition(T.WAITING, TA.APPROVE, "reviewer")
    assert str(refused.value) == (
        "cannot approve a task that is waiting: it can be claimed once its predecessors are approved"
    )
    assert refused.value.reason == "state"
    assert (refused.value.action, refused.value.state, refused.value.role) == (
        "approve",
        "waiting",
        "reviewer",
    )


@pytest.mark.parametrize(
    ("state", "action", "role", "message"),
    [
        (
            C.DRAFT,
            CA.ACCEPT,
            "clerk",
            "cannot accept a case that is still a draft: a draft can only be submitted or withdrawn",
        ),
        (
            C.COMPLETED,
            CA.WITHDRAW,
            "applicant",
            "cannot withdraw a case that is completed: a completed case is final",
        ),
        (
            C.IN_PROGRESS,
            CA.WITHDRAW,
            "agent",
            "cannot withdraw a case that is in progress: its tasks are being worked; it becomes ready when every task is finished",
        ),
        (
            C.AWAITING_COMPLETION,
            CA.ACCEPT,
            "clerk",
            "cannot accept a case that is awaiting completion: the applicant completes it in one go, or withdraws it",
        ),
        (
            C.READY,
            CA.FINISH,
            "system",
            "cannot finish a case that is ready for handover: it can only be handed over",
        ),
        (
            C.SUBMITTED,
            CA.SUBMIT,
            "applicant",
            "cannot submit a case that is submitted: the window accepts it, asks once for everything missing or refuses it; the applicant may withdraw it",
        ),
    ],
)
def test_case_refusals_in_a_state(state, action, role, message) -> None:
    with pytest.raises(NotAllowedInState) as refused:
        case_transition(state, action, role)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("state", "action", "role", "message"),
    [
        (
            T.WORKABLE,
            TA.APPROVE,
            "reviewer",
            "cannot approve a task that is workable: a reviewer must claim it first",
        ),
        (
            T.SUPPLEMENT,
            TA.APPROVE,
            "reviewer",
            "cannot approve a task that is waiting for a supplement: it waits for the applicant's supplement",
        ),
        (
            T.SPECIAL,
            TA.REJECT,
            "reviewer",
            "cannot reject a task that is in a special procedure: it waits for its special procedure to end",
        ),
        (
            T.APPROVED,
            TA.CANCEL,
            "system",
            "cannot cancel a task that is approved: an approved task is final",
        ),
        (
            T.IN_REVIEW,
            TA.CLAIM,
            "reviewer",
            "cannot claim a task that is in review: its reviewer approves or rejects it, asks for a supplement, starts a special procedure or gives it back",
        ),
    ],
)
def test_task_refusals_in_a_state(state, action, role, message) -> None:
    with pytest.raises(NotAllowedInState) as refused:
        task_transition(state, action, role)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("state", "action", "role", "message"),
    [
        (
            T.IN_REVIEW,
            TA.APPROVE,
            "applicant",
            "an applicant cannot approve a task: only a reviewer may",
        ),
        (
            T.IN_REVIEW,
            TA.CANCEL,
            "clerk",
            "a window clerk cannot cancel a task: only the system may",
        ),
        (
            T.SPECIAL,
            TA.END_SPECIAL,
            "applicant",
            "an applicant cannot end a special procedure on a task: only a reviewer or the system may",
        ),
        (
            T.SUPPLEMENT,
            TA.PROVIDE_SUPPLEMENT,
            "reviewer",
            "a reviewer cannot provide a supplement to a task: only an applicant, an agent or a window clerk may",
        ),
        (
            T.WAITING,
            TA.RELEASE_READY,
            "admin",
            "an administrator cannot release a task: only the system may",
        ),
        (
            T.WORKABLE,
            TA.CLAIM,
            "nobody",
            "the role 'nobody' cannot claim a task: only a reviewer may",
        ),
    ],
)
def test_task_refusals_for_a_role(state, action, role, message) -> None:
    with pytest.raises(NotAllowedForRole) as refused:
        task_transition(state, action, role)
    assert str(refused.value) == message
    assert refused.value.reason == "role"


@pytest.mark.parametrize(
    ("state", "action", "role", "message"),
    [
        (
            C.SUBMITTED,
            CA.ACCEPT,
            "applicant",
            "an applicant cannot accept a case: only a window clerk may",
        ),
        (
            C.SUBMITTED,
            CA.DEEM_ACCEPTED,
            "clerk",
            "a window clerk cannot treat as accepted a case: only the system may",
        ),
        (
            C.DRAFT,
            CA.SUBMIT,
            "reviewer",
            "a reviewer cannot submit a case: only an applicant, an agent or a window clerk may",
        ),
        (
            C.SUBMITTED,
            CA.WITHDRAW,
            "clerk",
            "a window clerk cannot withdraw a case: only an applicant or an agent may",
        ),
        (
            C.READY,
            CA.HAND_OVER,
            "supervisor",
            "a supervisor cannot hand over a case: only a window clerk may",
        ),
    ],
)
def test_case_refusals_for_a_role(state, action, role, message) -> None:
    with pytest.raises(NotAllowedForRole) as refused:
        case_transition(state, action, role)
    assert str(refused.value) == message


def test_the_role_is_checked_before_the_state() -> None:
    # an applicant learns they may never approve, not what state the task is in
    with pytest.raises(NotAllowedForRole):
        task_transition(T.WAITING, TA.APPROVE, "applicant")
    with pytest.raises(NotAllowedInState):
        task_transition(T.WAITING, TA.APPROVE, "reviewer")


def test_both_refusals_are_transition_refused_and_distinguishable() -> None:
    assert issubclass(NotAllowedForRole, TransitionRefused)
    assert issubclass(NotAllowedInState, TransitionRefused)
    assert issubclass(TransitionRefused, Exception)
    assert not issubclass(NotAllowedForRole, NotAllowedInState)


def test_unknown_states_and_actions_are_value_errors() -> None:
    with pytest.raises(ValueError, match="unknown case state 'lost': expected one of draft, "):
        case_transition("lost", "submit", "applicant")
    with pytest.raises(ValueError, match="unknown case action 'approve'"):
        case_transition("draft", "approve", "applicant")
    with pytest.raises(ValueError, match="unknown task state 'done'"):
        allowed_task_actions("done", "reviewer")
    with pytest.raises(ValueError, match="unknown task action 'accept'"):
        task_transition("workable", "accept", "reviewer")


# --- buttons ---------------------------------------------------------------------------------


def test_allowed_case_actions() -> None:
    assert allowed_case_actions(C.DRAFT, "applicant") == [CA.SUBMIT, CA.WITHDRAW]
    assert allowed_case_actions(C.DRAFT, "clerk") == [CA.SUBMIT]
    assert allowed_case_actions(C.SUBMITTED, "clerk") == [
        CA.ACCEPT,
        CA.REQUEST_COMPLETION,
        CA.REFUSE,
    ]
    assert allowed_case_actions(C.SUBMITTED, "applicant") == [CA.WITHDRAW]
    assert allowed_case_actions(C.SUBMITTED, "system") == [CA.DEEM_ACCEPTED, CA.AUTO_ACCEPT]
    assert allowed_case_actions(C.AWAITING_COMPLETION, "agent") == [CA.COMPLETE, CA.WITHDRAW]
    assert allowed_case_actions(C.IN_PROGRESS, "system") == [CA.FINISH]
    assert allowed_case_actions(C.READY, "clerk") == [CA.HAND_OVER]
    assert allowed_case_actions("ready", "applicant") == [CA.SELF_COLLECT]  # at a kiosk only
    for state in CASE_TERMINAL:
        for role in ROLES:
            assert allowed_case_actions(state, role) == []


def test_allowed_task_actions() -> None:
    assert allowed_task_actions(T.WAITING, "reviewer") == []
    assert allowed_task_actions(T.WAITING, "system") == [
        TA.RELEASE_READY,
        TA.CANCEL,
        TA.HOLD,
        TA.LIFT_HOLD,
        TA.PARTNER_APPROVE,
        TA.PARTNER_REJECT,
    ]
    assert allowed_task_actions(T.WORKABLE, "reviewer") == [TA.CLAIM]
    assert allowed_task_actions(T.WORKABLE, "system") == [
        TA.CANCEL,
        TA.HOLD,
        TA.AUTO_APPROVE,
        TA.REFER,
        TA.PARTNER_APPROVE,
        TA.PARTNER_REJECT,
    ]
    assert allowed_task_actions(T.IN_REVIEW, "reviewer") == [
        TA.RELEASE,
        TA.APPROVE,
        TA.REJECT,
        TA.REQUEST_SUPPLEMENT,
        TA.START_SPECIAL,
    ]
    assert allowed_task_actions(T.SUPPLEMENT, "applicant") == [TA.PROVIDE_SUPPLEMENT]
    assert allowed_task_actions(T.SPECIAL, "reviewer") == [TA.END_SPECIAL]
    assert allowed_task_actions(T.SPECIAL, "system") == [TA.END_SPECIAL, TA.CANCEL]
    assert allowed_task_actions(T.APPROVED, "system") == []


def test_allowed_actions_agree_with_the_transitions() -> None:
    for role in ROLES:
        for state in CaseState:
            for action in allowed_case_actions(state, role):
                case_transition(state, action, role)
        for task_state in TaskState:
            for task_action in allowed_task_actions(task_state, role):
                task_transition(task_state, task_action, role)


# --- labels ----------------------------------------------------------------------------------


def test_every_state_action_and_role_has_a_chinese_label() -> None:
    assert set(CASE_STATE_LABELS) == set(CaseState)
    assert set(CASE_ACTION_LABELS) == set(CaseAction)
    assert set(TASK_STATE_LABELS) == set(TaskState)
    assert set(TASK_ACTION_LABELS) == set(TaskAction)
    assert set(ROLE_LABELS) == set(ROLES)
    assert CASE_STATE_LABELS[C.AWAITING_COMPLETION] == "待补齐"
    assert CASE_STATE_LABELS[C.READY] == "待领取"
    assert TASK_STATE_LABELS[T.SUPPLEMENT] == "补正中"
    for labels in (CASE_STATE_LABELS, CASE_ACTION_LABELS, TASK_STATE_LABELS, TASK_ACTION_LABELS):
        assert len(set(labels.values())) == len(labels)
