"""Use cases for catalogue versions: import a file as a version, read the current one."""

from __future__ import annotations

import gc
import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from django.db import IntegrityError, connection, transaction

from onething.catalog.entities import Answer, Catalog
from onething.catalog.guide import Guide, build_guide
from onething.catalog.loading import CatalogError, load_catalog_text
from onething.catalog.models import CatalogVersion
from onething.core.events import CatalogImported, publish


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    version: CatalogVersion
    created: bool  # False when the same document was already the current version
    warnings: tuple[str, ...] = ()


def import_catalog(data: bytes, imported_by: str, note: str = "") -> ImportOutcome:
    """Validate a catalogue document and store it as the next version.

    Raises CatalogError (with every problem) when it does not validate; nothing is
    stored then. Importing the document that is already current creates nothing.
    """
    result = load_catalog_text(data)
    if result.catalog is None:
        raise CatalogError(result.problems)
    warnings = tuple(str(w) for w in result.warnings)
    digest = hashlib.sha256(data).hexdigest()
    text = data.decode("utf-8-sig")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                latest = CatalogVersion.objects.select_for_update().order_by("-number").first()
                if latest is not None and latest.digest == digest:
                    return ImportOutcome(latest, False, warnings)
                version = CatalogVersion.objects.create(
                    number=(latest.number + 1) if latest else 1,
                    digest=digest,
                    source=text,
                    items_count=len(result.catalog.items),
                    packages_count=len(result.catalog.packages),
                    imported_by=imported_by,
                    note=note,
                )
            _remember(digest, result.catalog)
            publish(CatalogImported(version.pk, version.number, digest))  # search indexes it
            return ImportOutcome(version, True, warnings)
        except IntegrityError:  # another import took the same number: try the next one
            continue
    raise RuntimeError("could not allocate a catalogue version number")


@dataclass(frozen=True, slots=True)
class CurrentCatalog:
    pk: int
    number: int
    digest: str  # identifies the content: equal digests, equal catalogues
    catalog: Catalog


_cache_lock = threading.Lock()
_cache: dict[str, Catalog] = {}  # by digest, so a recreated database can never mix versions up


def _remember(digest: str, catalog: Catalog) -> None:
    with _cache_lock:
        _cache[digest] = catalog
        while len(_cache) > 4:  # keep the few latest
            del _cache[next(iter(_cache))]
    # A parsed catalogue is tens of thousands of objects that live as long as the process.
    # Left to the cyclic collector, every full collection walks them all again (a pause of
    # tens of milliseconds in some request); collect once now and set what is alive aside.
    # Reference counting still frees anything dropped later.
    gc.collect()
    gc.freeze()


def catalog_version(number: int) -> Catalog:
    """A stored version as a `Catalog` (parsed once per process)."""
    digest = CatalogVersion.objects.values_list("digest", flat=True).get(number=number)
    return _parsed(digest)


def _parsed(digest: str) -> Catalog:
    cached = _cache.get(digest)
    if cached is not None:
        return cached
    version = CatalogVersion.objects.filter(digest=digest).first()
    if version is None:
        raise CatalogVersion.DoesNotExist(digest)
    result = load_catalog_text(version.source)
    if result.catalog is None:  # stored versions were valid when imported
        raise CatalogError(result.problems)
    _remember(digest, result.catalog)
    return result.catalog


@lru_cache(maxsize=1)
def _latest_version_sql() -> str:
    table = connection.ops.quote_name(CatalogVersion._meta.db_table)
    number = connection.ops.quote_name("number")
    return f"SELECT id, digest, {number} FROM {table} ORDER BY {number} DESC LIMIT 1"


def current_catalog() -> CurrentCatalog | None:
    """The newest catalogue version, or None before the first import."""
    # Asked on every filing and page: one prepared statement, not the query compiler.
    with connection.cursor() as cursor:
        cursor.execute(_latest_version_sql())
        latest = cursor.fetchone()
    if latest is None:
        return None
    pk, digest, number = latest
    return CurrentCatalog(pk, number, digest, _parsed(digest))


@lru_cache(maxsize=1024)
def _guide(digest: str, package_id: str, answers: tuple) -> Guide:
    catalog = _parsed(digest)
    return build_guide(catalog, catalog.packages[package_id], dict(answers))


def guide_of(digest: str, package_id: str, answers: Mapping[str, Answer]) -> Guide:
    """The guide of a package of a stored version for typed answers. Versions never
    change, so guides are kept (a case's tasks and form are read from it again and again)."""
    return _guide(digest, package_id, tuple(sorted(answers.items())))


@lru_cache(maxsize=1)
def _digest_sql() -> str:
    table = connection.ops.quote_name(CatalogVersion._meta.db_table)
    return f"SELECT digest FROM {table} WHERE id = %s"


# A version's digest by its id, kept once read: a stored version never changes and its
# id is never given to another (sequences do not go back; SQLite's AUTOINCREMENT neither).
# Only a rolled-back insert (a test's) frees an id: every version is stored through
# `CatalogVersion.objects.create`, whose post_save (catalog/apps.py) empties this.
_DIGESTS: dict[int, str] = {}


def forget_digests(**_signal) -> None:
    """Empty the digests kept by version id (a version was stored or deleted)."""
    _DIGESTS.clear()


def _digest_of(version_id: int) -> str:
    """A version's digest by its id. Asked several times by every transition that
    reads the catalogue (a certificate, the materials, 秒批): from memory after the first
    time, else one fixed statement; CatalogVersion.DoesNotExist as `get` raises it."""
    digest = _DIGESTS.get(version_id)
    if digest is not None:
        return digest
    with connection.cursor() as cursor:
        cursor.execute(_digest_sql(), [version_id])
        found = cursor.fetchone()
    if found is None:
        raise CatalogVersion.DoesNotExist(f"catalogue version {version_id}")
    if len(_DIGESTS) > 256:
        _DIGESTS.clear()
    _DIGESTS[version_id] = found[0]
    return found[0]


def catalog_by_version_id(version_id: int) -> Catalog:
    """The catalogue of a version by its id (one small query for the digest)."""
    return _parsed(_digest_of(version_id))


def guide_for_version_id(version_id: int, package_id: str, answers: Mapping[str, Answer]) -> Guide:
    """The guide of a case's package under the version it was filed with."""
    return guide_of(_digest_of(version_id), package_id, answers)


def catalog_of(version: CatalogVersion) -> Catalog:
    """The catalogue of a version row already at hand (no query when it is cached)."""
    return _parsed(version.digest)
