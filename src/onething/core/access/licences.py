"""Certificates (电子证照) and what the projects and 联动办 records show to whom."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from onething.core.access.base import CASE_STAFF, IN_OFFICE, _model, reach_of
from onething.core.access.cases import cases_visible_to
from onething.core.roles import Role

# --------------------------------------------------------------------------- licences


def projects_visible_to(user) -> QuerySet:
    """项目: those of the user's own enterprise, and those whose case the user may open."""
    projects = _model("projects.Project").objects.all()
    mine = Q(owner=user) if getattr(user, "role", None) == Role.APPLICANT else Q(pk__in=[])
    return projects.filter(mine | Q(case__in=cases_visible_to(user)))


def bundles_visible_to(user) -> QuerySet:
    """打包办: the bundles one of whose projects' cases the user may open."""
    projects = _model("projects.Project").objects.filter(
        bundle=OuterRef("pk"), case__in=cases_visible_to(user)
    )
    return _model("projects.Bundle").objects.filter(Exists(projects))


def meetings_visible_to(user) -> QuerySet:
    """联合审批: meetings one organised or with an item of a case one may open; a
    reviewer also those their department is invited to within their jurisdiction."""
    return _joint_visible_to(user, "JointMeeting", "joint_meetings", "meeting")


def inspections_visible_to(user) -> QuerySet:
    """联合验收: as meetings (`meetings_visible_to`), for joint inspections."""
    return _joint_visible_to(user, "JointInspection", "joint_inspections", "inspection")


def _joint_visible_to(user, model: str, tasks_name: str, seat_field: str) -> QuerySet:
    rows = _model(f"linked.{model}").objects.all()
    role = getattr(user, "role", None)
    if role == Role.ADMIN:
        return rows
    items = _model("cases.Task").objects.filter(
        **{tasks_name: OuterRef("pk")}, case__in=cases_visible_to(user)
    )
    visible = Q(Exists(items))
    if role in CASE_STAFF:
        visible |= Q(organiser=user)
    if role == Role.REVIEWER and user.department:
        seat = "MeetingSeat" if model == "JointMeeting" else "InspectionSeat"
        seats = _model(f"linked.{seat}").objects.filter(
            **{seat_field: OuterRef("pk")}, department=user.department
        )
        visible |= Q(Exists(seats)) & reach_of(user).q("jurisdiction")
    return rows.filter(visible)


def plans_visible_to(user) -> QuerySet:
    """定制办: the coordinator who composed it, the owner enterprise, and staff in office
    whose jurisdiction holds the plan's place."""
    plans = _model("projects.CustomPlan").objects.all()
    if getattr(user, "pk", None) is None:
        return plans.none()
    mine = Q(coordinator=user) | Q(owner=user)
    if getattr(user, "role", None) in IN_OFFICE:
        reach = reach_of(user)
        if reach.everywhere:
            return plans
        mine |= reach.q("place")
    return plans.filter(mine)


def licences_visible_to(user) -> QuerySet:
    """The holder's own; an agent's principals'; staff: issued within their jurisdiction or
    held by someone who lives or is registered there (the county window checks a
    city-issued licence of its own applicant)."""
    licences = _model("licences.Licence").objects.all()
    role, reach = getattr(user, "role", None), reach_of(user)
    if role == Role.APPLICANT:
        return licences.filter(holder=user)
    if role == Role.AGENT:
        return licences.filter(holder__authorisations_given__agent=user).distinct()
    if role in CASE_STAFF:
        return licences.filter(reach.q("jurisdiction", "holder__jurisdiction"))
    return licences.none()


def may_see_licence(user, licence) -> bool:
    role = getattr(user, "role", None)
    if licence.holder_id == user.pk:
        return True
    if role == Role.AGENT:
        return licence.holder.authorisations_given.filter(agent=user).exists()
    if role in CASE_STAFF:
        reach = reach_of(user)
        return reach.covers(licence.jurisdiction) or reach.covers(licence.holder.jurisdiction)
    return False


def may_revoke_licence(user, licence) -> bool:
    """The administrator, or a reviewer of the issuing department within whose
    jurisdiction it was issued."""
    role = getattr(user, "role", None)
    if role == Role.ADMIN:
        return True
    return (
        role == Role.REVIEWER
        and licence.department == user.department
        and reach_of(user).covers(licence.jurisdiction)
    )
