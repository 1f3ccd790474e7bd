"""Longest paths over a dependency graph: the arithmetic under a plan's schedule.

Nodes are the integers ``0 .. n-1`` in input order; ``preds[i]`` lists the nodes node
``i`` waits on and ``days[i]`` is its duration in working days (>= 0). Nothing here knows
of dates, items or reviews (see ``planning``), so each function is a plain pass over lists:

- ``topological_order``: Kahn's algorithm, once; the nodes it cannot order lie on or
  after a cycle, and ``cycles`` names one cycle through each group of them;
- ``earliest``: the forward pass — a node starts when all its predecessors have finished
  (day 0 if it has none) and finishes ``days`` later;
- ``latest_finish``: the backward pass — the latest a node may finish without delaying
  the end; its slack (total float) is ``latest_finish - finish``;
- ``longest_path``: one longest path, ties broken by input order;
- ``standard_route``: the same nodes handled the standard way (see its docstring).
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Sequence


def successors(preds: Sequence[Sequence[int]]) -> list[list[int]]:
    succs: list[list[int]] = [[] for _ in preds]
    for node, before in enumerate(preds):
        for pred in before:
            succs[pred].append(node)
    return succs


def topological_order(
    preds: Sequence[Sequence[int]], succs: Sequence[Sequence[int]], by_index: bool = False
) -> list[int]:
    """The nodes, each after all its predecessors; shorter than ``preds`` on a cycle.

    ``by_index``: of the nodes ready at each step take the lowest index, so the order is
    the input order wherever the dependencies allow it (a heap; otherwise first come).
    """
    waiting = [len(before) for before in preds]
    ready = [node for node, count in enumerate(waiting) if count == 0]
    if not by_index:
        for node in ready:  # the list grows as nodes become ready
            for succ in succs[node]:
                waiting[succ] -= 1
                if waiting[succ] == 0:
                    ready.append(succ)
        return ready
    order: list[int] = []
    while ready:
        node = heapq.heappop(ready)
        order.append(node)
        for succ in succs[node]:
            waiting[succ] -= 1
            if waiting[succ] == 0:
                heapq.heappush(ready, succ)
    return order


def cycles(succs: Sequence[Sequence[int]], unordered: Sequence[int]) -> list[list[int]]:
    """One cycle through each strongly connected group of ``unordered`` nodes.

    Each cycle starts and ends at the group's first node in input order and is a shortest
    one through it (breadth first, successors in input order): ``[a, b, a]``, ``[a, a]``.
    """
    left = set(unordered)
    found: list[list[int]] = []
    covered: set[int] = set()
    for start in sorted(left):
        if start in covered:
            continue
        came_from: dict[int, int] = {}
        queue = deque([start])
        while queue:  # all the way: the group needs every node reachable from start
            node = queue.popleft()
            for succ in succs[node]:
                if succ in left and succ not in came_from:
                    came_from[succ] = node
                    queue.append(succ)
        if start not in came_from:
            continue  # downstream of a cycle, not on one
        path = [start]
        while len(path) == 1 or path[-1] != start:
            path.append(came_from[path[-1]])
        found.append(path[::-1])
        covered |= _group_of(start, succs, set(came_from))
    return found


def _group_of(start: int, succs: Sequence[Sequence[int]], forward: set[int]) -> set[int]:
    """Of the nodes ``forward`` reachable from ``start``, those that also reach it: its
    strongly connected group."""
    preds: dict[int, list[int]] = {}
    for node in forward:
        for succ in succs[node]:
            preds.setdefault(succ, []).append(node)
    group, stack = {start}, [start]
    while stack:
        for pred in preds.get(stack.pop(), ()):
            if pred in forward and pred not in group:
                group.add(pred)
                stack.append(pred)
    return group


def earliest(
    order: Sequence[int], preds: Sequence[Sequence[int]], days: Sequence[int]
) -> tuple[list[int], list[int]]:
    """The forward pass: each node's start and finish day (working days from day 0)."""
    start = [0] * len(preds)
    finish = [0] * len(preds)
    for node in order:
        begin = max((finish[pred] for pred in preds[node]), default=0)
        start[node] = begin
        finish[node] = begin + days[node]
    return start, finish


def latest_finish(
    order: Sequence[int], succs: Sequence[Sequence[int]], days: Sequence[int], end: int
) -> list[int]:
    """The backward pass: the latest day each node may finish without moving ``end``."""
    latest = [end] * len(succs)
    for node in reversed(order):
        for succ in succs[node]:
            latest[node] = min(latest[node], latest[succ] - days[succ])
    return latest


def longest_path(
    preds: Sequence[Sequence[int]], start: Sequence[int], finish: Sequence[int]
) -> list[int]:
    """One longest path, first node to last: it ends at the first node (in input order)
    that finishes last and walks back through the first predecessor that finishes exactly
    when its successor starts, to a node without predecessors."""
    if not finish:
        return []
    end = max(finish)
    node = finish.index(end)
    path = [node]
    while preds[node]:
        node = min(pred for pred in preds[node] if finish[pred] == start[node])
        path.append(node)
    return path[::-1]


def standard_route(
    preds: Sequence[Sequence[int]], days: Sequence[int], projects: Sequence[Sequence[str]]
) -> dict[str, int]:
    """Each project's finish day when the nodes are handled the standard way.

    ``projects[i]`` names the projects node ``i`` serves: one for an item, one or more
    for a joint review. The standard route is the same graph with two changes, each of
    which only adds waiting:

    1. nothing is shared: a node serving several projects becomes one copy per project,
       each with the node's full days and all of its predecessors. A node of project
       ``p`` that waited on a shared node waits on that node's copy for ``p`` (on every
       copy when ``p`` is not among the node's projects);
    2. nothing runs in parallel within a project: each project's nodes (copies included)
       run one after another, in the input order wherever the dependencies allow it.

    Every path of the plan is therefore a path of the standard route, with at least the
    same days, so the standard route never ends before the plan.
    """
    copies: list[list[int]] = []  # node → its copies, one per project
    owner: list[tuple[int, str]] = []  # copy → (node, project)
    for node, served in enumerate(projects):
        copies.append(list(range(len(owner), len(owner) + len(served))))
        owner.extend((node, project) for project in served)
    copy_preds: list[list[int]] = []
    for node, project in owner:
        before: list[int] = []
        for pred in preds[node]:
            served = projects[pred]
            if project in served:
                before.append(copies[pred][list(served).index(project)])
            else:
                before.extend(copies[pred])
        copy_preds.append(before)
    order = topological_order(copy_preds, successors(copy_preds), by_index=True)
    previous: dict[str, int] = {}
    for copy in order:  # the project's nodes one after another
        project = owner[copy][1]
        if project in previous:
            copy_preds[copy].append(previous[project])
        previous[project] = copy
    _, finish = earliest(order, copy_preds, [days[node] for node, _ in owner])
    return {project: finish[last] for project, last in previous.items()}
