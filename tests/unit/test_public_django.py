"""Public Django APIs only (ARCHITECTURE.md: a private ORM attribute or a model built with
__new__ breaks on the next Django release): src/ builds no instance with __new__, opens
no sqlite3 cursor of its own and touches none of the ORM's internals — except in the one
documented module, core/prepared.py (querysets compiled once)."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

# What each pattern stands for, as the failure names it.
FORBIDDEN = {
    r"\.__new__\(": "an instance built with __new__ (skips __init__: use the constructor)",
    r"^\s*(import sqlite3|from sqlite3 import)\b": "the sqlite3 driver used directly",
    r"(?<!\bdb)\.connection\.(cursor|execute)\(": "the driver's connection behind Django's",
    r"\b(_iterable_class|klass_info|get_related_populators|_known_related_objects)\b": (
        "a private attribute of QuerySet or of its compiler"
    ),
    r"\b(_prefetch_related_lookups|_result_cache|get_compiler|ModelIterable)\b": (
        "a private attribute of QuerySet or of its compiler"
    ),
    r"\b(ModelState|_state\.(adding|db)\s*=)": "a model instance's state set by hand",
    r"\bdef _get_session_from_db\b": "a private method of Django's session store overridden",
}
# The one module allowed these shortcuts: it says why and what it relies on, and
# tests/integration/test_prepared.py fails when a Django release changes that.
DOCUMENTED_EXCEPTION = "src/onething/core/prepared.py"


def offences(root: Path = SRC) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent).as_posix()
        if relative == DOCUMENTED_EXCEPTION:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for pattern, why in FORBIDDEN.items():
                if re.search(pattern, line):
                    found.append(f"{relative}:{number}: {why}: {line.strip()}")
    return found


def test_src_uses_public_django_apis_only() -> None:
    found = offences()
    assert not found, "private Django shortcuts:\n" + "\n".join(found)


def test_the_exception_is_documented_as_such() -> None:
    source = (SRC.parent / DOCUMENTED_EXCEPTION).read_text(encoding="utf-8")
    assert "The one module of src/ allowed Django's private ORM internals" in source
    assert "CHECKED_WITH" in source
    uses = [line for line in source.splitlines() if "get_related_populators(" in line]
    assert uses, "prepared.py no longer needs the ORM's internals: drop the exception"


def test_the_check_finds_each_shortcut(tmp_path: Path) -> None:
    package = tmp_path / "src" / "pkg"
    package.mkdir(parents=True)
    (package / "bad.py").write_text(
        "import sqlite3\n"
        "case = Case.__new__(Case)\n"
        "cursor = real.connection.cursor()\n"
        "if queryset._iterable_class is not ModelIterable: pass\n"
        "info = compiler.klass_info\n"
        "licence._state.adding = False\n"
        "ENGINE = 'django.db.backends.sqlite3'\n"  # a name, not a use: allowed
        "with connection.cursor() as cursor: pass\n",  # Django's own cursor: allowed
        encoding="utf-8",
    )
    found = offences(tmp_path / "src")
    assert sorted({int(entry.split(":")[1]) for entry in found}) == [1, 2, 3, 4, 5, 6]
    assert found[0].startswith("src/pkg/bad.py:1: the sqlite3 driver")
