"""Roles (pure): who a user is to the platform, and what each administrator role may do
in the admin (data only; core/access/ asks it: `account_fields_for`, `admin_permissions`)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    APPLICANT = "applicant"  # a citizen, or an enterprise's own account
    AGENT = "agent"  # 代办员: acts for applicants who authorised them
    CLERK = "clerk"  # 综合窗口
    REVIEWER = "reviewer"  # 部门审批人员
    EDITOR = "editor"  # 事项编制
    PUBLISHER = "publisher"  # 审核发布: reviews the draft catalogue, publishes or returns it
    SUPERVISOR = "supervisor"  # 监督
    ADMIN = "admin"  # 系统管理员: accounts, the catalogue, configuration
    SECURITY_ADMIN = "security_admin"  # 安全管理员: roles, jurisdictions, 2FA, lock-outs
    AUDIT_ADMIN = "audit_admin"  # 审计管理员: reads the audit records, nothing else


ROLE_LABELS = {
    Role.APPLICANT: "申请人",
    Role.AGENT: "代办员",
    Role.CLERK: "综合窗口",
    Role.REVIEWER: "部门审批",
    Role.EDITOR: "事项编制",
    Role.PUBLISHER: "审核发布",
    Role.SUPERVISOR: "监督",
    Role.ADMIN: "系统管理员",
    Role.SECURITY_ADMIN: "安全管理员",
    Role.AUDIT_ADMIN: "审计管理员",
}

# 三权分立: the three administrators, none of whom may do another's work.
ADMINISTRATORS = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Staff log in with a second factor (TOTP) after the password.
STAFF_ROLES = frozenset(
    {Role.CLERK, Role.REVIEWER, Role.EDITOR, Role.PUBLISHER, Role.SUPERVISOR} | ADMINISTRATORS
)
PUBLIC_ROLES = frozenset({Role.APPLICANT, Role.AGENT})

# Account fields each administrator keeps (the admin's user page): the system
# administrator the identity, the security administrator what the account may do.
ACCOUNT_FIELDS = {
    Role.ADMIN: frozenset(
        {"username", "full_name", "first_name", "last_name", "email", "applicant_kind", "uscc"}
    ),
    Role.SECURITY_ADMIN: frozenset({"role", "department", "jurisdiction", "is_active"}),
}


# What the business records need in the admin to be read (read-only there for everyone).
_RECORDS = (
    "cases.view_case cases.view_task cases.view_notice cases.view_evidence "
    "cases.view_delivery cases.view_specialprocedure cases.view_outboxmessage "
    "licences.view_licence licences.view_licenceevent licences.view_licenceserial "
    "evaluation.view_rating evaluation.view_rectification evaluation.view_rectificationstep "
    "evaluation.view_complaint evaluation.view_complaintevent evaluation.view_dailyfigures "
    "evaluation.view_figureswatermark"
)
# The audit records: the case action logs, personal-data views, the admin's change log,
# log-ins. Only the audit administrator reads them.
AUDIT_RECORDS = frozenset(
    {
        "cases.view_action",
        "privacy.view_personaldataview",
        "admin.view_logentry",
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
        "editing.view_editingstep",  # 事项编制's steps: edited, submitted, published …
    }
)
# The admin's permissions ("app_label.codename") of each role: the role alone decides.
ADMIN_PERMISSIONS = {
    Role.EDITOR: frozenset({"catalog.view_catalogversion"}),
    Role.ADMIN: frozenset(
        {
            *("accounts.add_user", "accounts.change_user", "accounts.view_user"),
            *("accounts.add_authorisation", "accounts.change_authorisation"),
            *("accounts.view_authorisation", "accounts.delete_authorisation"),
            *("catalog.view_catalogversion", "catalog.change_catalogversion"),
            *_RECORDS.split(),
        }
    ),
    Role.SECURITY_ADMIN: frozenset(
        {
            *("accounts.view_user", "accounts.change_user"),
            *("accounts.view_apitoken", "accounts.delete_apitoken"),
            *("axes.view_accessattempt", "axes.delete_accessattempt"),
            *("otp_totp.view_totpdevice", "otp_totp.delete_totpdevice"),
        }
    ),
    Role.AUDIT_ADMIN: AUDIT_RECORDS,
}


class ApplicantKind(StrEnum):
    PERSON = "person"
    ENTERPRISE = "enterprise"
