"""Checking a catalogue again after one entry changed: 事项编制 checks on every save.

The checks are those of `loading.validate_document` (what `onething catalog check`
runs): the shape of each entry (`schema`), the rules within entries (`entry_checks`,
`instant_checks`) and across them (`references`). Reading the shape of every entry is
most of the cost of a check (≈ 0.17 s of ≈ 0.25 s for 3,000 items), and an edit changes
one entry: a `DocumentChecker` keeps each entry read once, reads again only the entry
that changed (and its own rules, `entry_checks`), and runs the checks across entries on
the whole. The problems and
warnings are the ones `validate_document` reports for the same document
(tests/unit/catalog/test_rechecking.py holds it to that).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from onething.catalog.entry_checks import check_entry
from onething.catalog.instant_checks import check_items_online
from onething.catalog.problems import EntryPaths, Findings, Problem
from onething.catalog.references import check_references
from onething.catalog.schema import SALVAGE, SECTIONS, CatalogDocument, Entry, entry_model
from onething.catalog.schema_errors import shape_problems


def _entry_models() -> dict[str, type[Entry]]:
    models = {}
    for section in SECTIONS:
        model = entry_model(CatalogDocument.model_fields[section].annotation)
        assert model is not None
        models[section] = model
    return models


_MODELS = _entry_models()


@dataclass(slots=True)
class ReadEntry:
    """An entry's data as the file would write it, read by its model once."""

    data: Any
    entry: Entry | None  # None: not even a mapping (reported by `errors`)
    errors: list[ErrorDetails] = field(default_factory=list)  # places relative to the entry
    checked_at: str | None = None  # the path its own rules were checked at
    own: Findings = field(default_factory=Findings)  # what its own rules found there

    def checked(self, path: str) -> Findings:
        """The findings of the rules within the entry (entry_checks), kept per path."""
        if self.checked_at != path:
            self.own = Findings()
            if self.entry is not None:
                check_entry(self.entry, path, self.own)
            self.checked_at = path
        return self.own


def read_entry(section: str, data: Any) -> ReadEntry:
    """One entry of a top-level list read as the whole document's reading reads it."""
    model = _MODELS[section]
    try:
        return ReadEntry(data, model.model_validate(data))
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    return ReadEntry(data, model.model_validate(data, context=SALVAGE), errors)


@dataclass(slots=True)
class CheckOutcome:
    problems: list[Problem]
    warnings: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


class DocumentChecker:
    """A catalogue document held as entries read once; `put` and `remove` change one."""

    def __init__(self, document: Mapping[str, Any]):
        rest = {key: value for key, value in document.items() if key not in SECTIONS}
        self._rest = rest
        read, self._rest_errors = _read_rest(rest)
        self._rest_document = read
        self._outcome: CheckOutcome | None = None  # the last check, until a change
        self._entries: dict[str, list[ReadEntry]] = {
            section: [read_entry(section, data) for data in document.get(section) or ()]
            for section in SECTIONS
        }

    # -- reading

    def document(self) -> dict[str, Any]:
        """The document as data (what a file would hold), sections in the usual order."""
        document = dict(self._rest)
        for section, entries in self._entries.items():
            if entries:
                document[section] = [entry.data for entry in entries]
        return document

    def position(self, section: str, key: str) -> int | None:
        id_key = SECTIONS[section]
        for index, read in enumerate(self._entries[section]):
            if isinstance(read.data, Mapping) and read.data.get(id_key) == key:
                return index
        return None

    def data(self, section: str, key: str) -> Any:
        index = self.position(section, key)
        return None if index is None else self._entries[section][index].data

    # -- changing

    def put(self, section: str, key: str, data: Any) -> Any:
        """Put an entry in place of the one with `key` (or last, if new); return the old."""
        index = self.position(section, key)
        read = read_entry(section, data)
        entries = self._entries[section]
        self._outcome = None
        if index is None:
            entries.append(read)
            return None
        old, entries[index] = entries[index].data, read
        return old

    def remove(self, section: str, key: str) -> Any:
        index = self.position(section, key)
        if index is None:
            return None
        self._outcome = None
        return self._entries[section].pop(index).data

    # -- checking

    def check(self) -> CheckOutcome:
        """Every problem and warning of the document, as `validate_document` finds them
        (kept until the next change)."""
        if self._outcome is None:
            self._outcome = self._checked()
        return self._outcome

    def _checked(self) -> CheckOutcome:
        ids = {
            section: [
                None if read.entry is None else getattr(read.entry, SECTIONS[section])
                for read in entries
            ]
            for section, entries in self._entries.items()
        }
        paths = EntryPaths(ids)
        errors = list(self._rest_errors)
        for section, entries in self._entries.items():
            for index, read in enumerate(entries):
                for error in read.errors:
                    errors.append({**error, "loc": (section, index, *error["loc"])})
        document = self._rest_document.model_copy(
            update={
                section: tuple(read.entry for read in entries)
                for section, entries in self._entries.items()
            }
        )
        found = Findings(problems=shape_problems(errors, paths))
        for key in document.model_extra or ():  # as check_entries, each entry's kept
            found.warning(key, "unknown key (ignored)")
        for section, entries in self._entries.items():
            for index, read in enumerate(entries):
                own = read.checked(paths.of(section, index))
                found.problems += own.problems
                found.warnings += own.warnings
        check_items_online(document, paths, found)
        check_references(document, paths, found)
        problems = paths.in_file_order(found.problems)
        return CheckOutcome(problems, paths.in_file_order(found.warnings))


def _read_rest(rest: dict[str, Any]) -> tuple[CatalogDocument, list[ErrorDetails]]:
    """The document's keys other than the lists of entries (its `version`, extensions)."""
    try:
        return CatalogDocument.model_validate(rest), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    return CatalogDocument.model_validate(rest, context=SALVAGE), errors
