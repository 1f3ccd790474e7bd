"""What the filing page (在线申报) decides before anything is saved: who the case is for,
which draft it goes on with, the form's values and the place — the same for a page, an
app or a kiosk; the page only reads the request and shows the result."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from onething.accounts.models import Authorisation, User
from onething.cases.lifecycle import CASE_TERMINAL, CaseState
from onething.cases.models import Case
from onething.catalog.entities import Catalog
from onething.catalog.guide import GuideField
from onething.core.roles import Role


def principals_for(agent: User, package_id: str) -> list[User]:
    """The applicants an agent may file this package for today."""
    return [
        a.principal
        for a in Authorisation.objects.filter(agent=agent).select_related("principal")
        if a.covers(package_id)
    ]


def person_for(user: User, draft: Case | None, principals: list[User], wanted: str) -> User | None:
    """Who the case is for: the draft's applicant, the agent's chosen principal (the
    first one when none was chosen yet), or the applicant themself."""
    if draft is not None:
        return draft.applicant
    if user.role != Role.AGENT:
        return user
    chosen = next((p for p in principals if str(p.pk) == wanted), None)
    if chosen is not None or wanted:
        return chosen
    return principals[0] if principals else None


def draft_saved_as(person: User, key: str) -> Case | None:
    """The draft autosave or an upload already made of this very filing (by its key)."""
    return Case.objects.filter(applicant=person, idempotency_key=key, state=CaseState.DRAFT).first()


def form_values(
    fields: tuple[GuideField, ...],
    known: Mapping[str, str],
    posted: Mapping[str, Any] | None,
    draft: Case | None,
) -> dict[str, str]:
    """The one form's values: what was posted (the rest from what the platform knows),
    else the draft's as typed, else what the platform knows (免填)."""
    if posted is not None:
        typed = {f.id: posted[f.id] for f in fields if f.id in posted}
        return {**{k: v for k, v in known.items() if k not in typed}, **typed}
    if draft is not None:
        return {f.id: str(draft.form.get(f.id, "")) for f in fields}
    return dict(known)


def county_codes(catalog: Catalog) -> set[str]:
    return {code for code, place in catalog.jurisdictions.items() if place.level == "county"}


def place_for(
    catalog: Catalog, user: User, person: User | None, wanted: str, draft: Case | None
) -> str:
    """The county the case is filed at: the one chosen, else the draft's, else where the
    applicant (or the agent) is registered; "" when none of them is a county."""
    counties = county_codes(catalog)
    default = (person.jurisdiction if person else "") or user.jurisdiction
    place = wanted or (draft.place if draft else default)
    if place in counties:
        return place
    return default if default in counties else ""


def ongoing_cases(person: User | None, package_id: str, limit: int = 3) -> list[Case]:
    """The applicant's cases of this package still being handled (not to file twice)."""
    if person is None:
        return []
    return list(
        Case.objects.filter(applicant=person, package_id=package_id)
        .exclude(state__in=[CaseState.DRAFT, *[s.value for s in CASE_TERMINAL]])
        .order_by("-created_at")
        .only("public_id", "number", "state")[:limit]
    )
