"""Ratings, rectifications and complaints."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from onething.core.access.base import (
    _model,
    acts_for_applicant,
    handles_cases,
    reach_of,
    supervises,
)
from onething.core.access.cases import cases_visible_to
from onething.core.roles import Role

# --------------------------------------------------------------------------- evaluation


def ratings_visible_to(user) -> QuerySet:
    """A rater's own; staff: those of the cases they may open and the window visits
    rated within their jurisdiction."""
    ratings = _model("evaluation.Rating").objects.all()
    if acts_for_applicant(user):
        return ratings.filter(rater=user)
    if not handles_cases(user) or reach_of(user).nowhere:
        return ratings.none()
    visits = Q(case__isnull=True) & reach_of(user).q("window")
    return ratings.filter(Q(case__in=cases_visible_to(user)) | visits)


def rectifications_visible_to(user) -> QuerySet:
    """差评整改: a window clerk's window's, a reviewer's department's (each at their
    jurisdiction), a supervisor's jurisdiction's; nothing without a jurisdiction."""
    items = _model("evaluation.Rectification").objects.all()
    role, reach = getattr(user, "role", None), reach_of(user)
    if role == Role.ADMIN:
        return items
    if reach.nowhere:
        return items.none()
    if role == Role.CLERK:
        return items.filter(jurisdiction=user.jurisdiction, unit="window")
    if role == Role.REVIEWER:
        return items.filter(jurisdiction=user.jurisdiction, unit=user.department)
    if role == Role.SUPERVISOR:
        return items.filter(reach.q("jurisdiction"))
    return items.none()


def complaints_visible_to(user) -> QuerySet:
    """12345 诉求: a supervisor's jurisdiction's; a clerk's or reviewer's dispatched to
    them; nothing without a jurisdiction (a complainant follows theirs by its code)."""
    items = _model("evaluation.Complaint").objects.all()
    role, reach = getattr(user, "role", None), reach_of(user)
    if role == Role.ADMIN:
        return items
    if reach.nowhere:
        return items.none()
    if role == Role.SUPERVISOR:
        return items.filter(reach.q("jurisdiction"))
    if role in (Role.CLERK, Role.REVIEWER):
        return items.filter(assignee=user)
    return items.none()


def may_supervise(user, code: str | None) -> bool:
    """A supervisor (or the administrator) whose jurisdiction covers `code`."""
    return supervises(user) and reach_of(user).covers(code)
