"""Search benchmark (issue 19): `python -m bench.search`.

1. Quality on the project's labelled set (bench/search_queries.yaml, written by hand):
   top-1 and top-3 accuracy over the demo catalogue, by kind of query (name, sentence,
   pinyin, initials, traditional, typo, keyword, item, nothing), and every miss listed.
2. Speed: query latency (p50, p99) on the demo catalogue and on a generated catalogue of
   3,000 items and 300 packages with realistic names; the index build (jieba's dictionary
   loaded before, and cold in a fresh process), storing it (pickle) and loading it.

Figures are printed, never asserted (bench/README.md keeps the measured ones).
"""

from __future__ import annotations

import json
import pickle
import random
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from onething.catalog import DEMO_CATALOG
from onething.catalog.entities import Catalog
from onething.catalog.loading import load_catalog_text, require_catalog
from onething.catalog.yaml_reader import read_yaml
from onething.search.engine import SearchIndex, build_index, core_name
from onething.search.rules import Synonyms, parse_synonyms

QUERIES = Path(__file__).with_name("search_queries.yaml")
SYNONYMS = DEMO_CATALOG.parent / "synonyms.yaml"
LIMIT = 10

TRADES = [
    "药店",
    "餐馆",
    "超市",
    "诊所",
    "幼儿园",
    "养老院",
    "加油站",
    "宾馆",
    "网吧",
    "美容院",
    "书店",
    "健身房",
    "印刷厂",
    "旅行社",
    "驾校",
    "物流公司",
    "建筑公司",
    "化工厂",
    "农场",
    "面包房",
    "洗车店",
    "KTV",
    "电影院",
    "游泳馆",
    "培训学校",
    "眼镜店",
    "花店",
    "宠物店",
    "家政公司",
    "典当行",
]
OBJECTS = ["经营", "卫生", "消防", "环保", "安全", "排水", "招牌", "特种设备", "从业人员", "场所"]
ACTIONS = [
    "许可证核发",
    "备案",
    "登记",
    "审批",
    "变更",
    "注销",
    "延续",
    "年度报告",
    "核准",
    "证明开具",
]
VERBS = ["开", "变更", "注销", "迁移", "扩建", "转让", "延续", "年检", "停业", "复业"]


def synonyms() -> Synonyms:
    return parse_synonyms(read_yaml(SYNONYMS.read_text(encoding="utf-8")))[0]


def demo_catalog() -> Catalog:
    return require_catalog(load_catalog_text(DEMO_CATALOG.read_bytes()))


def generated_catalog(seed: int = 19) -> dict:
    """3,000 items named as provinces name theirs ({行业}{对象}{事项}) in 300 packages
    ({动作}{行业}), each with keywords, over 30 trades."""
    rng = random.Random(seed)
    items = [
        {
            "id": f"i{t}_{o}_{a}",
            "name": f"{trade}{thing}{action}",
            "department": f"d{o}",
            "levels": ["county"],
            "kind": "promise",
            "legal_days": 20,
            "promised_days": rng.randint(1, 20),
            "trips": 1,
        }
        for t, trade in enumerate(TRADES)
        for o, thing in enumerate(OBJECTS)
        for a, action in enumerate(ACTIONS)
    ]
    packages = []
    for t, trade in enumerate(TRADES):
        own = [i["id"] for i in items if i["id"].startswith(f"i{t}_")]
        for v, verb in enumerate(VERBS):
            chosen = rng.sample(own, 8) + rng.sample([i["id"] for i in items], 2)
            packages.append(
                {
                    "id": f"p{t}_{v}",
                    "name": f"我要{verb}{trade}",
                    "keywords": [f"{verb}{trade}", f"{trade}{verb}"],
                    "items": list(dict.fromkeys(chosen)),
                }
            )
    return {
        "version": 1,
        "departments": [
            {"id": f"d{o}", "name": f"{thing}管理局"} for o, thing in enumerate(OBJECTS)
        ],
        "items": items,
        "packages": packages,
    }


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def latency(index: SearchIndex, queries: list[str], rounds: int) -> tuple[float, float, float]:
    """p50, p99 and the slowest, in milliseconds, over `rounds` passes of the queries."""
    for query in queries:  # warm: jieba's caches, numpy
        index.search(query, LIMIT)
    samples = []
    for _ in range(rounds):
        for query in queries:
            started = time.perf_counter()
            index.search(query, LIMIT)
            samples.append((time.perf_counter() - started) * 1000)
    return percentile(samples, 0.5), percentile(samples, 0.99), max(samples)


def quality(index: SearchIndex) -> list[str]:
    entries = read_yaml(QUERIES.read_text(encoding="utf-8"))["queries"]
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    misses = []
    for entry in entries:
        expect = entry["expect"]
        _understood, hits = index.search(str(entry["q"]), LIMIT)
        ids = [hit.id for hit in hits]
        if expect:
            first, three = bool(ids) and ids[0] in expect, any(i in expect for i in ids[:3])
        else:
            first = three = not ids
        counts = by_kind[entry["kind"]]
        counts[0] += 1
        counts[1] += first
        counts[2] += three
        if not first:
            misses.append(
                f"  {entry['kind']:11} {entry['q']!s:24} expected {expect}, got {ids[:3]}"
            )
    total = [sum(c[i] for c in by_kind.values()) for i in range(3)]
    print(f"labelled set: {total[0]} queries ({QUERIES.name}), demo catalogue")
    print(f"  top-1 {100 * total[1] / total[0]:.1f} %   top-3 {100 * total[2] / total[0]:.1f} %")
    for kind, (n, first, three) in sorted(by_kind.items()):
        print(f"  {kind:11} {n:3}  top-1 {100 * first / n:5.1f} %  top-3 {100 * three / n:5.1f} %")
    return [str(e["q"]) for e in entries] + misses


def generated_queries(catalog: Catalog) -> list[str]:
    """Queries over the generated catalogue: package names as typed and in pinyin, item
    names, a sentence, initials and nonsense."""
    from pypinyin import lazy_pinyin

    rng = random.Random(7)
    packages = rng.sample(list(catalog.packages.values()), 60)
    items = rng.sample(list(catalog.items.values()), 60)
    queries = []
    for package in packages:
        queries += [core_name(package.name), "".join(lazy_pinyin(core_name(package.name)))]
    return queries + [item.name for item in items] + ["想开个药店", "kyd", "asdfgh"]


def scale() -> None:
    document = json.dumps(generated_catalog(), ensure_ascii=False).encode()
    catalog = require_catalog(load_catalog_text(document))
    words = synonyms()
    build_index(demo_catalog(), words)  # jieba's dictionary loaded once, as in a server
    started = time.perf_counter()
    index = build_index(catalog, words)
    built = time.perf_counter() - started
    started = time.perf_counter()
    stored = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
    dumped = time.perf_counter() - started
    started = time.perf_counter()
    loaded = pickle.loads(stored)
    loaded.prepare()
    load_time = time.perf_counter() - started
    print(
        f"generated catalogue: {len(catalog.items)} items, {len(catalog.packages)} packages "
        f"({len(index.entries)} entries)"
    )
    print(f"  index build {built:.2f} s (jieba loaded); stored {len(stored) / 1e6:.1f} MB, "
          f"pickled in {dumped * 1000:.0f} ms, loaded in {load_time * 1000:.0f} ms")  # fmt: skip
    queries = generated_queries(catalog)
    right = sum(
        1
        for package in catalog.packages.values()
        if (hits := index.search(core_name(package.name), 1)[1]) and hits[0].id == package.id
    )
    print(f"  a package's name finds it first: {right}/{len(catalog.packages)}")
    p50, p99, worst = latency(loaded, queries, rounds=20)
    print(f"  query latency over {len(queries) * 20} searches: p50 {p50:.2f} ms, "
          f"p99 {p99:.2f} ms, max {worst:.2f} ms")  # fmt: skip


def cold_build() -> None:
    """In a fresh process, as `onething catalog import` runs: loading jieba's dictionary and
    pypinyin's tables (once a process), then the build."""
    code = (
        "import time, json;"
        "from bench.search import generated_catalog, synonyms;"
        "from onething.catalog.loading import load_catalog_text, require_catalog;"
        "from onething.search.engine import build_index;"
        "from onething.search.reading import warm_up;"
        "c=require_catalog(load_catalog_text(json.dumps(generated_catalog()).encode()));"
        "w=synonyms(); s=time.perf_counter(); warm_up(); t=time.perf_counter();"
        "build_index(c, w); e=time.perf_counter();"
        "print(f'  in a fresh process: libraries loaded in {t-s:.2f} s, '"
        "f'then the build {e-t:.2f} s')"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def http() -> None:
    """Through Django on a fresh SQLite database: import the generated catalogue as a
    version (its index built and stored by the CatalogImported handler), then GET
    /api/v1/search and the home page's search in one process, as a worker answers them."""
    import os
    import tempfile

    os.environ["ONETHING_DATA_DIR"] = tempfile.mkdtemp(prefix="onething-bench-search-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "onething.web.settings"
    os.environ["ONETHING_LOG_LEVEL"] = "WARNING"
    os.environ.pop("ONETHING_DATABASE_URL", None)
    import django

    django.setup()
    import logging

    from django.core.management import call_command
    from django.test import Client

    logging.getLogger("bm25s").setLevel(logging.WARNING)

    from onething.catalog.services import import_catalog
    from onething.search import services
    from onething.search.models import StoredIndex

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    build_index(demo_catalog(), synonyms())  # jieba's dictionary, as a running server has it
    document = json.dumps(generated_catalog(), ensure_ascii=False).encode()
    started = time.perf_counter()
    import_catalog(document, imported_by="bench")
    imported = time.perf_counter() - started
    stored = StoredIndex.objects.get()
    print(f"through Django (SQLite): import of the generated catalogue {imported:.2f} s, "
          f"of which the index {stored.seconds:.2f} s to build (and storing it)")  # fmt: skip
    services._indexes.clear()  # another worker: loads the stored index
    started = time.perf_counter()
    services.current_index()
    print(f"  a worker's first search loads it in {1000 * (time.perf_counter() - started):.0f} ms")
    client = Client(HTTP_HOST="localhost")
    queries = generated_queries(services.current_catalog().catalog)
    for path, key in (("/api/v1/search", "q"), ("/", "q")):
        samples = []
        for _ in range(5):
            for query in queries:
                begun = time.perf_counter()
                response = client.get(path, {key: query})
                samples.append((time.perf_counter() - begun) * 1000)
                assert response.status_code == 200
        print(f"  GET {path}?q=…: {len(samples)} requests, p50 {percentile(samples, 0.5):.1f} ms, "
              f"p99 {percentile(samples, 0.99):.1f} ms")  # fmt: skip


def main() -> None:
    if "--http" in sys.argv:
        http()
        return
    started = time.perf_counter()
    index = build_index(demo_catalog(), synonyms())
    print(f"demo catalogue index: {len(index.entries)} entries in "
          f"{time.perf_counter() - started:.2f} s (jieba's dictionary loaded first)")  # fmt: skip
    listed = quality(index)
    queries = [q for q in listed if not q.startswith("  ")]
    misses = [q for q in listed if q.startswith("  ")]
    if misses:
        print("  misses at top-1:")
        print("\n".join(misses))
    p50, p99, worst = latency(index, queries, rounds=20)
    print(f"  query latency over {len(queries) * 20} searches: p50 {p50:.2f} ms, "
          f"p99 {p99:.2f} ms, max {worst:.2f} ms")  # fmt: skip
    print()
    scale()
    cold_build()
    print()
    subprocess.run([sys.executable, "-m", "bench.search", "--http"], check=True)


if __name__ == "__main__":
    main()
