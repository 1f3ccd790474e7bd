"""Personal data shown in full: to whom."""

from __future__ import annotations

from django.db.models import QuerySet

from onething.core.access.base import _model, reach_of
from onething.core.roles import Role

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
