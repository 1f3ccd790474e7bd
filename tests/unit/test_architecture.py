"""The architecture as tests (no database): read the source of src/onething with `ast`.

- The import graph between top-level apps (onething.cases, onething.licences, …) has no
  cycle. Every import counts: at module level, deferred inside a function, under
  TYPE_CHECKING; relative imports are resolved. A failure lists each cycle with the
  imports that make it, file and line.
- No module imports another app's private name (one starting with `_`), whether as
  `from onething.x.m import _name` or as `m._name` on an imported module.
- Modules a reader can hold in mind: none in src/ over 600 lines, none in
  src/onething/cases/views over 400.
- No function in src/onething/cases/views with a cyclomatic complexity over 15 (computed
  here: 1, plus one for each if/elif, for, while, except, with, ternary, comprehension
  `if`, match case, and each `and`/`or` beyond the first operand).
"""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
PACKAGE = SRC / "onething"
VIEWS = PACKAGE / "cases" / "views"

MAX_MODULE_LINES = 600
MAX_VIEW_MODULE_LINES = 400
MAX_VIEW_COMPLEXITY = 15


# --------------------------------------------------------------------------- the source


@dataclass(frozen=True, slots=True)
class Import:
    source: str  # the importing module, dotted
    target: str  # the imported module, dotted (a from-import's submodule when it is one)
    names: tuple[str, ...]  # what a from-import takes from it
    where: str  # path:line

    def __str__(self) -> str:
        taken = f" ({', '.join(self.names)})" if self.names else ""
        return f"{self.where}: {self.source} → {self.target}{taken}"


def python_files(under: Path = PACKAGE) -> list[Path]:
    return sorted(p for p in under.rglob("*.py") if "__pycache__" not in p.parts)


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> frozenset[str]:
    return frozenset(module_name(p) for p in python_files())


@cache
def tree_of(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def app_of(module: str) -> str:
    """onething.cases.views.common → onething.cases; onething.cli → onething.cli."""
    return ".".join(module.split(".")[:2])


def resolve(path: Path, node: ast.ImportFrom) -> str:
    """The absolute module a from-import names (`from ..models import X` too)."""
    if not node.level:
        return node.module or ""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(path: Path, tree: ast.Module | None = None) -> Iterator[Import]:
    source = module_name(path)
    where = path.relative_to(ROOT)
    for node in ast.walk(tree or tree_of(path)):  # every import, deferred ones included
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(source, alias.name, (), f"{where}:{node.lineno}")
        elif isinstance(node, ast.ImportFrom):
            base = resolve(path, node)
            plain = tuple(a.name for a in node.names if f"{base}.{a.name}" not in modules())
            if plain or not node.names:
                yield Import(source, base, plain, f"{where}:{node.lineno}")
            for alias in node.names:
                if f"{base}.{alias.name}" in modules():  # a submodule: `from . import x`
                    yield Import(source, f"{base}.{alias.name}", (), f"{where}:{node.lineno}")


@cache
def all_imports() -> tuple[Import, ...]:
    ours = tuple(i for p in python_files() for i in imports_of(p))
    return tuple(i for i in ours if i.target == "onething" or i.target.startswith("onething."))


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


# --------------------------------------------------------------------------- the app graph


def app_edges() -> dict[tuple[str, str], list[Import]]:
    """(importing app, imported app) → the imports that make the edge."""
    edges: dict[tuple[str, str], list[Import]] = defaultdict(list)
    for imp in all_imports():
        a, b = app_of(imp.source), app_of(imp.target)
        if a != b and b != "onething":  # the root package holds nothing but a docstring
            edges[(a, b)].append(imp)
    return edges


def shortest_path(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    before: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        if here == goal:
            path = [here]
            while (back := before[path[-1]]) is not None:
                path.append(back)
            return path[::-1]
        for there in sorted(graph[here]):
            if there not in before:
                before[there] = here
                queue.append(there)
    return None


def app_cycles() -> list[list[str]]:
    """The shortest cycle through each app-level edge that lies on one, without repeats
    (a rotation of a cycle already found is the same cycle)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in app_edges():
        graph[a].add(b)
    found: dict[tuple[str, ...], list[str]] = {}
    for a, b in sorted(app_edges()):
        back = shortest_path(graph, b, a)
        if back is None:
            continue
        cycle = [a, *back]  # a → b → … → a
        ring = cycle[:-1]
        turn = ring.index(min(ring))
        key = tuple(ring[turn:] + ring[:turn])
        found.setdefault(key, [*key, key[0]])
    return sorted(found.values(), key=lambda c: (len(c), c))


def cycle_report(cycles: list[list[str]]) -> str:
    edges = app_edges()
    lines = [f"{len(cycles)} import cycle(s) between apps:"]
    for cycle in cycles:
        lines.append("  " + " → ".join(app.removeprefix("onething.") for app in cycle))
        for a, b in itertools.pairwise(cycle):
            sites = edges[(a, b)]
            lines.extend(f"      {imp}" for imp in sites[:4])
            if len(sites) > 4:
                lines.append(f"      … and {len(sites) - 4} more {a} → {b}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- private names


def private_uses(path: Path, tree: ast.Module | None = None) -> Iterator[str]:
    """Another app's private names this module uses: imported, or read off a module."""
    me = app_of(module_name(path))
    where = path.relative_to(ROOT)
    tree = tree or tree_of(path)
    for imp in imports_of(path, tree):
        if app_of(imp.target) == me or not imp.target.startswith("onething."):
            continue
        hidden = [n for n in imp.names if is_private(n)]
        hidden += [p for p in imp.target.split(".") if is_private(p)]
        if hidden:
            yield f"{imp.where}: {', '.join(hidden)} from {imp.target}"
    bound: dict[str, str] = {}  # a local name → the module it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            base = resolve(path, node)
            for alias in node.names:
                if f"{base}.{alias.name}" in modules():
                    bound[alias.asname or alias.name] = f"{base}.{alias.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            dotted = dotted_name(node.value)
            if dotted is None:
                continue
            head, _, rest = dotted.partition(".")
            module = ".".join(filter(None, [bound.get(head, head), rest]))
            if module in modules() and app_of(module) != me:
                yield f"{where}:{node.lineno}: {module}.{node.attr}"


def dotted_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted_name(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


# --------------------------------------------------------------------------- size and complexity


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


# Each adds a path: if/elif, loops, except, with, ternary, match case.
BRANCHES = (
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.ExceptHandler,
    ast.With,
    ast.AsyncWith,
    ast.IfExp,
    ast.match_case,
)


def complexity(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Cyclomatic complexity of one function; a function nested in it counts on its own."""
    score = 1
    stack: list[ast.AST] = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        if isinstance(node, BRANCHES):
            score += 1
        elif isinstance(node, ast.BoolOp):
            score += len(node.values) - 1
        elif isinstance(node, ast.comprehension):
            score += len(node.ifs)
        stack.extend(ast.iter_child_nodes(node))
    return score


def view_complexities() -> list[tuple[int, str]]:
    scores = []
    for path in python_files(VIEWS):
        for node in ast.walk(tree_of(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                where = f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"
                scores.append((complexity(node), where))
    return sorted(scores, reverse=True)


# --------------------------------------------------------------------------- the tests


def test_the_source_is_read():
    assert "onething.cases.services" in modules() and len(modules()) > 100
    edges = app_edges()
    assert ("onething.cases", "onething.catalog") in edges  # cases read the catalogue
    assert any(i.source == "onething.cli" for i in all_imports())  # deferred imports count


def test_relative_imports_are_resolved(tmp_path):
    node = ast.parse("from ..models import Case").body[0]
    assert isinstance(node, ast.ImportFrom)
    views = PACKAGE / "cases" / "views" / "common.py"
    assert resolve(views, node) == "onething.cases.models"
    package = PACKAGE / "cases" / "views" / "__init__.py"
    sibling = ast.parse("from .common import x").body[0]
    assert isinstance(sibling, ast.ImportFrom)
    assert resolve(package, sibling) == "onething.cases.views.common"


def test_private_names_are_found_however_they_are_reached():
    source = """
from onething.cases.services import _private, public
from onething.cases import store
from ..cases.models import _hidden
from .certificate import _own_app_is_fine
import onething.evaluation.rollup as rollup

def later():
    store._insert()
    rollup._refresh()
"""
    fake = PACKAGE / "licences" / "fake.py"
    found = list(private_uses(fake, ast.parse(source)))
    assert [use.split(": ", 1)[1] for use in found] == [
        "_private from onething.cases.services",
        "_hidden from onething.cases.models",
        "onething.cases.store._insert",
        "onething.evaluation.rollup._refresh",
    ]


def test_complexity_is_counted_as_documented():
    source = """
def f(a, b, items):
    if a and b or not a:          # if +1, and/or +2
        pass
    elif b:                       # +1
        pass
    for i in items:               # +1
        while i:                  # +1
            i -= 1
    try:
        pass
    except ValueError:            # +1
        pass
    with open("x") as handle:     # +1
        pass
    x = 1 if a else 2             # +1
    y = [i for i in items if i]   # +1
    match a:
        case 1:                   # +1
            pass
        case _:                   # +1
            pass
    def inner():                  # counted on its own
        if a:
            pass
"""
    function = ast.parse(source).body[0]
    assert isinstance(function, ast.FunctionDef)
    assert complexity(function) == 13


def test_no_import_cycle_between_apps():
    cycles = app_cycles()
    assert not cycles, cycle_report(cycles)


def test_no_app_uses_another_apps_private_names():
    found = [use for path in python_files() for use in private_uses(path)]
    assert not found, "another app's private names:\n" + "\n".join(found)


def test_no_module_over_600_lines():
    long = [
        f"{path.relative_to(ROOT)}: {n} lines"
        for path in python_files()
        if (n := line_count(path)) > MAX_MODULE_LINES
    ]
    assert not long, f"over {MAX_MODULE_LINES} lines:\n" + "\n".join(long)


def test_no_view_module_over_400_lines():
    long = [
        f"{path.relative_to(ROOT)}: {n} lines"
        for path in python_files(VIEWS)
        if (n := line_count(path)) > MAX_VIEW_MODULE_LINES
    ]
    assert not long, f"views over {MAX_VIEW_MODULE_LINES} lines:\n" + "\n".join(long)


def test_no_view_function_over_complexity_15():
    over = [
        f"{score:3d}  {where}"
        for score, where in view_complexities()
        if score > MAX_VIEW_COMPLEXITY
    ]
    assert not over, f"complexity over {MAX_VIEW_COMPLEXITY}, worst first:\n" + "\n".join(over)


def test_no_test_module_imports_another():
    """Tests share tests/factories.py, tests/catalogs.py and the conftest fixtures; a test
    module never imports another test module."""
    tests = Path(__file__).resolve().parents[1]
    offending = []
    for path in sorted(tests.rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                name = ("." * node.level) + (node.module or "")
                last = name.rsplit(".", 1)[-1]
                if last.startswith("test_"):
                    offending.append(f"{path.relative_to(tests)}:{node.lineno} imports {name}")
    assert not offending, "\n".join(offending)
