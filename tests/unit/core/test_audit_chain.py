"""The audit chain's rule (core/audit_chain.py), without a database: seals, and the first
record that does not hold — changed, deleted, inserted out of order — named with what
differs."""

from dataclasses import replace

import pytest
from hypothesis import given, strategies as st

from onething.core.audit_chain import (
    GENESIS,
    ChainKey,
    Sealed,
    Tally,
    canonical,
    first_break,
    seal_chain,
)

KEY = ChainKey(b"k" * 32)
CHAIN = "cases_action:7"


def chain(contents, algorithm="sha256", key=KEY, name=CHAIN, first_id=10, timed=True):
    """Stored records of a chain, sealed as the writers seal them (`timed`: the last value
    is the time)."""
    links = seal_chain(key, algorithm, name, contents)
    return [
        Sealed(first_id + i, name, seq, tuple(content), mac, at=content[-1] if timed else "")
        for i, (content, (seq, mac)) in enumerate(zip(contents, links, strict=True))
    ]


CONTENTS = [
    [7, None, 3, "clerk", "accept", "submitted", "in_progress", "", {"tasks": 3}, f"2026-12-0{day}"]
    for day in range(1, 6)
]


def test_a_whole_chain_holds_and_is_counted():
    tally = Tally()
    records = chain(CONTENTS) + chain(CONTENTS[:2], name="cases_action:8", first_id=40)
    assert first_break(records, KEY, tally) is None
    assert (tally.records, tally.chains) == (7, 2)


def test_a_seal_names_its_mac_and_covers_the_link():
    first, second = seal_chain(KEY, "sm3", CHAIN, CONTENTS[:2])
    assert first[1].startswith("sm3:") and len(first[1]) == len("sm3:") + 64
    assert KEY.holds(CHAIN, 2, first[1], CONTENTS[1], second[1])
    assert not KEY.holds(CHAIN, 2, GENESIS, CONTENTS[1], second[1])  # another link
    assert not KEY.holds("cases_action:8", 2, first[1], CONTENTS[1], second[1])  # another chain
    assert not KEY.holds(CHAIN, 2, first[1], CONTENTS[1], "md5:" + second[1][4:])


def test_a_changed_note_is_named_at_that_record():
    records = chain(CONTENTS)
    changed = list(records[2].content)
    changed[7] = "改过的意见"
    records[2] = replace(records[2], content=tuple(changed))
    broken = first_break(records, KEY)
    assert (broken.id, broken.seq) == (12, 3)
    assert "content or its link" in broken.what and "changed after it was written" in broken.what


def test_a_deleted_record_is_named_at_the_one_after_it():
    records = chain(CONTENTS)
    del records[1]
    broken = first_break(records, KEY)
    assert (broken.id, broken.seq) == (12, 3)
    assert broken.what == "the record(s) at seq 2 before it are missing (deleted)"
    assert "seq 1–2" in first_break(chain(CONTENTS)[2:], KEY).what


def test_a_record_inserted_afterwards_is_named():
    records = chain(CONTENTS)
    # a back-dated record, with the next place in the chain but no key to seal it
    forged = Sealed(99, CHAIN, 6, tuple(CONTENTS[0]), records[-1].mac, at="2026-11-30")
    broken = first_break([*records, forged], KEY)
    assert broken.id == 99 and "inserted out of order" in broken.what
    # a record with an older id than the one before it in the chain, and no seal of ours
    early = replace(records[4], id=5, mac=records[3].mac)
    assert "written before the record it follows" in first_break([*records[:4], early], KEY).what
    # its seal holding, an id or a clock out of step is no forgery (hosts' clocks differ)
    skewed = chain([*CONTENTS[:4], [*CONTENTS[4][:-1], "2026-11-30"]])
    assert first_break([*skewed[:4], replace(skewed[4], id=5)], KEY) is None
    # sealed with a key of its own
    other = chain(CONTENTS, key=ChainKey(b"x" * 32))
    assert "without the audit key" in first_break(records[:4] + other[4:], KEY).what


def test_a_chain_may_switch_algorithm_half_way():
    first = seal_chain(KEY, "sha256", CHAIN, CONTENTS[:2])
    rest = seal_chain(KEY, "sm3", CHAIN, CONTENTS[2:], after=first[-1])
    links = first + rest
    records = [
        Sealed(i, CHAIN, seq, tuple(c), mac)
        for i, (c, (seq, mac)) in enumerate(zip(CONTENTS, links, strict=True))
    ]
    assert first_break(records, KEY) is None
    assert [r.mac.partition(":")[0] for r in records] == ["sha256"] * 2 + ["sm3"] * 3


def test_no_seal_and_an_unknown_one_are_named():
    records = chain(CONTENTS[:1])
    assert first_break([replace(records[0], mac="")], KEY).what == "it has no seal"
    assert "no known MAC (xyz)" in first_break([replace(records[0], mac="xyz:00")], KEY).what


def test_canonical_form_and_keys():
    assert canonical([{"b": 1, "a": "张"}, None]) == '[{"a":"张","b":1},null]'.encode()
    with pytest.raises(ValueError):
        canonical([object()])
    with pytest.raises(ValueError):
        ChainKey(b"short")


@given(st.lists(st.text(max_size=5), min_size=1, max_size=6), st.data())
def test_any_single_change_breaks_the_chain_at_that_record(notes, data):
    contents = [[1, note] for note in notes]
    records = chain(contents, timed=False)
    assert first_break(records, KEY) is None
    index = data.draw(st.integers(0, len(records) - 1))
    changed = replace(records[index], content=(1, records[index].content[1] + "x"))
    broken = first_break([*records[:index], changed, *records[index + 1 :]], KEY)
    assert broken is not None and broken.seq == index + 1
