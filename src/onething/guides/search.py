"""Finding packages by what people type ("想开个药店"): character pairs, not exact words.

Chinese has no spaces, so the query and each package's text are compared by the
pairs of adjacent characters they share; a match in the name or keywords counts
most. (Pinyin and synonyms come with the intelligent-service work.)
"""

from __future__ import annotations

import re

from onething.catalog.entities import Catalog, Package

_FILLERS = re.compile(
    r"我要|我想|想要|怎么|如何|怎样|需要|哪里|在哪|一件事|办理|我|想|要|请问|可以|吗|呢|个|的"
)
_SEPARATORS = re.compile(r"[\s,，。、？?！!；;：:·]+")


def query_grams(query: str) -> list[str]:
    """The query's pairs of adjacent characters; single characters only for a one-character
    query, since one character ("开") matches nearly everything."""
    words = [w for w in _SEPARATORS.split(_FILLERS.sub(" ", query.lower())) if w]
    pairs = [word[i : i + 2] for word in words for i in range(len(word) - 1)]
    return list(dict.fromkeys(pairs or words))


def search_packages(catalog: Catalog, query: str) -> list[Package]:
    """Packages that share enough of the query, best first; everything for an empty query."""
    grams = query_grams(query)
    if not grams:
        return list(catalog.packages.values())
    scored: list[tuple[float, int, Package]] = []
    for position, package in enumerate(catalog.packages.values()):
        title = (package.name + " " + " ".join(package.keywords)).lower()
        body = " ".join(
            [package.description or ""] + [catalog.items[pi.item].name for pi in package.items]
        ).lower()
        in_title = sum(1 for gram in grams if gram in title)
        in_body = sum(1 for gram in grams if gram not in title and gram in body)
        coverage = (in_title + in_body) / len(grams)
        if in_title or coverage >= 0.5:
            scored.append((-(3 * in_title + in_body + coverage), position, package))
    scored.sort(key=lambda entry: (entry[0], entry[1]))
    return [package for _, _, package in scored]
