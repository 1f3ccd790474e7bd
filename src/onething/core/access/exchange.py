"""跨省通办: who forwards applications to partner nodes, who watches the exchange, who
keeps the partner list, and which cross-region cases a member of staff sees."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from onething.core.access.base import _model, reach_of, supervises, works_at_window
from onething.core.access.cases import cases_visible_to
from onething.core.roles import Role

__all__ = [
    "may_forward_cross_region",
    "may_keep_partners",
    "may_watch_exchange",
    "remote_cases_visible_to",
]


def may_forward_cross_region(user) -> bool:
    """A window clerk with a jurisdiction receives (收) and hands over 跨省通办 cases."""
    return works_at_window(user) and bool(getattr(user, "jurisdiction", ""))


def may_watch_exchange(user) -> bool:
    """The exchange page (messages, delays, refusals; retry or cancel): supervisors and
    the administrator."""
    return supervises(user)


def may_keep_partners(user) -> bool:
    """The partner list and this node's keys: the (system) administrator."""
    return getattr(user, "role", None) == Role.ADMIN


def remote_cases_visible_to(user) -> QuerySet:
    """Cases received at a window within the user's reach (clerks, supervisors), and the
    partners' cases handled here: a supervisor's all, a clerk's those whose local case
    they may see; all for the administrator."""
    cases = _model("exchange.RemoteCase").objects.all()
    role = getattr(user, "role", None)
    if role not in (Role.CLERK, Role.SUPERVISOR, Role.ADMIN):
        return cases.none()
    reach = reach_of(user)
    forwarded = Q(direction="forwarded") & reach.q("window")
    ours = cases_visible_to(user).values("pk")  # handled here: as the local case is seen
    handled = Q(direction="handled") & (
        Q(pk__isnull=False) if supervises(user) else Q(local_case_id__in=ours)
    )
    return cases.filter(forwarded | handled)
