"""The search index of one catalogue version and its ranking (pure: no Django).

Every package and item is a document read three ways:
- words: jieba's words (the catalogue's own names added to its dictionary), pairs of
  adjacent characters and single characters, ranked by BM25 (bm25s); the name counts
  three times, keywords twice, the description and department once;
- sound: pairs of adjacent syllables (kai_yao, yao_dian) in a forgiving form (zh/z, -ng/-n,
  l/n), ranked by BM25, so that 开药电 and kaiyaodian find 开药店;
- initials: kyd is the first letters of 开药店.

A document must cover enough of the query (its characters or its syllable pairs) to be a
result, so that a sentence sharing one common character with everything finds nothing.
An item found lifts the packages that contain it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import bm25s
import numpy as np

from onething.catalog.entities import Catalog
from onething.search.reading import (
    FILLER_WORDS,
    core_name,
    initials,
    read,
    sounds_of,
    teach_words,
    tokens_of,
    word_starts,
)
from onething.search.rules import (
    FILLERS,
    Synonyms,
    clean,
    han_runs,
    pinyin_pairs,
    split_pinyin,
    syllables_of,
)

NAME, KEYWORD, TEXT = 3, 2, 1  # how many times a field counts
SOUND_WEIGHT = 0.7  # a match by sound counts less than one by characters
MIN_COVERAGE = 0.5  # share of the query a result must match
CANDIDATES = 50
_FILLER_WORDS = FILLER_WORDS


@dataclass(frozen=True, slots=True)
class Entry:
    """One searchable thing: a package or an item."""

    kind: str  # package | item
    id: str
    name: str
    keywords: tuple[str, ...] = ()
    description: str = ""
    packages: tuple[str, ...] = ()  # an item: the packages that contain it


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str
    id: str
    name: str
    score: float  # 0–1, higher is better
    why: str


@dataclass(frozen=True, slots=True)
class Understood:
    """A query as read: cleaned, its content words, its sound, what was rewritten."""

    text: str
    content: str
    words: tuple[str, ...]
    pairs: tuple[str, ...]
    letters: str  # a query of Latin letters only, as initials (kyd)
    shown: str = ""  # the content as typed, before synonyms were added
    traditional: bool = False
    synonyms: tuple[tuple[str, str], ...] = ()
    starts: tuple[int, ...] = ()  # where in `content` jieba's words begin


# --------------------------------------------------------------------------- tokens


@dataclass
class SearchIndex:
    entries: list[Entry]
    synonyms: Synonyms
    words: list[str]  # taught to jieba before any query
    by_words: bm25s.BM25
    by_sound: bm25s.BM25
    chars: list[frozenset[str]]
    grams: list[frozenset[str]]  # words and character pairs
    pairs: list[frozenset[str]]
    initials: list[tuple[str, ...]]
    exact: dict[str, list[tuple[int, str]]]  # a name or keyword as typed → (entry, why)
    literal: frozenset[str]  # synonym phrases the catalogue itself uses: kept in a query
    item_packages: dict[int, list[int]] = field(default_factory=dict)

    def prepare(self) -> None:
        """Ready to answer in this process (after unpickling, too)."""
        teach_words(self.words)

    def search(self, query: str, limit: int = 10) -> tuple[Understood, list[Hit]]:
        understood = self.understand(query)
        if not (understood.words or understood.pairs or understood.letters):
            return understood, []
        ranked = self._rank(understood)
        return understood, ranked[:limit]

    def loose_packages(self, query: str, count: int = 4) -> list[str]:
        """Packages the query touches at all, best first, however little of it they match
        (the suggestions when nothing is found)."""
        understood = self.understand(query)
        scores = np.zeros(len(self.entries), dtype=np.float32)
        if understood.words:
            scores += self.by_words.get_scores(list(understood.words))
        if understood.pairs:
            scores += SOUND_WEIGHT * self.by_sound.get_scores(list(understood.pairs))
        for item in [int(i) for i in np.argsort(-scores)[:CANDIDATES] if scores[i] > 0]:
            for package in self.item_packages.get(item, ()):
                scores[package] = max(scores[package], 0.5 * scores[item])
        order = [int(i) for i in np.argsort(-scores) if scores[i] > 0]
        found = [self.entries[i].id for i in order if self.entries[i].kind == "package"]
        return found[:count]

    def understand(self, query: str) -> Understood:
        text = clean(query)
        compact = text.replace(" ", "")
        expanded, used = self.synonyms.expand(compact, self.literal)
        reading = read(expanded)
        content = "".join(reading.runs) or "".join(han_runs(compact))
        words = tokens_of(reading)
        latin = "".join(re.findall(r"[a-z]+", text))
        sound = sounds_of(reading)
        if latin:
            sound += pinyin_pairs(syllables_of(text))
        letters = latin if latin and latin == compact and 1 < len(latin) <= 8 else ""
        shown = "".join(read(compact).runs) or compact
        traditional = bool(compact) and _looks_traditional(query[:400])
        starts = word_starts(content) if reading.runs else ()
        return Understood(
            text, content, tuple(words), tuple(dict.fromkeys(sound)), letters, shown,
            traditional, tuple(used), starts,
        )  # fmt: skip

    def _rank(self, understood: Understood) -> list[Hit]:
        scores = np.zeros(len(self.entries), dtype=np.float32)
        if understood.words:
            scores += self.by_words.get_scores(list(understood.words))
        if understood.pairs:
            scores += SOUND_WEIGHT * self.by_sound.get_scores(list(understood.pairs))
        bonus: dict[int, tuple[float, str]] = {}
        for index, why in self.exact.get(understood.content or understood.text, ()):
            bonus.setdefault(index, (10.0, why))
        if understood.letters:
            self._initials(understood.letters, bonus)
        for index, (extra, _why) in bonus.items():
            scores[index] += extra
        return self._select(understood, scores, bonus)

    def _initials(self, letters: str, bonus: dict[int, tuple[float, str]]) -> None:
        full = split_pinyin(letters) is not None
        for index, forms in enumerate(self.initials):
            best = max((len(letters) / len(f) for f in forms if letters in f), default=0.0)
            if best and (best >= 0.5 or not full):
                bonus[index] = (6.0 * best + (3.0 if best == 1.0 else 0.0), f"首字母 {letters}")

    def _select(
        self, understood: Understood, scores: np.ndarray, bonus: dict[int, tuple[float, str]]
    ) -> list[Hit]:
        top = np.argsort(-scores)[:CANDIDATES]
        raw: dict[int, float] = {}
        whys: dict[int, str] = {}
        for index in (int(i) for i in top):
            if scores[index] <= 0:
                break
            cover = self._coverage(understood, index)
            if cover < MIN_COVERAGE and index not in bonus:
                continue
            boost = 1.15 if self.entries[index].kind == "package" else 1.0
            raw[index] = float(scores[index]) * (0.5 + cover) * boost
            whys[index] = bonus[index][1] if index in bonus else self._why(understood, index)
        for item, value in list(raw.items()):
            for package in self.item_packages.get(item, ()):
                lifted = 0.8 * value
                if lifted > raw.get(package, 0.0):
                    raw[package] = lifted
                    whys[package] = f"包含事项“{self.entries[item].name}”"
        order = sorted(raw, key=lambda i: (-raw[i], self.entries[i].kind != "package", i))
        return [self._hit(i, raw[i], whys[i], understood) for i in order]

    def _coverage(self, understood: Understood, index: int) -> float:
        """How much of the query the entry matches: its characters, or its syllable pairs
        (said exactly, or — counting less — heard forgivingly). Nothing when a query of
        several characters shares no pair of them, nor of their sounds, with the entry."""
        chars = [c for c in understood.content if c not in _FILLER_WORDS]
        pairs = self.pairs[index]
        said = [p for p in understood.pairs if not p.startswith("~")]
        heard = [p for p in understood.pairs if p.startswith("~")]
        shares_sound = any(p in pairs for p in understood.pairs)
        shares_gram = any(g in self.grams[index] for g in understood.words if len(g) > 1)
        if len(chars) > 1 and not shares_sound and not shares_gram:
            return 0.0
        by_chars = sum(c in self.chars[index] for c in chars) / len(chars) if chars else 0.0
        by_said = sum(p in pairs for p in said) / len(said) if said else 0.0
        by_heard = sum(p in pairs for p in heard) / len(heard) if heard else 0.0
        return max(by_chars, by_said, 0.8 * by_heard)

    def _why(self, understood: Understood, index: int) -> str:
        entry = self.entries[index]
        if self._sounds_alike(understood, index):
            return f"读音相近：{understood.shown} → {core_name(entry.name)}"
        query = understood.content[:30]
        for label, texts in (
            ("名称含", (entry.name,)),
            ("关键词", entry.keywords),
            ("说明提到", (entry.description,)),
        ):
            found = (longest_shared(query, text, understood.starts) for text in texts)
            shared = max(found, key=len, default="")
            if len(shared) > 1:
                return f"{label}“{shared}”"
        if understood.letters or re.search(r"[a-z]", understood.text):
            return f"拼音 {understood.text.replace(' ', '')} → {core_name(entry.name)}"
        chars = "".join(dict.fromkeys(c for c in understood.shown if c in entry.name))
        return f"名称含“{chars}”" if chars else "内容相关"

    def _sounds_alike(self, understood: Understood, index: int) -> bool:
        """Typed in characters that the entry does not have, but sounding as it does
        (开药电 for 开药店)."""
        entry = self.entries[index]
        said = [p for p in understood.pairs if not p.startswith("~")]
        if not said or understood.synonyms or re.search(r"[a-z]", understood.text):
            return False
        written = "".join([entry.name, *entry.keywords])
        typed = [c for c in understood.shown if c not in _FILLER_WORDS]
        return not all(c in written for c in typed) and all(p in self.pairs[index] for p in said)

    def _hit(self, index: int, raw: float, why: str, understood: Understood) -> Hit:
        entry = self.entries[index]
        notes = ["繁体已按简体查找"] if understood.traditional else []
        text = " ".join([entry.name, *entry.keywords, why])
        notes += [f"同义词：{p}→{w}" for p, w in understood.synonyms if w in text][:1]
        reason = "；".join([*notes, why])
        return Hit(entry.kind, entry.id, entry.name, round(raw / (raw + 10.0), 3), reason)


def longest_shared(query: str, text: str, starts: tuple[int, ...] = ()) -> str:
    """The longest run of the query's characters found in the text, begun where one of the
    query's words begins when those are known (经营许可, not 营许 or 品经营许可)."""
    best = ""
    for start in starts or range(len(query)):
        end = start + len(best) + 1
        while end <= len(query) and query[start:end] in text:
            best = query[start:end]
            end += 1
    return best


def _looks_traditional(query: str) -> bool:
    from onething.search.rules import to_simplified

    runs = "".join(han_runs(query))
    return bool(runs) and to_simplified(runs) != runs


# --------------------------------------------------------------------------- building


def entries_of(catalog: Catalog) -> list[Entry]:
    containing: dict[str, list[str]] = {}
    for package in catalog.packages.values():
        for package_item in package.items:
            containing.setdefault(package_item.item, []).append(package.id)
    entries = [
        Entry("package", p.id, p.name, tuple(p.keywords), p.description or "")
        for p in catalog.packages.values()
    ]
    for item in catalog.items.values():
        department = catalog.departments.get(item.department)
        text = " ".join(
            filter(None, [item.description or "", department.name if department else ""])
        )
        entries.append(
            Entry("item", item.id, item.name, (), text, tuple(containing.get(item.id, ())))
        )
    return entries


def _fields(entry: Entry) -> list[tuple[str, int]]:
    name = core_name(entry.name)
    fields = [(entry.name, NAME), *((k, KEYWORD) for k in entry.keywords)]
    if name != entry.name:
        fields.append((name, 1))
    return [*fields, (entry.description, TEXT)]


def build_index(catalog: Catalog, synonyms: Synonyms) -> SearchIndex:
    """The index of a catalogue: a second or so for 3,000 items."""
    entries = entries_of(catalog)
    words = _dictionary_words(entries, synonyms)
    teach_words(words)
    word_docs, sound_docs, chars, grams, pairs, letters = [], [], [], [], [], []
    exact: dict[str, list[tuple[int, str]]] = {}
    for index, entry in enumerate(entries):
        fields = _fields(entry)
        readings = [(read(text), weight) for text, weight in fields]
        tokens = [t for r, weight in readings for t in tokens_of(r) * weight]
        named = fields[:-1]  # not the description: its sound would match too much
        sound = [t for r, weight in readings[:-1] for t in sounds_of(r) * weight]
        word_docs.append(tokens or ["·"])
        sound_docs.append(sound or ["·"])
        chars.append(frozenset("".join(t for t, _w in fields)))
        grams.append(frozenset(t for t in tokens if len(t) > 1))
        pairs.append(frozenset(sound))
        letters.append(tuple({initials(core_name(t)) for t, _w in named} - {""}))
        for (text, weight), (reading, _weight) in zip(named, readings[:-1], strict=True):
            why = f"关键词“{text}”" if weight == KEYWORD else "名称一致"
            for key in {clean(text).replace(" ", ""), "".join(reading.runs)} - {""}:
                exact.setdefault(key, []).append((index, why))
    position = {(e.kind, e.id): i for i, e in enumerate(entries)}
    item_packages = {
        i: [position[("package", p)] for p in e.packages]
        for i, e in enumerate(entries)
        if e.packages
    }
    return SearchIndex(
        entries, synonyms, words, _bm25(word_docs), _bm25(sound_docs), chars, grams, pairs,
        letters, exact, _literal(entries, synonyms), item_packages,
    )  # fmt: skip


def _literal(entries: list[Entry], synonyms: Synonyms) -> frozenset[str]:
    texts = [" ".join([entry.name, *entry.keywords]) for entry in entries]
    return frozenset(p for p in synonyms.table if any(p in text for text in texts))


def _bm25(documents: list[list[str]]) -> bm25s.BM25:
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # not a line per index built
    model = bm25s.BM25()
    model.index(documents, show_progress=False)
    return model


def _dictionary_words(entries: list[Entry], synonyms: Synonyms) -> list[str]:
    words: set[str] = set(FILLERS)
    for entry in entries:
        words.add(core_name(entry.name))
        words.update(entry.keywords)
    for phrase, targets in synonyms.table.items():
        words.add(phrase)
        words.update(targets)
    return sorted(w for w in words if 1 < len(w) <= 12)
