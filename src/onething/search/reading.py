"""Reading a text as the index does (pure: no Django): jieba's words (the catalogue's own
terms taught to its dictionary), the runs of Chinese characters left once the filler words
are out, their character pairs and characters, and their sound as syllable pairs."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from onething.search.rules import FILLERS, bigrams, han_runs, pinyin_pairs, syllables_of

_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
FILLER_WORDS = frozenset(FILLERS)
_FILLER_WORDS = FILLER_WORDS

_jieba_lock = threading.Lock()
_known_words: set[str] = set()


def teach_words(words: Iterable[str]) -> None:
    """Add the catalogue's terms to jieba's dictionary (once each, for the process)."""
    import jieba

    new = [w for w in words if w and w not in _known_words]
    if not new:
        return
    with _jieba_lock:
        jieba.setLogLevel(60)
        for word in new:
            jieba.add_word(word, freq=20000)
            _known_words.add(word)


def warm_up() -> None:
    """Load jieba's dictionary and pypinyin's tables (about a second, once a process)."""
    import jieba

    with _jieba_lock:
        jieba.setLogLevel(60)
        jieba.initialize()
    syllables_of("开药店")


@dataclass(frozen=True, slots=True)
class Reading:
    """A text as jieba reads it: its runs of Chinese characters with the filler words taken
    out, their words, and any Latin letters or digits."""

    runs: tuple[str, ...]
    words: tuple[str, ...]
    latin: tuple[str, ...]
    run_words: tuple[tuple[str, ...], ...] = ()  # each run's words


def read(text: str) -> Reading:
    import jieba

    run_words: list[tuple[str, ...]] = []
    with _jieba_lock:
        cuts = [list(jieba.cut(run, HMM=False)) for run in han_runs(text)]
    for cut in cuts:
        current: list[str] = []
        for word in cut:
            if word in _FILLER_WORDS:
                run_words.append(tuple(current))
                current = []
            else:
                current.append(word)
        run_words.append(tuple(current))
    kept = tuple(words for words in run_words if words)
    latin = tuple(re.findall(r"[a-z0-9]{2,}", text))
    words = tuple(word for words in kept for word in words)
    return Reading(tuple("".join(words) for words in kept), words, latin, kept)


def content_runs(text: str) -> list[str]:
    """The runs of Chinese characters left once jieba's filler words are taken out."""
    return list(read(text).runs)


def tokens_of(reading: Reading) -> list[str]:
    """jieba's words, character pairs and characters, fillers left out."""
    tokens = [w for w in reading.words if len(w) > 1]
    for run in reading.runs:
        tokens.extend(bigrams(run))
        tokens.extend(c for c in run if c not in _FILLER_WORDS)
    return tokens + list(reading.latin)


def sounds_of(reading: Reading) -> list[str]:
    """Each run's syllable pairs; the syllables read word by word (words recur across a
    catalogue, so each is read once)."""
    pairs: list[str] = []
    for words in reading.run_words:
        pairs += pinyin_pairs([s for word in words for s in syllables_of(word)])
    return pairs


def word_starts(text: str) -> tuple[int, ...]:
    """Where the words of a text begin, its compounds' parts too (食品经营许可: 0, 2, 4)."""
    import jieba

    with _jieba_lock:
        spans = jieba.tokenize(text, mode="search", HMM=False)
        return tuple(sorted({start for _word, start, _end in spans}))


def initials(text: str) -> str:
    """The first letters of a text's syllables, fillers left out (我要开药店 → kyd)."""
    reading = read(text)
    return "".join(s[0] for words in reading.run_words for w in words for s in syllables_of(w))


def text_tokens(text: str) -> list[str]:
    return tokens_of(read(text))


def sound_tokens(text: str) -> list[str]:
    return sounds_of(read(text))


def core_name(name: str) -> str:
    """A package's name without 我要 and an item's without its bracketed note."""
    return _BRACKETS.sub("", name.removeprefix("我要")).strip() or name


# --------------------------------------------------------------------------- the index
