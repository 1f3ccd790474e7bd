"""Where each role starts after logging in (the header's links are in web/base.html)."""

from __future__ import annotations

from django.urls import reverse

from onething.core.roles import Role

_START = {
    Role.APPLICANT: "cases:mine",
    Role.AGENT: "cases:mine",
    Role.CLERK: "cases:window",
    Role.REVIEWER: "cases:review",
    Role.SUPERVISOR: "cases:supervision",
    Role.EDITOR: "editing:home",
    Role.PUBLISHER: "editing:review",
    Role.ADMIN: "admin:index",
    Role.SECURITY_ADMIN: "admin:accounts_user_changelist",
    Role.AUDIT_ADMIN: "privacy:views",
}


def start_page_for(user) -> str:
    """The page a user lands on after logging in: their role's work list."""
    return reverse(_START.get(getattr(user, "role", ""), "guides:home"))
