"""Properties of the guide that hold for any package and any answers."""

import copy
import json

from hypothesis import HealthCheck, assume, given, settings, strategies as st

from onething.catalog.guide import build_guide
from onething.catalog.loading import validate_document

from .strategies import answers_for, catalog_documents

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def load(document):
    result = validate_document(document)
    assert result.ok, [str(p) for p in result.problems]
    return result.catalog


def reachable(edges: dict[str, list[str]], start: str) -> set[str]:
    """Every item `start` transitively waits for."""
    seen: set[str] = set()
    stack = list(edges.get(start, []))
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(edges.get(node, []))
    return seen


@FAST
@given(st.data())
def test_merged_counts_never_exceed_separate_ones(data):
    catalog = load(data.draw(catalog_documents()))
    package = catalog.packages["p"]
    stats = build_guide(catalog, package, data.draw(answers_for(package))).stats
    assert stats.materials_merged <= stats.materials_separate
    assert stats.fields_merged <= stats.fields_separate
    assert stats.departments <= stats.items


@FAST
@given(st.data())
def test_parallel_days_never_exceed_serial_days(data):
    catalog = load(data.draw(catalog_documents()))
    package = catalog.packages["p"]
    stats = build_guide(catalog, package, data.draw(answers_for(package))).stats
    assert 0 <= stats.days_parallel <= stats.days_serial


@FAST
@given(st.data())
def test_every_item_starts_when_its_predecessors_finish(data):
    catalog = load(data.draw(catalog_documents()))
    package = catalog.packages["p"]
    guide = build_guide(catalog, package, data.draw(answers_for(package)))
    finish = {gi.id: gi.finish_day for gi in guide.items}
    for guide_item in guide.items:
        assert set(guide_item.after) <= set(finish), "predecessors are included items"
        assert guide_item.start_day == max((finish[a] for a in guide_item.after), default=0)
        assert guide_item.finish_day == guide_item.start_day + guide_item.item.promised_days
    assert guide.stats.days_parallel == max(finish.values(), default=0)
    json.dumps(guide.as_dict(), ensure_ascii=False)


@FAST
@given(st.data())
def test_adding_a_dependency_never_shortens_the_parallel_time(data):
    document = data.draw(catalog_documents())
    catalog = load(document)
    package = catalog.packages["p"]
    answers = data.draw(answers_for(package))
    before = build_guide(catalog, package, answers).stats.days_parallel

    entries = document["packages"][0]["items"]
    edges = {e["item"]: list(e["after"]) for e in entries}
    ids = list(edges)
    later = data.draw(st.sampled_from(ids))
    earlier = data.draw(st.sampled_from(ids))
    # Only an edge that keeps the graph acyclic: `earlier` must not already wait for `later`.
    assume(
        earlier != later and later not in reachable(edges, earlier) and earlier not in edges[later]
    )
    changed = copy.deepcopy(document)
    for entry in changed["packages"][0]["items"]:
        if entry["item"] == later:
            entry["after"].append(earlier)
    changed_catalog = load(changed)
    after = build_guide(changed_catalog, changed_catalog.packages["p"], answers).stats.days_parallel
    assert after >= before


@FAST
@given(st.data())
def test_answers_only_ever_remove_items(data):
    catalog = load(data.draw(catalog_documents()))
    package = catalog.packages["p"]
    everything = build_guide(catalog, package, {}, every_case=True)
    guide = build_guide(catalog, package, data.draw(answers_for(package)))
    all_items = [gi.id for gi in everything.items]
    items = [gi.id for gi in guide.items]
    assert items == [i for i in all_items if i in items], "a subsequence, in package order"
    assert {m.id for m in guide.materials} <= {m.id for m in everything.materials}
    assert {f.id for f in guide.fields} <= {f.id for f in everything.fields}
    for key in (
        "materials_separate",
        "materials_merged",
        "days_serial",
        "days_parallel",
        "trips_separate",
    ):
        assert getattr(guide.stats, key) <= getattr(everything.stats, key), key


@FAST
@given(st.data())
def test_contraction_keeps_exactly_the_original_order_between_included_items(data):
    document = data.draw(catalog_documents())
    catalog = load(document)
    package = catalog.packages["p"]
    guide = build_guide(catalog, package, data.draw(answers_for(package)))
    original = {e["item"]: e["after"] for e in document["packages"][0]["items"]}
    contracted = {gi.id: list(gi.after) for gi in guide.items}
    for item in contracted:
        waits_for = reachable(original, item) & set(contracted)
        assert reachable(contracted, item) == waits_for
