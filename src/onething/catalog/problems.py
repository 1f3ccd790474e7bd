"""Problems and warnings, each at its place in the file (`PATH: message`, spec §3).

Paths name an entry of a top-level list by its id (``items[drug_retail_licence]``),
or by its position when its id is wrong or taken by an earlier entry
(``items[4]``), and an entry of a nested list by its position (``materials[2]``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DOCUMENT = "(document)"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a catalogue, at a place in the file."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(slots=True)
class Findings:
    """What the checks found: problems (the catalogue is refused) and warnings."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def warning(self, path: str, message: str) -> None:
        self.warnings.append(Problem(path, message))


class EntryPaths:
    """The path of each entry of the top-level lists, by list and position."""

    def __init__(self, ids_by_section: Mapping[str, Sequence[str | None]]):
        self.by_section: dict[str, list[str]] = {}
        self.first_index: dict[str, dict[str, int]] = {}
        for section, ids in ids_by_section.items():
            first: dict[str, int] = {}
            paths = []
            for index, ident in enumerate(ids):
                if ident is not None and ident not in first:
                    first[ident] = index
                    paths.append(f"{section}[{ident}]")
                else:
                    paths.append(f"{section}[{index}]")
            self.by_section[section] = paths
            self.first_index[section] = first

    def of(self, section: str, index: int) -> str:
        paths = self.by_section.get(section, [])
        return paths[index] if index < len(paths) else f"{section}[{index}]"

    def in_file_order(self, found: list[Problem]) -> list[Problem]:
        """Problems sorted by the entry they are about (stable within an entry): the
        top-level keys first, then each list's entries as the file has them."""
        sections = list(self.by_section)
        position = {
            path: index for paths in self.by_section.values() for index, path in enumerate(paths)
        }

        def place(problem: Problem) -> tuple[int, int]:
            head = problem.path.split(".", 1)[0]
            section = head.split("[", 1)[0]
            if section not in self.by_section:
                return (0, 0)
            return (1 + sections.index(section), position.get(head, -1))

        return sorted(found, key=place)


def describe(value: Any) -> str:
    """A value as a message shows it: 'text', 12, true, a list, a mapping, nothing."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 40 else f"'{value[:37]}...'"
    if isinstance(value, int | float):
        return repr(value)
    return f"a {type(value).__name__}"


def shown(value: Any) -> str:
    """A value as a message names it: text whole and quoted, anything else described."""
    return f"'{value}'" if isinstance(value, str) else describe(value)
