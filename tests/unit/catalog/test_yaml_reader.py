"""The event-stream YAML reader gives what yaml.safe_load gives, and refuses what would crash."""

import datetime

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from onething.catalog.yaml_reader import YamlReadError, read_yaml

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.dates()
    | st.sampled_from(
        ["yes", "No", "on", "~", "0x1F", "0o17", "012", "1_000", "1:30", ".inf", "=", "<<"]
    )
)
documents = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=6) | st.integers(0, 99), children, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(documents, st.sampled_from([None, True, False]), st.booleans())
def test_same_data_as_safe_load(document, flow_style, allow_unicode):
    text = yaml.safe_dump(document, default_flow_style=flow_style, allow_unicode=allow_unicode)
    assert read_yaml(text) == yaml.safe_load(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x {b: 1, c: [1, 2]}\nd:\n  <<: *x\n  c: 3\ne: [*x, *x]\n",
        "base: &b {x: 1}\nother: &o {y: 2}\nboth:\n  <<: [*b, *o]\n  z: 3\n",
        "plain: yes\nquoted: 'yes'\nnumber: 010\nfloat: 1e3\nwhen: 2026-11-23 10:00:00\n",
        "unicode: 我要开药店\nmulti: |\n  第一行\n  第二行\n",
        "set: !!set {a, b}\nstr: !!str 12\n",
        "",
    ],
)
def test_yaml_features_match_safe_load(text):
    assert read_yaml(text) == yaml.safe_load(text)


def test_dates_are_dates():
    assert read_yaml("d: 2027-01-01") == {"d": datetime.date(2027, 1, 1)}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 10_000 + "]" * 10_000, "nested more than 64 levels deep"),
        ("- " * 10_000 + "x", "nested more than 64 levels deep"),
        ("a: 1\n---\nb: 2\n", "expected one document"),
        ("{[1]: 2}", "unhashable key"),
        ("a: *nope", "undefined alias 'nope'"),
        ("a: [1, 2", "line"),
        ("a: !!python/object:os.system x", "could not determine a constructor"),
    ],
)
def test_refusals_say_why(text, message):
    with pytest.raises(YamlReadError, match=message.replace("[", r"\[")):
        read_yaml(text)
