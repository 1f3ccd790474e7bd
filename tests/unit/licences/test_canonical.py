"""The canonical form: one byte string per JSON value, whatever the key order."""

import json
import math
from collections import OrderedDict
from datetime import date

import pytest
from hypothesis import given, strategies as st

from onething.licences.canonical import CanonicalError, canonical_bytes

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


def test_sorted_compact_utf8() -> None:
    data = {"b": [1, True, None], "a": {"名称": "吕梁康民大药房", "z": 1.5}}
    assert canonical_bytes(data) == (
        '{"a":{"z":1.5,"名称":"吕梁康民大药房"},"b":[1,true,null]}'.encode()
    )


def test_key_order_and_tuples_do_not_matter() -> None:
    one = {"x": 1, "y": (1, 2), "z": {"b": 2, "a": 1}}
    other = OrderedDict([("z", OrderedDict([("a", 1), ("b", 2)])), ("y", [1, 2]), ("x", 1)])
    assert canonical_bytes(one) == canonical_bytes(other)


@given(st.dictionaries(st.text(), json_values))
def test_stable_through_a_json_round_trip(data: dict) -> None:
    encoded = canonical_bytes(data)
    assert canonical_bytes(json.loads(encoded)) == encoded
    shuffled = dict(reversed(list(data.items())))
    assert canonical_bytes(shuffled) == encoded


@pytest.mark.parametrize(
    "data",
    [
        {"x": math.nan},
        {"x": math.inf},
        {"x": [-math.inf]},
        {1: "int key"},
        {"x": {None: 1}},
        {"x": date(2026, 1, 1)},
        {"x": b"bytes"},
        {"x": {1, 2}},
        {"x": "\ud800"},  # a lone surrogate cannot be UTF-8
    ],
)
def test_refuses_what_is_not_plain_json(data: dict) -> None:
    with pytest.raises(CanonicalError):
        canonical_bytes(data)


def test_refuses_a_non_mapping() -> None:
    with pytest.raises(CanonicalError):
        canonical_bytes([1, 2])  # type: ignore[arg-type]
