"""我的办件: an applicant's cases (an agent: those filed for principals) with their
progress and next step, and an agent's principals."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from onething.accounts.models import Authorisation
from onething.cases.lifecycle import (
    CaseState,
    TaskState,
)
from onething.cases.views.case_words import (
    case_deadline,
    next_step,
    progress,
)
from onething.cases.views.common import (
    current_catalog_or_none,
    for_listing,
    name_lookups,
    paginate,
    role_required,
)
from onething.core.access import cases_visible_to
from onething.core.roles import Role
from onething.privacy.services import display_name


@role_required(Role.APPLICANT, Role.AGENT)
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """My cases (an agent: the cases filed for principals) and an agent's principals."""
    user = request.user
    today = timezone.localdate()
    place, _department = name_lookups(current_catalog_or_none())
    page = paginate(
        request, for_listing(cases_visible_to(user), with_tasks=True).order_by("-created_at")
    )
    rows = []
    for case in page:
        tasks = list(case.tasks.all())
        done, total = progress(tasks)
        rows.append(
            {
                "case": case,
                "applicant": display_name(user, case.applicant),
                "done": done,
                "total": total,
                "deadline": case_deadline(case, today),
                "next": next_step(case, tasks, place),
                "attention": case.state in (CaseState.DRAFT, CaseState.AWAITING_COMPLETION)
                or any(t.state == TaskState.SUPPLEMENT for t in tasks)
                or case.state == CaseState.READY,
            }
        )
    principals = []
    if user.role == Role.AGENT:
        current = current_catalog_or_none()
        for authorisation in Authorisation.objects.filter(agent=user).select_related("principal"):
            if authorisation.revoked_at is not None or authorisation.valid_until < today:
                continue
            packages = [
                current.packages[p].name if current and p in current.packages else p
                for p in authorisation.packages
            ]
            principals.append(
                {
                    "name": display_name(user, authorisation.principal),
                    "packages": "、".join(packages) or "全部一件事",
                    "valid_until": authorisation.valid_until,
                    "document": authorisation.document,
                }
            )
    return render(
        request,
        "cases/mine.html",
        {"nav": "mine", "rows": rows, "page": page, "principals": principals},
    )
