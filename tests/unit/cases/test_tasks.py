"""The parallel task graph: release along dependencies, cancellation, finishing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from onething.cases.lifecycle import (
    APPLICANT,
    REVIEWER,
    SYSTEM,
    TASK_TERMINAL,
    TaskAction,
    TaskState,
    allowed_task_actions,
    task_transition,
)
from onething.cases.tasks import (
    TaskNode,
    all_finished,
    dependants,
    initial_states,
    ready_to_release,
    to_cancel,
)

T = TaskState

# 我要开药店-like: a licence first, then two permits in parallel, then one that needs both
#   licence ─┬─ drugs ──┬─ sign
#            └─ food ───┘
#   devices (independent)
GRAPH: list[tuple[str, tuple[str, ...]]] = [
    ("licence", ()),
    ("drugs", ("licence",)),
    ("food", ("licence",)),
    ("devices", ()),
    ("sign", ("drugs", "food")),
]


def nodes(**states: TaskState) -> list[TaskNode]:
    initial = initial_states(GRAPH)
    return [TaskNode(item, after, states.get(item, initial[item])) for item, after in GRAPH]


def test_initial_states() -> None:
    assert initial_states(GRAPH) == {
        "licence": T.WORKABLE,
        "drugs": T.WAITING,
        "food": T.WAITING,
        "devices": T.WORKABLE,
        "sign": T.WAITING,
    }
    assert list(initial_states(GRAPH)) == [item for item, _ in GRAPH]  # package order
    assert initial_states([]) == {}


def test_release_follows_the_graph() -> None:
    assert ready_to_release(nodes()) == []  # the roots are workable already
    assert ready_to_release(nodes(licence=T.IN_REVIEW)) == []
    assert ready_to_release(nodes(licence=T.APPROVED)) == ["drugs", "food"]
    assert ready_to_release(nodes(licence=T.APPROVED, drugs=T.APPROVED, food=T.WORKABLE)) == []
    assert ready_to_release(nodes(licence=T.APPROVED, drugs=T.APPROVED, food=T.APPROVED)) == [
        "sign"
    ]
    # a rejected or cancelled predecessor never releases
    assert ready_to_release(nodes(licence=T.APPROVED, drugs=T.APPROVED, food=T.REJECTED)) == []


def test_a_waiting_task_without_predecessors_is_ready_at_once() -> None:
    assert ready_to_release([TaskNode("a", (), T.WAITING), TaskNode("b", ("a",), T.WAITING)]) == [
        "a"
    ]


def test_a_rejection_cancels_what_depends_on_it_even_transitively() -> None:
    assert to_cancel(nodes(licence=T.REJECTED), "licence") == ["drugs", "food", "sign"]
    assert to_cancel(nodes(licence=T.APPROVED, drugs=T.REJECTED, food=T.IN_REVIEW), "drugs") == [
        "sign"
    ]
    # 'food' does not depend on 'drugs': it goes on
    assert "food" not in to_cancel(nodes(licence=T.APPROVED, drugs=T.REJECTED), "drugs")
    assert to_cancel(nodes(devices=T.REJECTED), "devices") == []


def test_cancellation_leaves_final_tasks_alone() -> None:
    graph = [
        TaskNode("a", (), T.REJECTED),
        TaskNode("b", ("a",), T.CANCELLED),
        TaskNode("c", ("b",), T.WAITING),
    ]
    assert to_cancel(graph, "a") == ["c"]
    assert dependants(graph, "a") == ["b", "c"]


def test_finishing() -> None:
    assert not all_finished(nodes())
    assert not all_finished(
        nodes(licence=T.APPROVED, drugs=T.APPROVED, food=T.APPROVED, devices=T.APPROVED)
    )
    assert all_finished(
        nodes(
            licence=T.APPROVED,
            drugs=T.APPROVED,
            food=T.REJECTED,
            devices=T.APPROVED,
            sign=T.CANCELLED,
        )
    )
    assert all_finished([])


def test_bad_graphs_are_refused() -> None:
    with pytest.raises(ValueError, match="task 'a' appears twice"):
        ready_to_release([TaskNode("a", (), T.WAITING), TaskNode("a", (), T.WAITING)])
    with pytest.raises(ValueError, match="task 'b' waits for 'x', not a task here"):
        initial_states([("a", ()), ("b", ("x",))])
    with pytest.raises(ValueError, match="'x' is not a task here"):
        to_cancel(nodes(), "x")


# --- a property: random graphs, random decisions ----------------------------------------------


@st.composite
def graphs(draw, max_tasks: int = 8) -> list[tuple[str, tuple[str, ...]]]:
    """A random dependency DAG in a random package order (as tests/unit/catalog/strategies)."""
    count = draw(st.integers(1, max_tasks))
    topological = draw(st.permutations(range(count)))
    rank = {task: position for position, task in enumerate(topological)}
    result = []
    for task in draw(st.permutations(range(count))):
        earlier = [other for other in range(count) if rank[other] < rank[task]]
        after = draw(st.lists(st.sampled_from(earlier), max_size=3, unique=True)) if earlier else []
        result.append((f"t{task}", tuple(f"t{a}" for a in sorted(after))))
    return result


# what people do to a task in each state (the system's own moves are applied separately)
_PEOPLE = {REVIEWER, APPLICANT}


def _check(graph: list[tuple[str, tuple[str, ...]]], state: dict[str, TaskState]) -> None:
    for item, after in graph:
        if state[item] not in (T.WAITING, T.CANCELLED):
            assert all(state[p] == T.APPROVED for p in after), (item, state)
        if state[item] == T.CANCELLED:
            assert any(state[p] in (T.REJECTED, T.CANCELLED) for p in after), (item, state)


def _system_moves(
    graph: list[tuple[str, tuple[str, ...]]], state: dict[str, TaskState], rejected: str | None
) -> None:
    """What the platform does after a decision: cancel dependants, release ready tasks."""
    if rejected is not None:
        current = [TaskNode(item, after, state[item]) for item, after in graph]
        for item in to_cancel(current, rejected):
            state[item] = task_transition(state[item], TaskAction.CANCEL, SYSTEM)
    current = [TaskNode(item, after, state[item]) for item, after in graph]
    for item in ready_to_release(current):
        state[item] = task_transition(state[item], TaskAction.RELEASE_READY, SYSTEM)


@settings(max_examples=150, deadline=None)
@given(graphs(), st.data())
def test_random_runs_respect_the_graph_and_always_end(graph, data) -> None:
    state = dict(initial_states(graph))
    _check(graph, state)
    for step in range(400):
        moves = [
            (item, action, role)
            for item, _ in graph
            for role in sorted(_PEOPLE)
            for action in allowed_task_actions(state[item], role)
        ]
        if not moves:
            break
        if step >= 60:  # then push every task to a decision, so that the run ends
            progress = {TaskAction.CLAIM, TaskAction.APPROVE, TaskAction.REJECT}
            progress |= {TaskAction.PROVIDE_SUPPLEMENT, TaskAction.END_SPECIAL}
            moves = [move for move in moves if move[1] in progress]
        item, action, role = data.draw(st.sampled_from(moves))
        state[item] = task_transition(state[item], action, role)
        _system_moves(graph, state, item if state[item] == T.REJECTED else None)
        _check(graph, state)
    nodes_now = [TaskNode(item, after, state[item]) for item, after in graph]
    assert all_finished(nodes_now), state
    assert all(value in TASK_TERMINAL for value in state.values())
