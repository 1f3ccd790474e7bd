"""Routing an item to the jurisdiction that handles it (市县联动).

A city window and a county window can both accept a case; each of its items is then
handled by a department at a level that implements the item (the catalogue's
``levels``). Two places are known when a case is filed:

- ``place``: the county or district of the applicant's business or residence, chosen at
  filing (it may be the window's own jurisdiction);
- ``window``: the jurisdiction of the window that accepted the case.

The rule, first match wins:

1. walk up from ``place`` — the place, its parent, its grandparent … — and take the first
   jurisdiction whose level is among the item's ``levels``. The nearest level to the
   applicant wins: a county item goes to the applicant's county even when a city window
   accepted it; an item implemented by city and county goes to the county; a city-only
   item accepted at a county window goes up to the city; a province-only one to the
   province;
2. if none matches (the place lies outside every implementing level, e.g. a county
   item for a place recorded at city level), walk up from ``window`` likewise;
3. otherwise no jurisdiction implements the item here: ``None``, for the caller to report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from onething.catalog.entities import Jurisdiction


def ancestry(code: str, jurisdictions: Mapping[str, Jurisdiction]) -> list[Jurisdiction]:
    """The jurisdiction ``code`` and its ancestors, nearest first.

    Raises ``ValueError`` for an unknown code (or a parent that is unknown or loops).
    """
    chain: list[Jurisdiction] = []
    current: str | None = code
    while current is not None:
        jurisdiction = jurisdictions.get(current)
        if jurisdiction is None:
            raise ValueError(f"unknown jurisdiction '{current}'")
        if jurisdiction in chain:
            raise ValueError(f"jurisdiction '{current}' is its own ancestor")
        chain.append(jurisdiction)
        current = jurisdiction.parent
    return chain


def route_item(
    levels: Sequence[str],
    window: str,
    place: str,
    jurisdictions: Mapping[str, Jurisdiction],
) -> str | None:
    """The code of the jurisdiction that handles an item implemented at ``levels``, for a
    case accepted at ``window`` for an applicant in ``place``; ``None`` when none does.

    Raises ``ValueError`` when ``window`` or ``place`` is not a known jurisdiction.
    """
    for chain in (ancestry(place, jurisdictions), ancestry(window, jurisdictions)):
        for jurisdiction in chain:
            if jurisdiction.level in levels:
                return jurisdiction.code
    return None
