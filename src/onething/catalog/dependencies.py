"""A package's dependency graph (`after`): an order to do its items in, and its cycles.

Spec §3 asks for cycles as ``dependency cycle a -> b -> a``; the guide (§4) needs an
order in which every item follows its predecessors, stable in package order.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence


def dependency_order(
    items: Sequence[tuple[str, Sequence[str]]],
) -> tuple[tuple[int, ...], list[list[str]]]:
    """A topological order of the items (each an id and the ids it comes after; ids of
    other packages are ignored), stable in package order, and the graph's cycles."""
    index_of = {item: i for i, (item, _) in enumerate(items)}
    predecessors = [[index_of[a] for a in after if a in index_of] for _, after in items]
    successors: list[list[int]] = [[] for _ in items]
    for node, preds in enumerate(predecessors):
        for pred in preds:
            successors[pred].append(node)
    waiting = [len(preds) for preds in predecessors]
    ready = [node for node, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        node = heapq.heappop(ready)
        order.append(node)
        for successor in successors[node]:
            waiting[successor] -= 1
            if waiting[successor] == 0:
                heapq.heappush(ready, successor)
    if len(order) == len(items):
        return tuple(order), []
    cycles = []
    for group in _strongly_connected(predecessors, successors):
        start = min(group)
        if len(group) > 1 or start in predecessors[start]:
            walk = _shortest_cycle(start, predecessors, group)
            cycles.append([items[node][0] for node in walk])
    return tuple(order), cycles


def _strongly_connected(
    predecessors: list[list[int]], successors: list[list[int]]
) -> list[set[int]]:
    """Kosaraju: groups of items that all (transitively) wait on each other, in package order."""
    finished: list[int] = []
    visited: set[int] = set()
    for root in range(len(predecessors)):
        if root in visited:
            continue
        visited.add(root)
        stack = [(root, iter(predecessors[root]))]
        while stack:
            node, pending = stack[-1]
            step = next(pending, None)
            if step is None:
                stack.pop()
                finished.append(node)
            elif step not in visited:
                visited.add(step)
                stack.append((step, iter(predecessors[step])))
    groups: list[set[int]] = []
    assigned: set[int] = set()
    for root in reversed(finished):
        if root in assigned:
            continue
        group = {root}
        assigned.add(root)
        to_visit = [root]
        while to_visit:
            node = to_visit.pop()
            for successor in successors[node]:
                if successor not in assigned:
                    assigned.add(successor)
                    group.add(successor)
                    to_visit.append(successor)
        groups.append(group)
    return sorted(groups, key=min)


def _shortest_cycle(start: int, predecessors: list[list[int]], group: set[int]) -> list[int]:
    """start -> ... -> start along `after` edges, staying inside its group."""
    reached_from: dict[int, int] = {}
    frontier = [start]
    while frontier:
        next_frontier = []
        for node in frontier:
            for pred in predecessors[node]:
                if pred == start:
                    walk = [node]
                    while walk[-1] != start:
                        walk.append(reached_from[walk[-1]])
                    return [start, *reversed(walk[:-1]), start] if node != start else [start, start]
                if pred in group and pred not in reached_from:
                    reached_from[pred] = node
                    next_frontier.append(pred)
        frontier = next_frontier
    return [start, start]
