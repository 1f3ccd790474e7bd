"""Who may read the record of personal-data views (个人信息查看记录): one place."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from onething.accounts.roles import Role
from onething.cases.query import jurisdiction_prefix
from onething.privacy.models import PersonalDataView

AUDIT_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def views_visible_to(user) -> QuerySet[PersonalDataView]:
    """Every record for an administrator. For a supervisor, the records whose viewer or
    subject belongs to their jurisdiction or lies within it (吕梁市 sees its counties',
    离石区 its own), by the prefix rule the case lists use. Nothing for anyone else, nor
    for a supervisor whose account has no jurisdiction."""
    records = PersonalDataView.objects.all()
    if user.role == Role.ADMIN:
        return records
    prefix = jurisdiction_prefix(user.jurisdiction or "")
    if user.role != Role.SUPERVISOR or not prefix:
        return records.none()
    return records.filter(
        Q(viewer__jurisdiction__startswith=prefix) | Q(subject__jurisdiction__startswith=prefix)
    )
