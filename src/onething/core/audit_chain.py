"""A hash chain over audit records (pure): each record is sealed with the HMAC of its
canonical content and of the seal of the record before it, under a key kept outside the
database, so that a record changed, deleted, or inserted by anyone without the key breaks
the chain at that record.

A *chain* is an ordered run of records with a name (``cases_action:42``: the actions of
case 42; ``licences_licenceevent``: every licence event). Each record carries its place
in it, ``seq`` (1, 2, 3 …), and its seal, ``"<algorithm>:<hex>"``::

    seal(n) = HMAC_k(canonical([chain, seq(n), seal(n-1), content(n)]))   seal(0) = ""

The algorithm is ``sha256`` (HMAC-SHA256) or ``sm3`` (HMAC-SM3, the 国密 profile); a
seal names its own, so a chain may switch profile half-way and still verify. ``k`` is
derived from the one audit key for each algorithm (``ChainKey``). Canonical content is
JSON: a list of plain values (str, int, bool, None; lists and mappings of them; times
as UTC ISO strings), keys sorted, no spaces, UTF-8.

`first_break` walks records in chain order and names the first one that does not hold:
a gap in ``seq`` (a record deleted), a seal of no known algorithm, or a seal that does not
match the content and the link — said to be inserted out of order when its id or time
comes before the record it follows, changed (or written without the key) otherwise. A
record whose seal holds is never refused for its time: hosts' clocks may differ by a
little. How records are serialised so that a chain never forks is the writers' business
(privacy/audit.py says how); a unique (chain, seq) index makes a fork impossible anyway.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes, hmac as crypto_hmac

GENESIS = ""  # the seal before a chain's first record
_encoder = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")
)


def _hmac_sha256(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


def _hmac_sm3(key: bytes, message: bytes) -> bytes:
    mac = crypto_hmac.HMAC(key, hashes.SM3())
    mac.update(message)
    return mac.finalize()


# algorithm → HMAC function (key, message) → digest
ALGORITHMS: dict[str, Callable[[bytes, bytes], bytes]] = {
    "sha256": _hmac_sha256,
    "sm3": _hmac_sm3,
}


def canonical(values: Sequence[Any]) -> bytes:
    """Plain JSON values as deterministic UTF-8 bytes (ValueError for anything else)."""
    try:
        return _encoder.encode(list(values)).encode("utf-8")
    except TypeError as error:
        raise ValueError(f"not plain JSON: {error}") from None


class ChainKey:
    """The audit key, and the HMAC key derived from it for each algorithm."""

    def __init__(self, master: bytes) -> None:
        if len(master) < 16:
            raise ValueError("the audit key is too short (at least 16 bytes)")
        self._derived = {
            algorithm: mac(master, b"onething audit chain " + algorithm.encode("ascii"))
            for algorithm, mac in ALGORITHMS.items()
        }

    def seal(
        self, algorithm: str, chain: str, seq: int, previous: str, content: Sequence[Any]
    ) -> str:
        """The seal of a record at `seq` of `chain` after the seal `previous`."""
        message = canonical([chain, seq, previous, list(content)])
        digest = ALGORITHMS[algorithm](self._derived[algorithm], message)
        return f"{algorithm}:{digest.hex()}"

    def holds(self, chain: str, seq: int, previous: str, content: Sequence[Any], mac: str) -> bool:
        """Whether `mac` is the seal of this record (under the algorithm it names)."""
        algorithm = mac.partition(":")[0]
        if algorithm not in ALGORITHMS:
            return False
        expected = self.seal(algorithm, chain, seq, previous, content)
        return hmac.compare_digest(expected, mac)


@dataclass(frozen=True, slots=True)
class Sealed:
    """One stored record as the verifier reads it."""

    id: int
    chain: str
    seq: int
    content: tuple[Any, ...]
    mac: str
    at: str = ""  # its time (canonical), when it has one: checked to run forwards


@dataclass(frozen=True, slots=True)
class Break:
    """The first record of a chain that does not hold, and what is wrong with it."""

    id: int
    chain: str
    seq: int
    what: str


@dataclass(slots=True)
class Tally:
    records: int = 0
    chains: int = 0


def seal_chain(
    key: ChainKey,
    algorithm: str,
    chain: str,
    contents: Iterable[Sequence[Any]],
    after: tuple[int, str] = (0, GENESIS),
) -> list[tuple[int, str]]:
    """(seq, seal) of each of these records appended to a chain whose last record is
    `after` (seq, seal): a new chain by default."""
    seq, previous = after
    sealed = []
    for content in contents:
        seq += 1
        previous = key.seal(algorithm, chain, seq, previous, content)
        sealed.append((seq, previous))
    return sealed


def _out_of_order(record: Sealed, before: Sealed | None) -> str:
    """Why a record that does not hold looks inserted afterwards ("" if it does not)."""
    if before is None:
        return ""
    if record.id <= before.id:
        return f"written before the record it follows (id {before.id})"
    if record.at and before.at and record.at < before.at:
        return f"its time {record.at} is before that of the record it follows ({before.at})"
    return ""


def _problem(record: Sealed, expected: int, previous: str, before: Sealed | None, key) -> str:
    if record.seq > expected:
        missing = f"{expected}" if record.seq == expected + 1 else f"{expected}–{record.seq - 1}"
        return f"the record(s) at seq {missing} before it are missing (deleted)"
    if record.seq < expected:
        return f"seq {record.seq} where {expected} was expected (out of order)"
    algorithm = record.mac.partition(":")[0]
    if algorithm not in ALGORITHMS:
        return "it has no seal" if not record.mac else f"its seal names no known MAC ({algorithm})"
    if key.holds(record.chain, record.seq, previous, record.content, record.mac):
        return ""  # sealed by the key's holder: an id or a clock out of step is no forgery
    if order := _out_of_order(record, before):
        return f"inserted out of order: {order}, and its seal does not hold"
    return (
        "its content or its link to the record before it differs from what was sealed "
        "(changed after it was written, or written without the audit key)"
    )


def first_break(
    records: Iterable[Sealed], key: ChainKey, tally: Tally | None = None
) -> Break | None:
    """The first record that does not hold, walking `records` ordered by chain and seq;
    None when every chain holds. `tally` counts the records and chains that held."""
    tally = tally if tally is not None else Tally()
    chain: str | None = None
    expected, previous, before = 1, GENESIS, None
    for record in records:
        if record.chain != chain:
            chain, expected, previous, before = record.chain, 1, GENESIS, None
            tally.chains += 1
        problem = _problem(record, expected, previous, before, key)
        if problem:
            return Break(record.id, record.chain, record.seq, problem)
        tally.records += 1
        expected, previous, before = record.seq + 1, record.mac, record
    return None
