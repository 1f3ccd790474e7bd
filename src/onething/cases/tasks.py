"""The parallel task graph (并联办理): which tasks to release, cancel, and when all are done.

A case has one task per included item; ``after`` names the tasks that must be approved
before it may start (the package's dependencies, contracted over excluded items as the
guide does). A task is released (waiting → workable) once every predecessor is approved;
a rejected task cancels every task that depends on it, directly or through others.

The functions take the tasks in package order and answer in that order. Every name in
``after`` must be a task of the same list; a repeated or unknown name is a ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from onething.cases.lifecycle import TASK_TERMINAL, TaskState


@dataclass(frozen=True, slots=True)
class TaskNode:
    """A task of a case: its item, the items it waits for, and its state."""

    item: str
    after: tuple[str, ...]
    state: TaskState
    held: bool = False  # held for a predecessor outside the case (see cases/holds.py)


def _by_item(nodes: Sequence[TaskNode]) -> dict[str, TaskNode]:
    index: dict[str, TaskNode] = {}
    for node in nodes:
        if node.item in index:
            raise ValueError(f"task '{node.item}' appears twice")
        index[node.item] = node
    for node in nodes:
        for predecessor in node.after:
            if predecessor not in index:
                raise ValueError(f"task '{node.item}' waits for '{predecessor}', not a task here")
    return index


def ready_to_release(nodes: Sequence[TaskNode]) -> list[str]:
    """The waiting tasks, not held, whose predecessors are all approved (at once for none)."""
    index = _by_item(nodes)
    return [
        node.item
        for node in nodes
        if node.state == TaskState.WAITING
        and not node.held
        and all(index[p].state == TaskState.APPROVED for p in node.after)
    ]


def dependants(nodes: Sequence[TaskNode], item: str) -> list[str]:
    """The tasks that depend on ``item``, directly or transitively, in package order."""
    index = _by_item(nodes)
    if item not in index:
        raise ValueError(f"'{item}' is not a task here")
    reached = {item}
    changed = True
    while changed:  # a fixed point: graphs are a package's few items
        changed = False
        for node in nodes:
            if node.item not in reached and any(p in reached for p in node.after):
                reached.add(node.item)
                changed = True
    return [node.item for node in nodes if node.item in reached and node.item != item]


def to_cancel(nodes: Sequence[TaskNode], rejected: str) -> list[str]:
    """The tasks not yet final that depend, even transitively, on ``rejected``, in order."""
    index = _by_item(nodes)
    return [item for item in dependants(nodes, rejected) if index[item].state not in TASK_TERMINAL]


def all_finished(nodes: Sequence[TaskNode]) -> bool:
    """Whether every task is final (approved, rejected or cancelled); true for none."""
    return all(node.state in TASK_TERMINAL for node in nodes)


def initial_states(nodes_after: Sequence[tuple[str, tuple[str, ...]]]) -> dict[str, TaskState]:
    """The states of a just-accepted case's tasks: workable without predecessors, else waiting.

    ``nodes_after`` is ``(item, after)`` in package order; the answer keeps that order.
    """
    nodes = [TaskNode(item, tuple(after), TaskState.WAITING) for item, after in nodes_after]
    _by_item(nodes)
    return {node.item: TaskState.WAITING if node.after else TaskState.WORKABLE for node in nodes}
