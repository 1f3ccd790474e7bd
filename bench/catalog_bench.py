"""Catalogue benchmarks (issue 2).

- load + validate a generated catalogue of 3,000 items and 300 packages (YAML and JSON);
- the merged guide of a 40-item package (median of many runs);
- rendering that guide as a PDF.

Run: `make bench` (or `.venv/bin/python -m bench`). Figures are printed, not asserted.
`python -m bench.catalog_bench --load` times only the loading (no guide, no PDF).
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable

import yaml

from onething.catalog.guide import build_guide
from onething.catalog.loading import load_catalog_text, require_catalog

ITEMS = 3000
PACKAGES = 300
MATERIALS = 600
FIELDS = 300
DEPARTMENTS = 40
BIG_PACKAGE_ITEMS = 40


def generate_catalog(seed: int = 2026) -> dict:
    """A catalogue shaped like a province's: shared materials and fields, DAG packages."""
    rng = random.Random(seed)
    items = []
    for index in range(ITEMS):
        kind = "instant" if rng.random() < 0.3 else "promise"
        legal = rng.choice([3, 5, 10, 15, 20, 30, 45, 60])
        promised = 0 if kind == "instant" else rng.randint(1, legal)
        items.append(
            {
                "id": f"item_{index}",
                "name": f"第{index}号行政许可事项核发",
                "department": f"dept_{rng.randrange(DEPARTMENTS)}",
                "levels": rng.choice([["city"], ["county"], ["city", "county"]]),
                "kind": kind,
                "legal_days": legal,
                "promised_days": promised,
                "trips": rng.randint(0, 3),
                "fee": 0,
                "basis": [f"《某某管理条例》第{rng.randint(1, 80)}条"],
                "conditions": ["申请人具有相应的经营场所和设施"],
                "online": rng.random() < 0.4,
                "fields": [f"field_{f}" for f in rng.sample(range(FIELDS), rng.randint(3, 8))],
                "materials": [
                    {"material": f"material_{m}", "copies": rng.randint(1, 2)}
                    for m in rng.sample(range(MATERIALS), rng.randint(4, 10))
                ],
            }
        )
    packages = [_package(rng, f"package_{p}", rng.randint(4, 16)) for p in range(PACKAGES - 1)]
    packages.append(_package(rng, "big_package", BIG_PACKAGE_ITEMS))
    return {
        "version": 1,
        "jurisdictions": [
            {"code": "140000", "name": "山西省", "level": "province"},
            {"code": "141100", "name": "吕梁市", "level": "city", "parent": "140000"},
        ],
        "departments": [{"id": f"dept_{d}", "name": f"第{d}局"} for d in range(DEPARTMENTS)],
        "materials": [{"id": f"material_{m}", "name": f"申请材料{m}"} for m in range(MATERIALS)],
        "fields": [
            {"id": f"field_{f}", "label": f"数据项{f}", "type": "text"} for f in range(FIELDS)
        ],
        "items": items,
        "packages": packages,
    }


def _package(rng: random.Random, package_id: str, size: int) -> dict:
    chosen = rng.sample(range(ITEMS), size)
    questions = [{"id": f"q{q}", "text": f"问题{q}？", "type": "boolean"} for q in range(3)]
    entries = []
    for position, item in enumerate(chosen):
        earlier = chosen[:position]
        entry: dict = {"item": f"item_{item}"}
        if earlier:
            entry["after"] = [f"item_{e}" for e in rng.sample(earlier, min(len(earlier), 2))]
        if position and rng.random() < 0.3:
            entry["when"] = {rng.choice(questions)["id"]: True}
        entries.append(entry)
    name = f"我要办{package_id}"
    return {"id": package_id, "name": name, "questions": questions, "items": entries}


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def main(load_only: bool = False) -> None:
    document = generate_catalog()
    yaml_text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode()
    json_text = json.dumps(document, ensure_ascii=False).encode()
    print(f"generated catalogue: {ITEMS} items, {PACKAGES} packages")
    for label, data in (("YAML", yaml_text), ("JSON", json_text)):
        assert load_catalog_text(data).ok
        times = timed(lambda data=data: load_catalog_text(data), 5)
        print(
            f"load + validate {label} ({len(data) / 1e6:.1f} MB): "
            f"median {statistics.median(times) * 1000:.0f} ms, best {min(times) * 1000:.0f} ms"
        )

    if load_only:
        return

    catalog = require_catalog(load_catalog_text(json_text))
    package = catalog.packages["big_package"]
    answers = {"q0": True, "q1": False}
    times = timed(lambda: build_guide(catalog, package, answers), 2000)
    guide = build_guide(catalog, package, answers)
    print(
        f"guide of a {len(package.items)}-item package ({guide.stats.items} apply, "
        f"{guide.stats.materials_separate} -> {guide.stats.materials_merged} materials): "
        f"median {statistics.median(times) * 1e6:.0f} µs, "
        f"p99 {sorted(times)[int(len(times) * 0.99)] * 1e6:.0f} µs"
    )

    from onething.guides.rendering import render_guide_pdf

    render_guide_pdf(guide, "http://127.0.0.1:8000/guides/big_package")  # warm the fonts
    times = timed(lambda: render_guide_pdf(guide, "http://127.0.0.1:8000/guides/big_package"), 5)
    print(f"PDF guide of that package: median {statistics.median(times) * 1000:.0f} ms")


if __name__ == "__main__":
    import sys

    main(load_only="--load" in sys.argv[1:])
