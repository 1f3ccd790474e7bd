"""Roles (pure): who a user is to the platform."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    APPLICANT = "applicant"  # a citizen, or an enterprise's own account
    AGENT = "agent"  # 代办员: acts for applicants who authorised them
    CLERK = "clerk"  # 综合窗口
    REVIEWER = "reviewer"  # 部门审批人员
    EDITOR = "editor"  # 事项编制
    SUPERVISOR = "supervisor"  # 监督
    ADMIN = "admin"


ROLE_LABELS = {
    Role.APPLICANT: "申请人",
    Role.AGENT: "代办员",
    Role.CLERK: "综合窗口",
    Role.REVIEWER: "部门审批",
    Role.EDITOR: "事项编制",
    Role.SUPERVISOR: "监督",
    Role.ADMIN: "系统管理员",
}

STAFF_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.EDITOR, Role.SUPERVISOR, Role.ADMIN})
PUBLIC_ROLES = frozenset({Role.APPLICANT, Role.AGENT})


class ApplicantKind(StrEnum):
    PERSON = "person"
    ENTERPRISE = "enterprise"
