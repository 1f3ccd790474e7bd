"""代办授权 as rules, without the framework: whether the written authorisations a principal
gave an agent let the agent act on one case today, and if not, why — in words the agent
is shown (授权已于 … 撤销, 授权已过期, 超出授权范围：项目 X 不在授权书中).

An authorisation covers a case when it is not revoked, today lies within its period, the
case's one-thing is among its packages (none named: every one), and — when it names
projects — the case belongs to one of them. A case the agent did not file is theirs to
carry only under an authorisation that names its project.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Written:
    """One authorisation's facts (accounts.Authorisation)."""

    valid_from: date
    valid_until: date
    revoked_at: datetime | None = None
    packages: tuple[str, ...] = ()  # empty: every one-thing
    projects: tuple[str, ...] = ()  # project public ids; empty: every project


@dataclass(frozen=True, slots=True)
class Subject:
    """What the agent acts on: a case's one-thing, and its project if it has one."""

    package_id: str
    package_name: str = ""
    project_id: str | None = None
    project_name: str = ""
    filed_by_agent: bool = True  # a new filing, or a case the agent filed


def _in_scope(written: Written, subject: Subject) -> bool:
    if written.packages and subject.package_id not in written.packages:
        return False
    if written.projects:
        return subject.project_id in written.projects
    return subject.filed_by_agent


def _standing(written: Written, today: date) -> str | None:
    """Why an authorisation is not in force today (None: it is)."""
    if written.revoked_at is not None:
        return f"授权已于 {written.revoked_at:%Y-%m-%d %H:%M} 撤销"
    if today < written.valid_from:
        return f"授权尚未生效（自 {written.valid_from:%Y-%m-%d} 起）"
    if today > written.valid_until:
        return f"授权已过期（有效期至 {written.valid_until:%Y-%m-%d}）"
    return None


def _out_of_scope(written: Written, subject: Subject) -> str:
    if written.packages and subject.package_id not in written.packages:
        return f"超出授权范围：“{subject.package_name or subject.package_id}”不在授权书中"
    if written.projects and subject.project_id is None:
        return "超出授权范围：授权书只列明了具体项目，此办件不属于其中任何项目"
    if written.projects:
        return f"超出授权范围：项目“{subject.project_name}”不在授权书中"
    return "超出授权范围：此办件不是您代办的，授权书也未列明其项目"


def refusal(given: Sequence[Written], subject: Subject, today: date) -> str | None:
    """None when one authorisation covers the subject today; otherwise the reason, said of
    the authorisation that matters most: one in force (the subject is outside its
    scope), else the latest whose scope holds (revoked, or its period over), else the
    latest of all."""
    if not given:
        return "委托人没有向您出具代办授权"
    in_force = [w for w in given if _standing(w, today) is None]
    if any(_in_scope(w, subject) for w in in_force):
        return None
    if in_force:
        return _out_of_scope(in_force[0], subject)
    in_scope = [w for w in given if _in_scope(w, subject)] or list(given)
    latest = max(in_scope, key=lambda w: (w.revoked_at is None, w.valid_until))
    return _standing(latest, today)
