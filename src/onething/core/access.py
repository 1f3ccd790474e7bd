"""Who may see what, and who may do what: the one place every page, API, service and
list asks (a `*_visible_to(user)` queryset per model, and named checks on one object).

Jurisdictions are GB/T 2260 codes that nest, so "within a jurisdiction" is a prefix:
吕梁市 141100 covers 1411xx. Staff see what lies within their own jurisdiction; a staff
account with no jurisdiction sees nothing (never "everything" — an empty prefix would
match every code). The administrator sees everything; an applicant their own; an agent
what they filed for the principals who authorised them.

The models are looked up through Django's app registry, so this module imports no
other app of the platform: every app may ask it, and no import cycle arises.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from onething.core.authority import Subject, refusal
from onething.core.errors import Forbidden
from onething.core.roles import ACCOUNT_FIELDS, ADMIN_PERMISSIONS, Role

APPLICANT_SIDE = frozenset({Role.APPLICANT, Role.AGENT})
# Staff who handle cases and may be shown a person's data in full (recorded each time).
CASE_STAFF = frozenset({Role.CLERK, Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN})
# Staff acting in office: their own names are shown in full to everyone.
IN_OFFICE = frozenset({Role.CLERK, Role.REVIEWER, Role.EDITOR, Role.SUPERVISOR, Role.ADMIN})
SUPERVISING = frozenset({Role.SUPERVISOR, Role.ADMIN})


def _model(name: str):
    app_label, model = name.split(".")
    return apps.get_model(app_label, model)


# --------------------------------------------------------------------------- reach


def jurisdiction_prefix(code: str) -> str:
    """The code prefix shared by a jurisdiction and everything within it."""
    if len(code) == 6 and code.endswith("0000"):
        return code[:2]
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    return code


def within(field: str, prefix: str) -> Q:
    """`field` holds a code within the jurisdiction of `prefix`: equality for a county's
    full code (so that indexes on the field keep their order), a prefix range otherwise."""
    return Q(**{field: prefix}) if len(prefix) == 6 else Q(**{f"{field}__startswith": prefix})


@dataclass(frozen=True, slots=True)
class Reach:
    """Where a member of staff may look: everywhere (the administrator), within one
    jurisdiction's prefix, or nowhere (not staff, or no jurisdiction)."""

    everywhere: bool = False
    prefix: str | None = None

    @property
    def nowhere(self) -> bool:
        return not self.everywhere and not self.prefix

    def q(self, *fields: str) -> Q:
        """Rows whose code in any of `fields` lies within reach."""
        if self.everywhere:
            return Q()
        if not self.prefix:
            return Q(pk__in=[])
        condition = Q(pk__in=[])
        for field in fields:
            condition |= within(field, self.prefix)
        return condition

    def covers(self, code: str | None) -> bool:
        return self.everywhere or bool(self.prefix and (code or "").startswith(self.prefix))


def reach_of(user) -> Reach:
    role = getattr(user, "role", None)
    if role == Role.ADMIN:
        return Reach(everywhere=True)
    if role in IN_OFFICE and getattr(user, "jurisdiction", ""):
        return Reach(prefix=jurisdiction_prefix(user.jurisdiction))
    return Reach()


# --------------------------------------------------------------------------- roles


def acts_for_applicant(user) -> bool:
    """An applicant, or an agent acting for one."""
    return getattr(user, "role", None) in APPLICANT_SIDE


def handles_cases(user) -> bool:
    """Staff who handle cases: window, departments, supervisors, the administrator."""
    return getattr(user, "role", None) in CASE_STAFF


def may_see_in_full(user) -> bool:
    """May be shown a person's ID and phone number in full (each time recorded)."""
    return handles_cases(user)


def in_office(person) -> bool:
    """Acts in office: their name is shown in full (窗口、部门、承办人)."""
    return getattr(person, "role", None) in IN_OFFICE


def supervises(user) -> bool:
    return getattr(user, "role", None) in SUPERVISING


def works_at_window(user) -> bool:
    return getattr(user, "role", None) == Role.CLERK


def reviews(user) -> bool:
    return getattr(user, "role", None) == Role.REVIEWER


def may_be_assigned_complaints(person) -> bool:
    return getattr(person, "role", None) in (Role.CLERK, Role.REVIEWER)


def may_revoke_licences(user) -> bool:
    return getattr(user, "role", None) in (Role.REVIEWER, Role.ADMIN)


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


# --------------------------------------------------------------------------- personal data


def may_read_data_views(user) -> bool:
    """The record of personal-data views (/privacy/views/): supervisors (their
    jurisdiction's) and the audit administrator (all); never the system or the security
    administrator (三权分立)."""
    return getattr(user, "role", None) in (Role.SUPERVISOR, Role.AUDIT_ADMIN)


def data_views_visible_to(user) -> QuerySet:
    """个人信息查看记录: a supervisor's jurisdiction's (the viewer's or the person's);
    the audit administrator's all; nobody else's."""
    views = _model("privacy.PersonalDataView").objects.all()
    role = getattr(user, "role", None)
    if role == Role.AUDIT_ADMIN:
        return views
    if role != Role.SUPERVISOR:
        return views.none()
    return views.filter(reach_of(user).q("viewer__jurisdiction", "subject__jurisdiction"))


# --------------------------------------------------------------------------- 三权分立
# The system, security and audit administrators are three roles, and none may do
# another's work: in the app's pages (the checks below) and in the admin (the
# permissions each role has there, `admin_permissions`; the superuser flag is for
# setting up only).


def administers_system(user) -> bool:
    """系统管理员: creates accounts and keeps their details, imports the catalogue,
    configures the platform; never roles, credentials or the audit records."""
    return getattr(user, "role", None) == Role.ADMIN


def administers_security(user) -> bool:
    """安全管理员: roles and jurisdictions of accounts, second-factor resets, lock-outs and
    password resets; never the catalogue, cases or the audit records."""
    return getattr(user, "role", None) == Role.SECURITY_ADMIN


def audits(user) -> bool:
    """审计管理员: reads the audit records and the record of personal-data views, and
    nothing else."""
    return getattr(user, "role", None) == Role.AUDIT_ADMIN


def may_reset_credentials(user, account) -> bool:
    """Reset a password or a second factor, lift a lock-out: the security administrator,
    for anyone but themselves."""
    return administers_security(user) and getattr(account, "pk", None) != user.pk


def account_fields_for(user, account) -> frozenset[str]:
    """The fields of `account` that `user` may change; what someone may do is never
    changed by themselves (their own role, jurisdiction, whether they are active)."""
    fields = ACCOUNT_FIELDS.get(getattr(user, "role", None), frozenset())
    if administers_security(user) and getattr(account, "pk", None) == user.pk:
        return frozenset()
    return fields


def admin_permissions(user) -> frozenset[str]:
    """The admin's permissions ("app_label.codename") of the user's role: the role alone
    decides, so no group or per-user permission can undo the separation of duties."""
    if not getattr(user, "is_active", False):
        return frozenset()
    return ADMIN_PERMISSIONS.get(getattr(user, "role", None), frozenset())


# --------------------------------------------------------------------------- 专区办


def zones_visible_to(user) -> QuerySet:
    """专区: staff of its jurisdiction (and the administrator) see a zone."""
    return _model("zones.Zone").objects.filter(reach_of(user).q("jurisdiction"))


def serves_zone(user, zone) -> bool:
    """The zone's window: a clerk assigned to it (its imports, materials and acceptance)."""
    return works_at_window(user) and zone.clerks.filter(pk=user.pk).exists()
