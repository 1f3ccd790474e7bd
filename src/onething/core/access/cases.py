"""Cases and tasks: who may open, act on and work them."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from onething.core.access.base import _model, reach_of
from onething.core.authority import Subject, refusal
from onething.core.errors import Forbidden
from onething.core.roles import Role

# --------------------------------------------------------------------------- cases


def cases_visible_to(user) -> QuerySet:
    """The cases a user may open: a clerk those filed at windows within their
    jurisdiction (a city window oversees its counties'); a reviewer those with an item of
    their department at their jurisdiction (市县联动 routes city-only items up); a
    supervisor those filed at a window or for a place within theirs."""
    cases = _model("cases.Case").objects.all()
    role, reach = getattr(user, "role", None), reach_of(user)
    if role == Role.ADMIN:
        return cases
    if role == Role.APPLICANT:
        return cases.filter(applicant=user)
    if role == Role.AGENT:  # what one filed, and the cases of the projects one carries
        return cases.filter(Q(agent=user) | Q(pk__in=_carried_cases(user)))
    if reach.nowhere:
        return cases.none()
    if role == Role.CLERK:
        return cases.filter(reach.q("window"))
    if role == Role.REVIEWER:
        mine = tasks_visible_to(user).filter(case=OuterRef("pk"))
        return cases.filter(Exists(mine))
    if role == Role.SUPERVISOR:
        # Items are routed within the place's own hierarchy (市县联动), so every case with
        # an item handled here is one of these; two prefix ranges on indexed columns.
        return cases.filter(reach.q("window", "place"))
    return cases.none()


def tasks_visible_to(user) -> QuerySet:
    """The items a user may see: a reviewer's department's at their jurisdiction (their
    work list); anyone else's, the items of the cases they may open."""
    tasks = _model("cases.Task").objects.all()
    if getattr(user, "role", None) == Role.REVIEWER:
        if not user.department or not user.jurisdiction:
            return tasks.none()
        return tasks.filter(department=user.department, jurisdiction=user.jurisdiction)
    return tasks.filter(case__in=cases_visible_to(user))


def actions_visible_to(user) -> QuerySet:
    """Audit records (办理记录) of the cases a user may open."""
    return _model("cases.Action").objects.filter(case__in=cases_visible_to(user))


def may_view_case(user, case) -> bool:
    """`cases_visible_to` asked of one loaded case: decided from its fields, except for a
    reviewer (one query for an item of theirs in it)."""
    role = getattr(user, "role", None)
    if role == Role.REVIEWER:
        return tasks_visible_to(user).filter(case_id=case.pk).exists()
    if role == Role.AGENT:  # what one filed stays in view after the authorisation ends
        return case.agent_id == user.pk or agent_refusal(user, case) is None
    if role == Role.SUPERVISOR:
        reach = reach_of(user)
        return reach.covers(case.window) or reach.covers(case.place)
    return may_act_on_case(user, case)


def may_act_on_case(user, case) -> bool:
    """Whether the user may act on the case as their role does (not which action)."""
    role = getattr(user, "role", None)
    if role == Role.APPLICANT:
        return case.applicant_id == user.pk
    if role == Role.AGENT:  # 全代办: only while the authorisation covers it
        return agent_refusal(user, case) is None
    if role == Role.CLERK:
        return reach_of(user).covers(case.window)
    return role == Role.ADMIN


def agent_may_act_for(user, principal_id, package_id: str) -> bool:
    """An agent acts for a principal only under a written authorisation (代办授权) that is
    in force today, not revoked, and covers the package."""
    given = _model("accounts.Authorisation").objects.filter(
        agent_id=user.pk, principal_id=principal_id, revoked_at__isnull=True
    )
    return any(authorisation.covers(package_id) for authorisation in given)


def agent_refusal(user, case) -> str | None:
    """Why the agent may not act on the case for its applicant now (None: they may) — the
    rules of core/authority.py over the authorisations the applicant gave them: scope
    (packages, projects), period, revocation."""
    if getattr(user, "role", None) != Role.AGENT:
        return "只有帮办代办人员凭代办授权代为办理"
    given = _model("accounts.Authorisation").objects.filter(
        agent_id=user.pk, principal_id=case.applicant_id
    )
    project = (
        _model("projects.Project").objects.filter(case_id=case.pk).values("public_id", "name")
    ).first()
    subject = Subject(
        package_id=case.package_id,
        package_name=case.package_name,
        project_id=str(project["public_id"]) if project else None,
        project_name=project["name"] if project else "",
        filed_by_agent=case.agent_id == user.pk,
    )
    return refusal([a.written() for a in given], subject, timezone.localdate())


def require_may_act(user, case, message: str) -> None:
    """Refuse (Forbidden) unless the user may act on the case: an agent is told why their
    authorisation does not cover it, anyone else `message`."""
    if may_act_on_case(user, case):
        return
    reason = agent_refusal(user, case) if getattr(user, "role", None) == Role.AGENT else None
    raise Forbidden(f"{message}：{reason}" if reason else message)


def _carried_cases(user) -> list[int]:
    """The cases of the projects named in authorisations the agent holds, in force today."""
    today = timezone.localdate()
    held = _model("accounts.Authorisation").objects.filter(
        agent_id=user.pk, revoked_at__isnull=True, valid_from__lte=today, valid_until__gte=today
    )
    named = Q(pk__in=[])
    for authorisation in held.only("principal_id", "projects", "packages"):
        if authorisation.projects:
            these = Q(owner_id=authorisation.principal_id, public_id__in=authorisation.projects)
            if authorisation.packages:
                these &= Q(case__package_id__in=authorisation.packages)
            named |= these
    projects = _model("projects.Project").objects.filter(named, case__isnull=False)
    return list(projects.values_list("case_id", flat=True))


def may_work_task(user, task) -> bool:
    """A reviewer of the task's department at the jurisdiction it was routed to."""
    return (
        getattr(user, "role", None) == Role.REVIEWER
        and bool(user.jurisdiction)
        and task.department == user.department
        and task.jurisdiction == user.jurisdiction
    )


def own_case(user, case) -> bool:
    """The applicant, or the agent who filed it."""
    return user.pk in (case.applicant_id, case.agent_id)
