"""全代办 in the API under /api/v1 (mounted by linked/api.py):

- ``GET /authorisations``: the written authorisations (代办授权) the caller gave (a
  company) or holds (a 帮办代办 agent): scope (packages, projects), period, state;
- ``POST /authorisations``: the company gives one: ``agent`` (the account name),
  ``document`` (授权委托书编号), ``valid_until``, ``packages`` and ``projects`` (its own
  projects' ids; empty: all);
- ``POST /authorisations/{id}/revoke``: the company withdraws it from now on.

The same services as the page (linked/authorisations.py) decide; refusals are
``{"detail": "…", "fields": {…}}`` with 400, 403, 404 or 409.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from onething.accounts.auth import api_user
from onething.accounts.models import Authorisation
from onething.linked import authorisations as agents
from onething.linked.meetings import package_names

router = Router(tags=["linked"])


class GrantIn(Schema):
    agent: str
    document: str
    valid_until: date
    packages: list[str] = []  # empty: every one-thing
    projects: list[UUID] = []  # the company's projects; empty: every project


class AuthorisationOut(Schema):
    id: int
    document: str
    principal: str
    agent: str
    agent_name: str
    packages: list[str]
    package_names: list[str]
    projects: list[UUID]
    project_names: list[str]
    valid_from: date
    valid_until: date
    revoked_at: datetime | None
    in_force: bool


def authorisation_out(given: Authorisation, names: dict[str, str]) -> dict:
    today = timezone.localdate()
    return {
        "id": given.pk,
        "document": given.document,
        "principal": given.principal.full_name,
        "agent": given.agent.username,
        "agent_name": given.agent.full_name,
        "packages": list(given.packages),
        "package_names": [names.get(p, p) for p in given.packages],
        "projects": list(given.projects),
        "project_names": agents.project_names(given),
        "valid_from": given.valid_from,
        "valid_until": given.valid_until,
        "revoked_at": given.revoked_at,
        "in_force": given.revoked_at is None and given.valid_from <= today <= given.valid_until,
    }


@router.get(
    "/authorisations",
    response=list[AuthorisationOut],
    summary="The written authorisations (代办授权) the caller gave or holds",
)
def list_authorisations(request: HttpRequest):
    names = package_names()
    return [authorisation_out(a, names) for a in agents.authorisations_of(api_user(request))]


@router.post(
    "/authorisations",
    response={201: AuthorisationOut},
    summary="The company authorises a 帮办代办 agent in writing",
)
def grant_authorisation(request: HttpRequest, body: GrantIn):
    names = package_names()
    grant = agents.Grant(
        agent=body.agent,
        document=body.document,
        valid_until=body.valid_until,
        packages=body.packages,
        projects=[str(p) for p in body.projects],
    )
    given = agents.grant(api_user(request), grant, set(names))
    return Status(201, authorisation_out(given, names))


@router.post(
    "/authorisations/{authorisation_id}/revoke",
    response=AuthorisationOut,
    summary="The company revokes an authorisation it gave, from now on",
)
def revoke_authorisation(request: HttpRequest, authorisation_id: int):
    revoked = agents.revoke(api_user(request), authorisation_id)
    return authorisation_out(revoked, package_names())
