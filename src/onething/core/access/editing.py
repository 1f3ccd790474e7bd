"""事项编制: who sees the editor and what each may change.

Only catalogue editors and publishers (审核发布) see the editor at all. The
行政审批服务管理局's editor (department `approval`, 审批局) keeps the packages, the
material library and the data dictionary and may change any item; a department's
editor changes only the items of their department. An editor with no department changes
nothing (an empty department never means every department). The publisher reads
everything, previews, publishes, returns and rolls back, and edits nothing.
"""

from __future__ import annotations

from onething.core.roles import Role

__all__ = [
    "APPROVAL_BUREAU",
    "edits_catalog",
    "edits_library",
    "may_edit_item",
    "may_export_catalog",
    "publishes_catalog",
    "sees_editor",
]

APPROVAL_BUREAU = "approval"  # 行政审批服务管理局's department id in the catalogue


def sees_editor(user) -> bool:
    return getattr(user, "role", None) in (Role.EDITOR, Role.PUBLISHER)


def edits_catalog(user) -> bool:
    """An editor who may change something (their department's items at least)."""
    return getattr(user, "role", None) == Role.EDITOR and bool(getattr(user, "department", ""))


def edits_library(user) -> bool:
    """The 审批局's editor: packages, materials, fields, and every item."""
    return edits_catalog(user) and user.department == APPROVAL_BUREAU


def may_edit_item(user, department: str | None) -> bool:
    return edits_library(user) or (edits_catalog(user) and department == user.department)


def publishes_catalog(user) -> bool:
    return getattr(user, "role", None) == Role.PUBLISHER


def may_export_catalog(user) -> bool:
    """A published version's file: the editors, the publisher, the system administrator."""
    return sees_editor(user) or getattr(user, "role", None) == Role.ADMIN
