"""全代办: a 帮办代办 agent acts for a company under its written authorisation (代办授权,
accounts.Authorisation: the packages it covers, its period, revocable). The company sees
the authorisations it gave and revokes one here; from then on the agent's filings and
actions for it are refused (core/access.agent_may_act_for), while what the agent already
did stays on the cases' records, each action with the agent as actor and the company as
the applicant.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from onething.accounts.models import Authorisation, User
from onething.core.errors import Conflict, Forbidden, NotFound
from onething.core.roles import Role


def authorisations_of(user: User) -> QuerySet:
    """Those a company (or person) gave, or those an agent holds."""
    if user.role == Role.APPLICANT:
        given = Authorisation.objects.filter(principal=user)
    elif user.role == Role.AGENT:
        given = Authorisation.objects.filter(agent=user)
    else:
        given = Authorisation.objects.none()
    return given.select_related("principal", "agent").order_by("-valid_until", "-pk")


def revoke(actor: User, authorisation_id: int) -> Authorisation:
    """The principal withdraws an authorisation it gave, from now on."""
    if actor.role != Role.APPLICANT:
        raise Forbidden("只有委托人可以撤销代办授权")
    with transaction.atomic():
        found = (
            Authorisation.objects.select_for_update()
            .filter(pk=authorisation_id, principal=actor)
            .first()
        )
        if found is None:
            raise NotFound("没有找到您给出的这份代办授权")
        if found.revoked_at is not None:
            raise Conflict("这份代办授权已经撤销")
        found.revoked_at = timezone.now()
        found.save(update_fields=["revoked_at"])
        return found
