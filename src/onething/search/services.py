"""Search use cases: the index of the current catalogue version (built at import, stored,
loaded once per process), a search, and the ways on when nothing is found.

The index's key is the catalogue's digest with the synonym lists' digest: a new version,
or an edited synonym list, gets its own index; a request only ever loads a stored one
(or, for a version imported before this app existed, builds it once and stores it).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import DatabaseError, IntegrityError, transaction

from onething.catalog import DEMO_CATALOG
from onething.catalog.entities import Catalog
from onething.catalog.services import catalog_by_version_id, current_catalog
from onething.catalog.yaml_reader import YamlReadError, read_yaml
from onething.core.events import CatalogImported
from onething.search.engine import Hit, SearchIndex, Understood, build_index
from onething.search.models import StoredIndex
from onething.search.reading import warm_up
from onething.search.rules import Synonyms, parse_synonyms

log = logging.getLogger(__name__)

FORMAT = 3  # bump when SearchIndex changes shape: stored indexes of older shapes are rebuilt
SHIPPED_SYNONYMS = DEMO_CATALOG.parent / "synonyms.yaml"
DEFAULT_LIMIT, MAX_LIMIT = 10, 50


@dataclass(frozen=True, slots=True)
class SearchAnswer:
    query: str  # as asked (trimmed to what is read)
    results: list[Hit]
    understood: Understood | None = None
    catalog_ready: bool = True


# --------------------------------------------------------------------------- synonyms


def synonym_files() -> list[Path]:
    """The shipped list beside the demo catalogue, then the editors' own
    (ONETHING_SEARCH_SYNONYMS: a YAML file of the same form) that extends it."""
    files = [SHIPPED_SYNONYMS]
    extra = os.environ.get("ONETHING_SEARCH_SYNONYMS", "").strip()
    if extra:
        files.append(Path(extra))
    return files


_synonyms_lock = threading.Lock()
_synonyms: dict[tuple, tuple[Synonyms, str, list[str]]] = {}


def load_synonyms() -> tuple[Synonyms, str, list[str]]:
    """The merged synonym table, its digest and the problems found (read again only when a
    file changes)."""
    files = synonym_files()
    stamp = tuple((str(f), _mtime(f)) for f in files)
    cached = _synonyms.get(stamp)
    if cached is not None:
        return cached
    table: dict[str, tuple[str, ...]] = {}
    problems: list[str] = []
    digest = hashlib.sha256()
    for path in files:
        try:
            text = path.read_text(encoding="utf-8-sig")
            parsed, found = parse_synonyms(read_yaml(text))
        except (OSError, UnicodeDecodeError, YamlReadError) as exc:
            problems.append(f"{path}: 无法读取同义词文件（{exc}）")
            continue
        digest.update(text.encode())
        problems += [f"{path}: {problem}" for problem in found]
        for phrase, words in parsed.table.items():
            table[phrase] = tuple(dict.fromkeys(table.get(phrase, ()) + words))
    for problem in problems:  # the editors' file is read on, without what cannot be used
        log.warning("synonyms: %s", problem)
    loaded = (Synonyms(table), digest.hexdigest(), problems)
    with _synonyms_lock:
        _synonyms.clear()
        _synonyms[stamp] = loaded
    return loaded


def _mtime(path: Path) -> tuple[int, int]:
    """When the file last changed, and its size (a change within the clock's tick too)."""
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    return (stat.st_mtime_ns, stat.st_size)


# --------------------------------------------------------------------------- the index

_index_lock = threading.Lock()
_indexes: dict[str, SearchIndex] = {}


def index_key(catalog_digest: str, synonyms_digest: str) -> str:
    text = f"{FORMAT}\n{catalog_digest}\n{synonyms_digest}"
    return hashlib.sha256(text.encode()).hexdigest()


def index_for(catalog_digest: str, catalog: Catalog) -> SearchIndex:
    """The index of a catalogue version: this process's copy, else the stored one, else
    built now (and stored for every other process)."""
    synonyms, synonyms_digest, _problems = load_synonyms()
    key = index_key(catalog_digest, synonyms_digest)
    index = _indexes.get(key)
    if index is not None:
        return index
    with _index_lock:
        index = _indexes.get(key)
        if index is None:
            index = _stored(key) or _build_and_store(key, catalog_digest, catalog, synonyms)
            index.prepare()
            _keep(_indexes, key, index)
    return index


def _stored(key: str) -> SearchIndex | None:
    data = StoredIndex.objects.filter(key=key).values_list("data", flat=True).first()
    if data is None:
        return None
    try:
        index = pickle.loads(bytes(data))
    except Exception:  # a shape this code no longer reads: built again
        log.warning("search index %s unreadable; building it again", key[:12])
        return None
    return index if isinstance(index, SearchIndex) else None


_pickled: dict[str, bytes] = {}  # the same version imported again (tests) is not pickled again
KEPT = 3  # indexes a process keeps: the current version, and one or two just imported


def _keep(kept: dict, key: str, value) -> None:
    """Remember `value` as the newest; the oldest beyond KEPT are dropped."""
    kept.pop(key, None)
    kept[key] = value
    while len(kept) > KEPT:
        del kept[next(iter(kept))]


def _build_and_store(
    key: str, catalog_digest: str, catalog: Catalog, synonyms: Synonyms
) -> SearchIndex:
    warm_up()  # the libraries' tables, loaded once a process, are not the build
    started = time.perf_counter()
    index = build_index(catalog, synonyms)
    seconds = time.perf_counter() - started
    log.info("search index: %d entries built in %.2f s", len(index.entries), seconds)
    _save(key, catalog_digest, index, seconds)
    return index


def _save(key: str, catalog_digest: str, index: SearchIndex, seconds: float) -> None:
    """Store the index once per key (the same catalogue imported again stores nothing)."""
    if StoredIndex.objects.filter(key=key).exists():
        return
    data = _pickled.get(key) or pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
    _keep(_pickled, key, data)
    try:
        with transaction.atomic():
            StoredIndex.objects.create(
                key=key,
                catalog_digest=catalog_digest,
                entries=len(index.entries),
                seconds=round(seconds, 3),
                data=data,
            )
    except IntegrityError:  # another process stored the same index meanwhile
        pass
    except DatabaseError:  # kept in this process all the same; the next one tries again
        log.warning("search index %s not stored", key[:12], exc_info=True)


def index_imported_catalog(event: CatalogImported) -> None:
    """On CatalogImported: build the new version's index and store it. A failure is logged
    and never undoes the import (the first search builds it then)."""
    try:
        synonyms, synonyms_digest, _problems = load_synonyms()
        key = index_key(event.digest, synonyms_digest)
        with _index_lock:
            index = _indexes.get(key)
            if index is not None:  # built in this process before (the same catalogue again)
                _save(key, event.digest, index, 0.0)
                return
            catalog = catalog_by_version_id(event.version_id)
            index = _build_and_store(key, event.digest, catalog, synonyms)
            index.prepare()
            _keep(_indexes, key, index)
    except Exception:
        log.exception("search index for catalogue version %s not built", event.number)


def current_index() -> SearchIndex | None:
    current = current_catalog()
    if current is None:
        return None
    return index_for(current.digest, current.catalog)


# --------------------------------------------------------------------------- searching


def search(query: str, limit: int = DEFAULT_LIMIT) -> SearchAnswer:
    """The packages and items that match, best first; never an error for any text."""
    shown = " ".join(str(query or "").split())[:100]
    limit = max(1, min(int(limit), MAX_LIMIT))
    index = current_index()
    if index is None:
        return SearchAnswer(shown, [], None, catalog_ready=False)
    understood, hits = index.search(shown, limit)
    return SearchAnswer(shown, hits, understood)


def closest_packages(answer: SearchAnswer, count: int = 4) -> list[tuple[str, str]]:
    """When nothing is found: the packages to suggest instead (id, name) — those the
    loosest reading of the query touches, else the most asked-for ones of the catalogue."""
    current = current_catalog()
    if current is None:
        return []
    packages = current.catalog.packages
    index = current_index()
    chosen: list[str] = []
    if index is not None and answer.query:
        chosen = [p for p in index.loose_packages(answer.query) if p in packages]
    for package_id in packages:
        if len(chosen) >= count:
            break
        if package_id not in chosen:
            chosen.append(package_id)
    return [(p, packages[p].name) for p in chosen[:count]]


@dataclass(frozen=True, slots=True)
class Hall:
    name: str
    address: str
    phone: str


def halls() -> list[Hall]:
    """The halls with their address and phone (the ways on: call, or go and be helped at
    the 帮办代办 window)."""
    from onething.hall.models import Hall as HallRow

    rows = HallRow.objects.order_by("code").values_list("name", "address", "phone")
    return [Hall(name, address, phone) for name, address, phone in rows]


def packages_of_items(item_ids: list[str]) -> dict[str, list[tuple[str, str]]]:
    """Each item's packages (id, name): where an item found is done."""
    current = current_catalog()
    if current is None or not item_ids:
        return {}
    wanted = set(item_ids)
    found: dict[str, list[tuple[str, str]]] = {}
    for package in current.catalog.packages.values():
        for package_item in package.items:
            if package_item.item in wanted:
                found.setdefault(package_item.item, []).append((package.id, package.name))
    return found


def places() -> dict[str, str]:
    """Where a question may be about (the complaints loop's places)."""
    from onething.evaluation.complaint_services import places as complaint_places

    return complaint_places()
