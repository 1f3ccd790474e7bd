"""全代办: a 帮办代办 agent acts for a company under its written authorisation (代办授权,
accounts.Authorisation: the packages it covers and, when it names them, the company's
projects; its period; revocable). The company gives and revokes one here; from then on
the agent's filings and actions for it are refused with the reason (core/access.
agent_refusal, the rules in core/authority.py: 超出授权范围, 已撤销, 已过期), while
what the agent already did stays on the cases' records, each action with the agent as
actor and the company as the applicant, who gets every notice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from onething.accounts.models import Authorisation, User
from onething.core.access import projects_visible_to
from onething.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onething.core.roles import Role

MOST_DAYS = 366  # a written authorisation lasts a year at most, then is renewed


def authorisations_of(user: User) -> QuerySet:
    """Those a company (or person) gave, or those an agent holds."""
    if user.role == Role.APPLICANT:
        given = Authorisation.objects.filter(principal=user)
    elif user.role == Role.AGENT:
        given = Authorisation.objects.filter(agent=user)
    else:
        given = Authorisation.objects.none()
    return given.select_related("principal", "agent").order_by("-valid_until", "-pk")


def revoke(actor: User, authorisation_id: int) -> Authorisation:
    """The principal withdraws an authorisation it gave, from now on."""
    if actor.role != Role.APPLICANT:
        raise Forbidden("只有委托人可以撤销代办授权")
    with transaction.atomic():
        found = (
            Authorisation.objects.select_for_update()
            .filter(pk=authorisation_id, principal=actor)
            .first()
        )
        if found is None:
            raise NotFound("没有找到您给出的这份代办授权")
        if found.revoked_at is not None:
            raise Conflict("这份代办授权已经撤销")
        found.revoked_at = timezone.now()
        found.save(update_fields=["revoked_at"])
        return found


@dataclass(frozen=True, slots=True)
class Grant:
    """A written authorisation as the company gives it."""

    agent: str  # the agent's account name
    document: str  # 授权委托书编号
    valid_until: date
    packages: Sequence[str] = ()  # empty: every one-thing
    valid_from: date | None = None
    projects: Sequence[str] = ()  # the company's projects by public id; empty: every one


def projects_of(company: User) -> dict[str, str]:
    """The company's own projects (项目) it may name: public id → name (code)."""
    own = projects_visible_to(company).filter(owner=company).order_by("name", "pk")
    return {
        str(p.public_id): f"{p.name}（{p.code}）" for p in own.only("public_id", "name", "code")
    }


def project_names(authorisation: Authorisation) -> list[str]:
    """The projects an authorisation names, as the principal calls them."""
    if not authorisation.projects:
        return []
    named = projects_visible_to(authorisation.principal).filter(
        owner=authorisation.principal, public_id__in=authorisation.projects
    )
    return [f"{p.name}（{p.code}）" for p in named.order_by("name", "pk")]


def _grant_problems(grant: Grant, known: set[str], own: dict[str, str]) -> dict[str, str]:
    problems = {}
    if not grant.document.strip() or len(grant.document.strip()) > 100:
        problems["document"] = "请填写授权委托书编号（不超过 100 字）"
    start = grant.valid_from or timezone.localdate()
    if not start <= grant.valid_until <= start + timedelta(days=MOST_DAYS):
        problems["valid_until"] = f"截止日期应在生效日期之后，{MOST_DAYS} 天以内"
    unknown = [p for p in grant.packages if p not in known]
    if unknown:
        problems["packages"] = f"没有这些一件事：{'、'.join(unknown)}"
    strangers = [p for p in grant.projects if p not in own]
    if strangers:
        problems["projects"] = f"这些不是本单位的项目：{'、'.join(strangers)}"
    return problems


def grant(actor: User, given: Grant, known_packages: set[str]) -> Authorisation:
    """The company authorises a 帮办代办 agent in writing: the packages and projects it
    covers, the period. Nothing is written on a refusal."""
    if actor.role != Role.APPLICANT:
        raise Forbidden("只有申请人（企业）可以给出代办授权")
    problems = _grant_problems(given, known_packages, projects_of(actor))
    agent = User.objects.filter(username=given.agent.strip(), role=Role.AGENT).first()
    if agent is None:
        problems["agent"] = "没有这个帮办代办人员的账号"
    if problems:
        raise InvalidInput("代办授权有误：" + "；".join(problems.values()), {"fields": problems})
    return Authorisation.objects.create(
        principal=actor,
        agent=agent,
        packages=list(dict.fromkeys(given.packages)),
        projects=list(dict.fromkeys(given.projects)),
        valid_from=given.valid_from or timezone.localdate(),
        valid_until=given.valid_until,
        document=given.document.strip(),
    )


DEMO_AGENT, DEMO_PRINCIPAL = "daiban_jiaoqu", "gridco"
DEMO_DOCUMENT = "郊区代办〔2026〕001号"
DEMO_PACKAGES = ("grid_rebuild", "charging_station", "road_project")


def ensure_demo_authorisation() -> Authorisation | None:
    """The demo's 全代办: gridco's written authorisation to 郊区帮办代办中心 for its projects'
    one-things (电网改造, 充电站, 道路), a year long; made once (again after a revocation
    only by a reset)."""
    principal = User.objects.filter(username=DEMO_PRINCIPAL, role=Role.APPLICANT).first()
    agent = User.objects.filter(username=DEMO_AGENT, role=Role.AGENT).first()
    if principal is None or agent is None:
        return None
    found = Authorisation.objects.filter(principal=principal, agent=agent).first()
    if found is not None:
        return found
    return Authorisation.objects.create(
        principal=principal,
        agent=agent,
        packages=list(DEMO_PACKAGES),
        valid_until=timezone.localdate() + timedelta(days=365),
        document=DEMO_DOCUMENT,
    )
