"""Reading YAML into plain Python data, quickly and safely.

This reader consumes libyaml's event stream (`yaml.parse` with the C parser) with
an explicit stack and gives the same results as `yaml.safe_load` (YAML 1.1
scalars: null, bool, int, float, timestamp; anchors, aliases and `<<` merges).
Documents with explicit tags (`!!set`, `!!binary` …), which catalogues never need,
are handed to PyYAML itself once they are known to be shallow.

Why not PyYAML's own loader (reviewed for issue 13, with PyYAML 6.0.4):

- Speed. On the benchmark's 2.4 MB catalogue, `yaml.load` with the C loader
  takes ≈ 2.2 s and `yaml.compose` alone (the node tree, with marks) ≈ 1.6 s;
  this reader ≈ 0.33 s. Building nodes and walking them with generator-based
  constructors is what costs; the events themselves take ≈ 0.2 s. A plain
  scalar's text is resolved once per document (ids and numbers repeat).
- The nesting limit. PyYAML's C composer recurses once per level, so a deeply
  nested block document (``- - - - …``) crashes the process.
  Here the stack is a list and nesting beyond `MAX_DEPTH` (64) is refused with a
  line number. PyYAML 6.0.4's LibYAML scanner now refuses deep *flow* nesting
  (``[[[[…``) by itself, before the events reach us; that error is reported with
  the same message (6334072).
- Line numbers. Every refusal — a syntax error from the scanner, an undefined
  alias, a second document, an unhashable key, too deep — says where, from the
  event's or the error's mark (`YamlReadError.line`, `.column`).

The catalogue's shape is checked afterwards, on the data, by `catalog.schema`.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

MAX_DEPTH = 64
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_IMPLICIT = Resolver.yaml_implicit_resolvers
_MERGE = "tag:yaml.org,2002:merge"
_CONSTRUCTORS = SafeConstructor.yaml_constructors


class YamlReadError(ValueError):
    """A document that is not YAML this reader accepts, with where it went wrong."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        self.line = line
        self.column = column
        where = f"line {line}, column {column}: " if line is not None else ""
        super().__init__(f"{where}{message}")


class _MergeKey:
    """The `<<` key of a mapping."""


_MERGE_KEY = _MergeKey()
_NO_KEY = object()


class _Frame:
    __slots__ = ("container", "key", "merges", "start")

    def __init__(self, container: dict | list, start: Any):
        self.container = container
        self.key: Any = _NO_KEY
        self.merges: list[tuple[Any, Any]] | None = None
        self.start = start


def read_yaml(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """The single YAML document in `text` as Python data (like `yaml.safe_load`)."""
    constructor = SafeConstructor()
    anchors: dict[str, Any] = {}
    resolved: dict[str, Any] = {}  # plain scalars read so far (ids, numbers, true …) by text
    stack: list[_Frame] = []
    root: Any = None
    documents = 0
    explicit_tags = False

    def add(value: Any, event: Any) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        frame = stack[-1]
        container = frame.container
        if type(container) is list:
            container.append(value)
        elif frame.key is _NO_KEY:
            if isinstance(value, dict | list):
                raise _error("found an unhashable key (a mapping or list used as a key)", event)
            frame.key = value
        elif frame.key is _MERGE_KEY:
            # A list of mappings is still empty here: sources are read at the mapping's end.
            frame.merges = [*(frame.merges or []), (value, event)]
            frame.key = _NO_KEY
        else:
            container[frame.key] = value
            frame.key = _NO_KEY

    try:
        event: Any
        for event in yaml.parse(text, Loader=_Loader):
            kind = event.__class__
            if kind is ScalarEvent:
                if event.tag is not None and event.tag != "!":
                    explicit_tags = True
                    value = event.value
                elif event.implicit[0]:
                    value = resolved.get(event.value, _NO_KEY)
                    if value is _NO_KEY:
                        value = resolved[event.value] = _plain_scalar(event.value, constructor)
                    if value is _MERGE_KEY and not _expects_key(stack):
                        value = "<<"  # only a mapping key merges
                else:
                    value = event.value
                if event.anchor is not None:
                    anchors[event.anchor] = value
                add(value, event)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.tag is not None and event.tag != "!" and not event.implicit:
                    explicit_tags = True
                if len(stack) >= max_depth:
                    raise _error(f"nested more than {max_depth} levels deep", event)
                container: dict | list = {} if kind is MappingStartEvent else []
                if event.anchor is not None:
                    anchors[event.anchor] = container
                add(container, event)
                stack.append(_Frame(container, event))
            elif kind is MappingEndEvent:
                frame = stack.pop()
                if frame.merges:
                    sources = [m for value, at in frame.merges for m in _merge_sources(value, at)]
                    _apply_merges(frame.container, sources)  # type: ignore[arg-type]
            elif kind is SequenceEndEvent:
                stack.pop()
            elif kind is AliasEvent:
                if event.anchor not in anchors:
                    raise _error(f"found undefined alias '{event.anchor}'", event)
                add(anchors[event.anchor], event)
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _error("expected one document, found a second one ('---')", event)
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in str(exc.problem):  # LibYAML 0.2.6 scans flow levels ahead
            raise _marked(exc, f"nested more than {max_depth} levels deep") from None
        raise _marked(exc) from None
    except yaml.YAMLError as exc:
        raise YamlReadError(str(exc).splitlines()[0] if str(exc) else "not YAML") from None
    if explicit_tags:
        try:
            return yaml.load(text, Loader=_Loader)
        except yaml.MarkedYAMLError as exc:
            raise _marked(exc) from None
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            raise YamlReadError(str(exc).splitlines()[0] or type(exc).__name__) from None
    return root


def _expects_key(stack: list[_Frame]) -> bool:
    return bool(stack) and type(stack[-1].container) is dict and stack[-1].key is _NO_KEY


def _plain_scalar(value: str, constructor: SafeConstructor) -> Any:
    """A plain (unquoted) scalar resolved as YAML 1.1 does: null, bool, int, float, date …"""
    for tag, pattern in _IMPLICIT.get(value[:1], ()):
        if pattern.match(value):
            if tag == _MERGE:
                return _MERGE_KEY
            construct = _CONSTRUCTORS.get(tag)
            if construct is None:  # e.g. the YAML 1.1 '=' value key: keep it as text
                return value
            try:
                return construct(constructor, ScalarNode(tag, value))
            except (ValueError, OverflowError) as exc:  # e.g. 2026-02-30
                raise YamlReadError(f"cannot read '{value}': {exc}") from None
    return value


def _merge_sources(value: Any, event: Any) -> list[dict]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return list(value)
    raise _error("a merge key '<<' needs a mapping or a list of mappings", event)


def _apply_merges(mapping: dict, sources: list[dict]) -> None:
    """Keys from `<<` sources come first; earlier sources and explicit keys win."""
    merged: dict = {}
    for source in reversed(sources):
        merged.update(source)
    explicit = dict(mapping)
    mapping.clear()
    mapping.update(merged)
    mapping.update(explicit)


def _marked(exc: yaml.MarkedYAMLError, message: str | None = None) -> YamlReadError:
    mark = exc.problem_mark
    return YamlReadError(
        message or str(exc.problem or exc),
        mark.line + 1 if mark else None,
        mark.column + 1 if mark else None,
    )


def _error(message: str, event: Any) -> YamlReadError:
    mark = getattr(event, "start_mark", None)
    if mark is None:
        return YamlReadError(message)
    return YamlReadError(message, mark.line + 1, mark.column + 1)
