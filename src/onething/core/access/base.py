"""Reach and roles: jurisdictions as code prefixes, and the role sets every check uses."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q

from onething.core.roles import Role

APPLICANT_SIDE = frozenset({Role.APPLICANT, Role.AGENT})
# Staff who handle cases and may be shown a person's data in full (recorded each time).
CASE_STAFF = frozenset({Role.CLERK, Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN})
# Staff acting in office: their own names are shown in full to everyone.
IN_OFFICE = frozenset(
    {Role.CLERK, Role.REVIEWER, Role.EDITOR, Role.PUBLISHER, Role.SUPERVISOR, Role.ADMIN}
)
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
