"""三权分立: the three administrators, none doing another's work."""

from __future__ import annotations

from onething.core.roles import ACCOUNT_FIELDS, ADMIN_PERMISSIONS, Role

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
