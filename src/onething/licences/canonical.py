"""The canonical byte form of a JSON document, the form signatures are made over.

Keys sorted, no whitespace, UTF-8 without escapes (``ensure_ascii=False``). Only JSON
values are accepted: str keys; str, int, finite float, bool, None, lists (tuples) and
mappings as values. Dates must already be ISO strings. Anything else is refused with
``CanonicalError`` rather than silently converted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

_encoder = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")
)


class CanonicalError(ValueError):
    """The data is not plain JSON (a non-str key, NaN, a date object …)."""


def canonical_bytes(data: Mapping[str, Any]) -> bytes:
    """``data`` as deterministic UTF-8 JSON bytes."""
    if not isinstance(data, Mapping):
        raise CanonicalError(f"expected a mapping, got {type(data).__name__}")
    try:
        return _encoder.encode(_plain(data)).encode("utf-8")
    except ValueError as error:  # NaN or infinity
        raise CanonicalError(str(error)) from None
    except RecursionError:
        raise CanonicalError("nested too deeply") from None


def _plain(value: Any) -> Any:
    """``value`` with mappings as dicts and tuples as lists, checked to be plain JSON."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise CanonicalError(f"keys must be strings, got {key!r}")
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    raise CanonicalError(f"not a JSON value: {type(value).__name__}")
