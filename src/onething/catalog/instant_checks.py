"""`catalog check` of the items' 秒批 rules (`instant`) and 网办深度 (`online_depth`):
unknown fields and operators, comparisons on fields that are not numbers, a rule on a
field the item's form does not ask, and a depth that contradicts the item's trips."""

from __future__ import annotations

from onething.catalog.instant import depth_problem, parse_rules
from onething.catalog.problems import EntryPaths, Findings
from onething.catalog.schema import CatalogDocument


def check_items_online(document: CatalogDocument, paths: EntryPaths, found: Findings) -> None:
    field_types = {f.id: f.type for _, f in document.entries("fields") if f.type is not None}
    for index, item in document.entries("items"):
        path = paths.of("items", index)
        if item.online_depth is not None and item.trips is not None:
            problem = depth_problem(item.online_depth, item.trips, bool(item.online))
            if problem:
                found.problem(f"{path}.online_depth", problem)
        if item.instant is None:
            continue
        _, problems = parse_rules(item.instant, field_types)
        for subpath, message in problems:
            found.problem(f"{path}.instant{subpath}", message)
        when = item.instant.get("when") if isinstance(item.instant, dict) else None
        for field_id in when if isinstance(when, dict) else ():
            if field_id in field_types and field_id not in (item.fields or ()):
                found.problem(
                    f"{path}.instant.when.{field_id}",
                    f"field '{field_id}' is not on this item's form (add it to `fields`)",
                )
