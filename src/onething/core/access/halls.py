"""The hall: tickets, appointments, extra sessions, visits, assisted filings, zones."""

from __future__ import annotations

from django.db.models import QuerySet

from onething.core.access.base import CASE_STAFF, IN_OFFICE, _model, reach_of, works_at_window
from onething.core.roles import Role

# --------------------------------------------------------------------------- tickets (取号叫号)


def tickets_visible_to(user) -> QuerySet:
    """排队号: staff in office see their jurisdiction's halls' tickets; a person their own."""
    tickets = _model("tickets.Ticket").objects.all()
    if getattr(user, "pk", None) is None:
        return tickets.none()
    if getattr(user, "role", None) in IN_OFFICE:
        return tickets.filter(reach_of(user).q("hall__jurisdiction"))
    return tickets.filter(person=user)


def may_call_at_hall(user, hall) -> bool:
    """A window clerk of the hall's jurisdiction takes tickets at its front desk and calls
    them to its windows."""
    return works_at_window(user) and reach_of(user).covers(hall.jurisdiction)


# --------------------------------------------------------------------------- hall (预约办、延时办)
HALL_STAFF = frozenset({Role.CLERK, Role.SUPERVISOR, Role.ADMIN})


def halls_run_by(user) -> QuerySet:
    """The halls whose staff pages a person opens: a clerk's or supervisor's within
    their jurisdiction, every hall for the administrator, none for anyone else."""
    halls = _model("hall.Hall").objects.all()
    if getattr(user, "role", None) not in HALL_STAFF:
        return halls.none()
    return halls.filter(reach_of(user).q("jurisdiction"))


def may_run_hall(user, hall) -> bool:
    """Staff of the hall's jurisdiction (clerk, supervisor) or the administrator."""
    return getattr(user, "role", None) in HALL_STAFF and reach_of(user).covers(hall.jurisdiction)


def appointments_visible_to(user) -> QuerySet:
    """预约: an applicant's own (booked by them or for them); the hall staff's, of the
    halls they run; nothing for anyone else."""
    items = _model("hall.Appointment").objects.all()
    if getattr(user, "role", None) == Role.APPLICANT:
        return items.filter(applicant=user)
    if getattr(user, "role", None) not in HALL_STAFF:
        return items.none()
    return items.filter(reach_of(user).q("slot__hall__jurisdiction"))


# ---------------------------------------------------------------- outreach (上门办、帮办代办)


def visits_visible_to(user) -> QuerySet:
    """上门办: the applicant's own requests; staff who handle cases those of their
    jurisdiction; the administrator all; nothing without a jurisdiction."""
    visits = _model("outreach.HomeVisit").objects.all()
    role, reach = getattr(user, "role", None), reach_of(user)
    if role == Role.ADMIN:
        return visits
    if role == Role.APPLICANT:
        return visits.filter(applicant=user)
    if role in CASE_STAFF and not reach.nowhere:
        return visits.filter(reach.q("jurisdiction"))
    return visits.none()


def assists_visible_to(user) -> QuerySet:
    """帮办代办: the citizen's own; the agent who filled it in; staff who handle cases
    those at windows of their jurisdiction; nothing without one."""
    assists = _model("outreach.AssistedFiling").objects.all()
    role, reach = getattr(user, "role", None), reach_of(user)
    if role == Role.ADMIN:
        return assists
    if role == Role.APPLICANT:
        return assists.filter(citizen=user)
    if role == Role.AGENT:
        return assists.filter(staff=user)
    if role in CASE_STAFF and not reach.nowhere:
        return assists.filter(reach.q("window"))
    return assists.none()


# --------------------------------------------------------------------------- 专区办


def zones_visible_to(user) -> QuerySet:
    """专区: staff of its jurisdiction (and the administrator) see a zone."""
    return _model("zones.Zone").objects.filter(reach_of(user).q("jurisdiction"))


def serves_zone(user, zone) -> bool:
    """The zone's window: a clerk assigned to it (its imports, materials and acceptance)."""
    return works_at_window(user) and zone.clerks.filter(pk=user.pk).exists()
