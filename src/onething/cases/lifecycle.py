"""The case lifecycle (办件流程): states, actions, and who may take which action when.

A case (办件) is one application for a package. Its life::

    draft ─submit→ submitted ─accept | deem_accepted→ in_progress ─finish→ ready
                   │      ↑                                            │
    request_completion    complete                                hand_over
                   ↓      │                                            ↓
             awaiting_completion                                   completed

    submitted ─refuse→ refused;  draft | submitted | awaiting_completion ─withdraw→ withdrawn

(request_completion is 一次性告知: one notice of everything missing, completed in one go.)

Each included item becomes a task (审批任务) of its department::

    waiting ─release_ready→ workable ─claim→ in_review ─approve | reject→ approved | rejected
                               ↑───release───┘  │    ↑
          request_supplement | start_special    │    │  provide_supplement | end_special
                                                ↓    │
                                       supplement | special
    any state that is not final ─cancel→ cancelled
    workable ─auto_approve→ approved (秒批, by the system) | ─refer→ workable (left to a reviewer)

Both machines are tables (``CASE_TRANSITIONS``, ``TASK_TRANSITIONS``): one row per action
with the states it starts from, the state it leads to and the roles that may take it.
``case_transition`` and ``task_transition`` look an action up and either give the next
state or raise :class:`TransitionRefused` — :class:`NotAllowedForRole` when the role may
never take the action (HTTP 403), :class:`NotAllowedInState` when the action does not
apply to the current state (HTTP 409). The role is checked first, so a role learns
nothing about states it has no business with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, Literal, TypeVar

# --- roles ---------------------------------------------------------------------------------

APPLICANT = "applicant"  # 申请人: a citizen or an enterprise
AGENT = "agent"  # 代办人: acts for an applicant under a recorded authorisation
CLERK = "clerk"  # 综合窗口人员
REVIEWER = "reviewer"  # 部门审批人员
SUPERVISOR = "supervisor"  # 监督人员
EDITOR = "editor"  # 事项编制人员
ADMIN = "admin"  # 管理员
SYSTEM = "system"  # the platform itself: deadlines sweeps, task graph bookkeeping

ROLES: tuple[str, ...] = (APPLICANT, AGENT, CLERK, REVIEWER, SUPERVISOR, EDITOR, ADMIN, SYSTEM)

ROLE_LABELS: dict[str, str] = {
    APPLICANT: "申请人",
    AGENT: "代办人",
    CLERK: "窗口人员",
    REVIEWER: "审批人员",
    SUPERVISOR: "监督人员",
    EDITOR: "事项编制人员",
    ADMIN: "管理员",
    SYSTEM: "系统",
}

_ROLE_NOUNS: dict[str, str] = {
    APPLICANT: "an applicant",
    AGENT: "an agent",
    CLERK: "a window clerk",
    REVIEWER: "a reviewer",
    SUPERVISOR: "a supervisor",
    EDITOR: "a catalogue editor",
    ADMIN: "an administrator",
    SYSTEM: "the system",
}


# --- states and actions --------------------------------------------------------------------


class CaseState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    AWAITING_COMPLETION = "awaiting_completion"  # 一次性告知 issued; the applicant completes
    REFUSED = "refused"  # 不予受理, with a reason
    IN_PROGRESS = "in_progress"  # accepted (受理); the tasks run
    READY = "ready"  # every task finished: ready for the one handover
    COMPLETED = "completed"  # handed over (办结)
    WITHDRAWN = "withdrawn"


class CaseAction(StrEnum):
    SUBMIT = "submit"
    ACCEPT = "accept"
    DEEM_ACCEPTED = "deem_accepted"  # 视为受理: undecided after 5 working days (行政许可法 Art. 32)
    REQUEST_COMPLETION = "request_completion"  # 一次性告知: one notice of everything missing
    COMPLETE = "complete"
    REFUSE = "refuse"
    FINISH = "finish"
    HAND_OVER = "hand_over"
    WITHDRAW = "withdraw"
    AUTO_ACCEPT = "auto_accept"  # 即办受理: every material A or B, every item decided by rules
    SELF_COLLECT = "self_collect"  # 自助领取: electronic results printed at a kiosk


class TaskState(StrEnum):
    WAITING = "waiting"  # predecessors not finished
    WORKABLE = "workable"  # may be claimed
    IN_REVIEW = "in_review"  # claimed by a reviewer
    SUPPLEMENT = "supplement"  # 补正: the applicant was asked for a supplement; clock stopped
    SPECIAL = "special"  # 特殊环节: its time does not count (行政许可法 Art. 45)
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class TaskAction(StrEnum):
    RELEASE_READY = "release_ready"
    CLAIM = "claim"
    RELEASE = "release"
    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_SUPPLEMENT = "request_supplement"
    PROVIDE_SUPPLEMENT = "provide_supplement"
    START_SPECIAL = "start_special"  # expert review, on-site inspection, testing, hearing
    END_SPECIAL = "end_special"
    CANCEL = "cancel"
    HOLD = "hold"  # held for a predecessor outside the case (定制办: another project's item)
    LIFT_HOLD = "lift_hold"
    AUTO_APPROVE = "auto_approve"  # 秒批: every instant rule of the item held
    REFER = "refer"  # 秒批 not possible: a rule failed, the item waits for a reviewer
    PARTNER_APPROVE = "partner_approve"  # 多地联办: the partner region's node approved it
    PARTNER_REJECT = "partner_reject"  # 多地联办: the partner refused or rejected it


# The items whose clock runs: their own due dates count towards the case's next deadline.
TASK_RUNNING: tuple[TaskState, ...] = (TaskState.WORKABLE, TaskState.IN_REVIEW)

CASE_TERMINAL: frozenset[CaseState] = frozenset(
    {CaseState.REFUSED, CaseState.COMPLETED, CaseState.WITHDRAWN}
)
TASK_TERMINAL: frozenset[TaskState] = frozenset(
    {TaskState.APPROVED, TaskState.REJECTED, TaskState.CANCELLED}
)
# The task states in which the item's clock is stopped.
TASK_PAUSED: frozenset[TaskState] = frozenset({TaskState.SUPPLEMENT, TaskState.SPECIAL})


CASE_STATE_LABELS: dict[CaseState, str] = {
    CaseState.DRAFT: "草稿",
    CaseState.SUBMITTED: "已提交",
    CaseState.AWAITING_COMPLETION: "待补齐",
    CaseState.REFUSED: "不予受理",
    CaseState.IN_PROGRESS: "办理中",
    CaseState.READY: "待领取",
    CaseState.COMPLETED: "已办结",
    CaseState.WITHDRAWN: "已撤回",
}

CASE_ACTION_LABELS: dict[CaseAction, str] = {
    CaseAction.SUBMIT: "提交申请",
    CaseAction.ACCEPT: "受理",
    CaseAction.DEEM_ACCEPTED: "视为受理",
    CaseAction.REQUEST_COMPLETION: "一次性告知补齐",
    CaseAction.COMPLETE: "补齐材料",
    CaseAction.REFUSE: "不予受理",
    CaseAction.FINISH: "办理完毕",
    CaseAction.HAND_OVER: "出件",
    CaseAction.WITHDRAW: "撤回申请",
    CaseAction.AUTO_ACCEPT: "系统受理（即办）",
    CaseAction.SELF_COLLECT: "自助领取",
}

TASK_STATE_LABELS: dict[TaskState, str] = {
    TaskState.WAITING: "等待前置",
    TaskState.WORKABLE: "待认领",
    TaskState.IN_REVIEW: "审查中",
    TaskState.SUPPLEMENT: "补正中",
    TaskState.SPECIAL: "特殊环节",
    TaskState.APPROVED: "已批准",
    TaskState.REJECTED: "不予批准",
    TaskState.CANCELLED: "已取消",
}

TASK_ACTION_LABELS: dict[TaskAction, str] = {
    TaskAction.RELEASE_READY: "开放办理",
    TaskAction.CLAIM: "认领",
    TaskAction.RELEASE: "取消认领",
    TaskAction.APPROVE: "批准",
    TaskAction.REJECT: "不予批准",
    TaskAction.REQUEST_SUPPLEMENT: "要求补正",
    TaskAction.PROVIDE_SUPPLEMENT: "提交补正材料",
    TaskAction.START_SPECIAL: "启动特殊环节",
    TaskAction.END_SPECIAL: "结束特殊环节",
    TaskAction.CANCEL: "取消",
    TaskAction.HOLD: "等候外部前置",
    TaskAction.LIFT_HOLD: "外部前置已办结",
    TaskAction.AUTO_APPROVE: "秒批（系统自动批准）",
    TaskAction.REFER: "秒批规则未全部满足，转人工审查",
    TaskAction.PARTNER_APPROVE: "合作地区办结（准予）",
    TaskAction.PARTNER_REJECT: "合作地区不予办理",
}


# --- the tables ----------------------------------------------------------------------------

S = TypeVar("S", CaseState, TaskState)
A = TypeVar("A", CaseAction, TaskAction)


@dataclass(frozen=True, slots=True)
class Transition(Generic[S, A]):
    """One row of a table: ``action`` takes any of ``sources`` to ``target``, by ``roles``."""

    action: A
    sources: tuple[S, ...]
    target: S
    roles: tuple[str, ...]


_C = CaseState
_T = TaskState

CASE_TRANSITIONS: tuple[Transition[CaseState, CaseAction], ...] = (
    Transition(CaseAction.SUBMIT, (_C.DRAFT,), _C.SUBMITTED, (APPLICANT, AGENT, CLERK)),
    Transition(CaseAction.ACCEPT, (_C.SUBMITTED,), _C.IN_PROGRESS, (CLERK,)),
    Transition(CaseAction.DEEM_ACCEPTED, (_C.SUBMITTED,), _C.IN_PROGRESS, (SYSTEM,)),
    Transition(CaseAction.REQUEST_COMPLETION, (_C.SUBMITTED,), _C.AWAITING_COMPLETION, (CLERK,)),
    Transition(CaseAction.COMPLETE, (_C.AWAITING_COMPLETION,), _C.SUBMITTED, (APPLICANT, AGENT)),
    Transition(CaseAction.REFUSE, (_C.SUBMITTED,), _C.REFUSED, (CLERK,)),
    Transition(CaseAction.FINISH, (_C.IN_PROGRESS,), _C.READY, (SYSTEM,)),
    Transition(CaseAction.HAND_OVER, (_C.READY,), _C.COMPLETED, (CLERK,)),
    Transition(CaseAction.AUTO_ACCEPT, (_C.SUBMITTED,), _C.IN_PROGRESS, (SYSTEM,)),
    Transition(CaseAction.SELF_COLLECT, (_C.READY,), _C.COMPLETED, (APPLICANT, AGENT)),
    Transition(
        CaseAction.WITHDRAW,
        (_C.DRAFT, _C.SUBMITTED, _C.AWAITING_COMPLETION),
        _C.WITHDRAWN,
        (APPLICANT, AGENT),
    ),
)

_TASK_OPEN: tuple[TaskState, ...] = tuple(s for s in TaskState if s not in TASK_TERMINAL)

TASK_TRANSITIONS: tuple[Transition[TaskState, TaskAction], ...] = (
    Transition(TaskAction.RELEASE_READY, (_T.WAITING,), _T.WORKABLE, (SYSTEM,)),
    Transition(TaskAction.CLAIM, (_T.WORKABLE,), _T.IN_REVIEW, (REVIEWER,)),
    Transition(TaskAction.RELEASE, (_T.IN_REVIEW,), _T.WORKABLE, (REVIEWER,)),
    Transition(TaskAction.APPROVE, (_T.IN_REVIEW,), _T.APPROVED, (REVIEWER,)),
    Transition(TaskAction.REJECT, (_T.IN_REVIEW,), _T.REJECTED, (REVIEWER,)),
    Transition(TaskAction.REQUEST_SUPPLEMENT, (_T.IN_REVIEW,), _T.SUPPLEMENT, (REVIEWER,)),
    Transition(
        TaskAction.PROVIDE_SUPPLEMENT, (_T.SUPPLEMENT,), _T.IN_REVIEW, (APPLICANT, AGENT, CLERK)
    ),
    Transition(TaskAction.START_SPECIAL, (_T.IN_REVIEW,), _T.SPECIAL, (REVIEWER,)),
    Transition(TaskAction.END_SPECIAL, (_T.SPECIAL,), _T.IN_REVIEW, (REVIEWER, SYSTEM)),
    # because a predecessor was rejected, or the case was withdrawn
    Transition(TaskAction.CANCEL, _TASK_OPEN, _T.CANCELLED, (SYSTEM,)),
    # a plan holds an item for another case's item (定制办), before anyone claims it
    Transition(TaskAction.HOLD, (_T.WORKABLE, _T.WAITING), _T.WAITING, (SYSTEM,)),
    Transition(TaskAction.LIFT_HOLD, (_T.WAITING,), _T.WAITING, (SYSTEM,)),
    # 秒批: the platform decides an item whose catalogue rules all hold, or leaves it
    Transition(TaskAction.AUTO_APPROVE, (_T.WORKABLE,), _T.APPROVED, (SYSTEM,)),
    Transition(TaskAction.REFER, (_T.WORKABLE,), _T.WORKABLE, (SYSTEM,)),
    # 多地联办: an item implemented by a partner region, held here, decided there
    Transition(TaskAction.PARTNER_APPROVE, (_T.WAITING, _T.WORKABLE), _T.APPROVED, (SYSTEM,)),
    Transition(TaskAction.PARTNER_REJECT, (_T.WAITING, _T.WORKABLE), _T.REJECTED, (SYSTEM,)),
)


# --- refusals ------------------------------------------------------------------------------


class TransitionRefused(Exception):
    """An action that cannot be taken; ``reason`` says whether for the role or the state."""

    reason: Literal["role", "state"]

    def __init__(self, message: str, *, action: str, state: str, role: str) -> None:
        super().__init__(message)
        self.message = message
        self.action = action
        self.state = state
        self.role = role


class NotAllowedForRole(TransitionRefused):
    """The role may never take this action (HTTP 403)."""

    reason = "role"


class NotAllowedInState(TransitionRefused):
    """The action does not apply to the current state (HTTP 409)."""

    reason = "state"


# --- the machines --------------------------------------------------------------------------


# Transitions already found allowed, by (machine, state, action, role): the table is
# fixed, and a refusal is always worked out in full for its message.
_ALLOWED: dict[tuple[str, str, str, str], StrEnum] = {}


@dataclass(frozen=True, slots=True)
class _Machine(Generic[S, A]):
    noun: str  # "case" | "task"
    states: type[S]
    actions: type[A]
    table: tuple[Transition[S, A], ...]
    verbs: Mapping[A, str]  # "cannot <verb> a case that is …"
    descriptions: Mapping[S, str]  # "… a case that is <description>: …"
    hints: Mapping[S, str]  # what can happen from the state, in words

    def _state(self, state: S | str) -> S:
        try:
            return self.states(state)
        except ValueError:
            known = ", ".join(self.states)
            raise ValueError(
                f"unknown {self.noun} state '{state}': expected one of {known}"
            ) from None

    def _action(self, action: A | str) -> A:
        try:
            return self.actions(action)
        except ValueError:
            known = ", ".join(self.actions)
            raise ValueError(
                f"unknown {self.noun} action '{action}': expected one of {known}"
            ) from None

    def transition(self, state: S | str, action: A | str, role: str) -> S:
        key = (self.noun, state, action, role)
        known = _ALLOWED.get(key)
        if known is not None:
            return known  # type: ignore[return-value]
        target = self._transition(state, action, role)
        _ALLOWED[key] = target
        return target

    def _transition(self, state: S | str, action: A | str, role: str) -> S:
        current, wanted = self._state(state), self._action(action)
        rows = [row for row in self.table if row.action == wanted]
        verb = self.verbs[wanted]
        permitted = [r for r in ROLES if any(r in row.roles for row in rows)]
        if role not in permitted:
            raise NotAllowedForRole(
                f"{_role_noun(role)} cannot {verb} a {self.noun}: only {_either(permitted)} may",
                action=wanted,
                state=current,
                role=role,
            )
        for row in rows:
            if current in row.sources:
                if role not in row.roles:
                    raise NotAllowedForRole(
                        f"{_role_noun(role)} cannot {verb} a {self.noun} that is "
                        f"{self.descriptions[current]}: only {_either(row.roles)} may",
                        action=wanted,
                        state=current,
                        role=role,
                    )
                return row.target
        raise NotAllowedInState(
            f"cannot {verb} a {self.noun} that is {self.descriptions[current]}: "
            f"{self.hints[current]}",
            action=wanted,
            state=current,
            role=role,
        )

    def allowed(self, state: S | str, role: str) -> list[A]:
        current = self._state(state)
        return [row.action for row in self.table if current in row.sources and role in row.roles]


def _role_noun(role: str) -> str:
    return _ROLE_NOUNS.get(role, f"the role '{role}'")


def _either(roles: list[str] | tuple[str, ...]) -> str:
    """'a reviewer', 'an applicant or an agent', 'an applicant, an agent or a window clerk'."""
    nouns = [_role_noun(role) for role in roles]
    return nouns[0] if len(nouns) == 1 else ", ".join(nouns[:-1]) + " or " + nouns[-1]


_CASES: _Machine[CaseState, CaseAction] = _Machine(
    noun="case",
    states=CaseState,
    actions=CaseAction,
    table=CASE_TRANSITIONS,
    verbs={
        CaseAction.SUBMIT: "submit",
        CaseAction.ACCEPT: "accept",
        CaseAction.DEEM_ACCEPTED: "treat as accepted",
        CaseAction.REQUEST_COMPLETION: "request completion of",
        CaseAction.COMPLETE: "complete",
        CaseAction.REFUSE: "refuse",
        CaseAction.FINISH: "finish",
        CaseAction.HAND_OVER: "hand over",
        CaseAction.WITHDRAW: "withdraw",
        CaseAction.AUTO_ACCEPT: "accept without a person",
        CaseAction.SELF_COLLECT: "collect at a kiosk",
    },
    descriptions={
        CaseState.DRAFT: "still a draft",
        CaseState.SUBMITTED: "submitted",
        CaseState.AWAITING_COMPLETION: "awaiting completion",
        CaseState.REFUSED: "refused",
        CaseState.IN_PROGRESS: "in progress",
        CaseState.READY: "ready for handover",
        CaseState.COMPLETED: "completed",
        CaseState.WITHDRAWN: "withdrawn",
    },
    hints={
        CaseState.DRAFT: "a draft can only be submitted or withdrawn",
        CaseState.SUBMITTED: (
            "the window accepts it, asks once for everything missing or refuses it; "
            "the applicant may withdraw it"
        ),
        CaseState.AWAITING_COMPLETION: ("the applicant completes it in one go, or withdraws it"),
        CaseState.REFUSED: "a refused case is final",
        CaseState.IN_PROGRESS: (
            "its tasks are being worked; it becomes ready when every task is finished"
        ),
        CaseState.READY: "it can only be handed over",
        CaseState.COMPLETED: "a completed case is final",
        CaseState.WITHDRAWN: "a withdrawn case is final",
    },
)

_TASKS: _Machine[TaskState, TaskAction] = _Machine(
    noun="task",
    states=TaskState,
    actions=TaskAction,
    table=TASK_TRANSITIONS,
    verbs={
        TaskAction.RELEASE_READY: "release",
        TaskAction.CLAIM: "claim",
        TaskAction.RELEASE: "give back",
        TaskAction.APPROVE: "approve",
        TaskAction.REJECT: "reject",
        TaskAction.REQUEST_SUPPLEMENT: "ask for a supplement to",
        TaskAction.PROVIDE_SUPPLEMENT: "provide a supplement to",
        TaskAction.START_SPECIAL: "start a special procedure on",
        TaskAction.END_SPECIAL: "end a special procedure on",
        TaskAction.CANCEL: "cancel",
        TaskAction.HOLD: "hold",
        TaskAction.LIFT_HOLD: "lift the hold on",
        TaskAction.AUTO_APPROVE: "approve instantly",
        TaskAction.REFER: "refer to a reviewer",
        TaskAction.PARTNER_APPROVE: "record the partner region's approval of",
        TaskAction.PARTNER_REJECT: "record the partner region's refusal of",
    },
    descriptions={
        TaskState.WAITING: "waiting",
        TaskState.WORKABLE: "workable",
        TaskState.IN_REVIEW: "in review",
        TaskState.SUPPLEMENT: "waiting for a supplement",
        TaskState.SPECIAL: "in a special procedure",
        TaskState.APPROVED: "approved",
        TaskState.REJECTED: "rejected",
        TaskState.CANCELLED: "cancelled",
    },
    hints={
        TaskState.WAITING: "it can be claimed once its predecessors are approved",
        TaskState.WORKABLE: "a reviewer must claim it first",
        TaskState.IN_REVIEW: (
            "its reviewer approves or rejects it, asks for a supplement, starts a special "
            "procedure or gives it back"
        ),
        TaskState.SUPPLEMENT: "it waits for the applicant's supplement",
        TaskState.SPECIAL: "it waits for its special procedure to end",
        TaskState.APPROVED: "an approved task is final",
        TaskState.REJECTED: "a rejected task is final",
        TaskState.CANCELLED: "a cancelled task is final",
    },
)


# --- the public functions ------------------------------------------------------------------


def case_transition(state: CaseState | str, action: CaseAction | str, role: str) -> CaseState:
    """The case's next state after ``role`` takes ``action``.

    Raises :class:`NotAllowedForRole` or :class:`NotAllowedInState` (both
    :class:`TransitionRefused`), and ``ValueError`` for a state or action that does not exist.
    """
    return _CASES.transition(state, action, role)


def task_transition(state: TaskState | str, action: TaskAction | str, role: str) -> TaskState:
    """The task's next state after ``role`` takes ``action``; refusals as ``case_transition``."""
    return _TASKS.transition(state, action, role)


def allowed_case_actions(state: CaseState | str, role: str) -> list[CaseAction]:
    """The actions ``role`` may take on a case in ``state``, in table order (for buttons)."""
    return _CASES.allowed(state, role)


def allowed_task_actions(state: TaskState | str, role: str) -> list[TaskAction]:
    """The actions ``role`` may take on a task in ``state``, in table order (for buttons)."""
    return _TASKS.allowed(state, role)
