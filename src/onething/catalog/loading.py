"""Reading and validating a catalogue file (spec §1–3).

`load_catalog_text` and `read_catalog_file` never raise on bad input: whatever the
bytes, they return a `LoadResult` with either a `Catalog` or the list of every
problem found, each naming its place in the file (`PATH: message`), e.g.
``packages[open_pharmacy].items[2].after[0]: unknown item 'foo'``.

The steps: the text is read as JSON or YAML (`yaml_reader`); the document's shape
is validated against its declaration (`schema`, pydantic), whose errors become
problems with paths (`schema_errors`); what a schema cannot say is checked by hand,
within entries (`entry_checks`) and across them (`references`); a document with no
problem becomes the frozen domain model (`building`, `entities`). Problems and
warnings are listed in the file's order of entries.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from onething.catalog.building import build_catalog
from onething.catalog.entities import Catalog
from onething.catalog.entry_checks import check_entries
from onething.catalog.instant_checks import check_items_online
from onething.catalog.problems import DOCUMENT, EntryPaths, Findings, Problem
from onething.catalog.references import check_references
from onething.catalog.schema import SECTIONS, CatalogDocument, read_document
from onething.catalog.schema_errors import shape_problems
from onething.catalog.yaml_reader import YamlReadError, read_yaml

__all__ = [
    "CatalogError",
    "LoadResult",
    "Problem",
    "load_catalog_text",
    "parse_document",
    "read_catalog_file",
    "require_catalog",
    "validate_document",
]

MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass(slots=True)
class LoadResult:
    catalog: Catalog | None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.catalog is not None and not self.problems


class CatalogError(Exception):
    """Raised by `require_catalog` when a catalogue does not validate."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --------------------------------------------------------------------------- entry points


def read_catalog_file(path: str | Path) -> LoadResult:
    """Read and validate a catalogue file; a missing or unreadable file is a problem too."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return _failed(f"file is {size} bytes; a catalogue may be at most {MAX_FILE_BYTES}")
        data = path.read_bytes()
    except FileNotFoundError:
        return _failed(f"no such file: {path}")
    except IsADirectoryError:
        return _failed(f"{path} is a directory, not a catalogue file")
    except OSError as exc:
        return _failed(f"cannot read {path}: {exc.strerror or exc}")
    return load_catalog_text(data)


def load_catalog_text(data: str | bytes) -> LoadResult:
    """Parse YAML or JSON text and validate it."""
    with _collection_paused():
        document, problems = parse_document(data)
        if problems:
            return LoadResult(None, problems)
        return validate_document(document)


def require_catalog(result: LoadResult) -> Catalog:
    if result.catalog is None:
        raise CatalogError(result.problems)
    return result.catalog


def parse_document(data: str | bytes) -> tuple[Any, list[Problem]]:
    """The document as Python data, or the reason it is not YAML/JSON."""
    if isinstance(data, bytes):
        if len(data) > MAX_FILE_BYTES:
            return None, [Problem(DOCUMENT, f"larger than {MAX_FILE_BYTES} bytes")]
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return None, [
                Problem(
                    DOCUMENT, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
                )
            ]
    else:
        text = data.removeprefix("\ufeff")
    if "\x00" in text:
        return None, [Problem(DOCUMENT, "contains NUL characters: not a text file")]
    if text.lstrip().startswith(("{", "[")):
        try:
            return json.loads(text), []
        except (ValueError, RecursionError):
            pass  # not JSON after all; YAML flow style may still read it
    try:
        return read_yaml(text), []
    except YamlReadError as exc:
        return None, [Problem(DOCUMENT, f"not valid YAML: {exc}")]
    except (RecursionError, MemoryError):
        return None, [Problem(DOCUMENT, "not valid YAML: too large or too deeply nested")]


def _failed(message: str) -> LoadResult:
    return LoadResult(None, [Problem(DOCUMENT, message)])


# --------------------------------------------------------------------------- validation


def validate_document(data: Any) -> LoadResult:
    """Validate parsed data against the catalogue format and build the `Catalog`."""
    with _collection_paused():
        return _validated(data)


def _validated(data: Any) -> LoadResult:
    document, errors = read_document(data)
    if document is None:  # not even a mapping of sections
        return LoadResult(None, shape_problems(errors, EntryPaths({})))
    paths = EntryPaths(_entry_ids(document))
    found = Findings(problems=shape_problems(errors, paths))
    check_entries(document, paths, found)
    check_items_online(document, paths, found)
    orders = check_references(document, paths, found)
    warnings = paths.in_file_order(found.warnings)
    if found.problems:
        return LoadResult(None, paths.in_file_order(found.problems), warnings)
    return LoadResult(build_catalog(document, orders), [], warnings)


def _entry_ids(document: CatalogDocument) -> dict[str, list[str | None]]:
    """The id of each entry of the top-level lists (None where it has none that is right)."""
    return {
        section: [
            None if entry is None else getattr(entry, id_key)
            for entry in getattr(document, section) or ()
        ]
        for section, id_key in SECTIONS.items()
    }


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: loading makes some 100,000 containers and no
    cycles, and collections triggered by them would cost a third of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
