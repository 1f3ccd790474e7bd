"""The 联动办 pages: the joint meetings one may see (staff schedule one there), and a
meeting's page (its items, each department's decision, and the decision form for the
reviewer of an invited department). Each view reads the request, calls one service,
renders."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from onething.cases.models import Task
from onething.cases.views.common import role_required
from onething.core.access import cases_visible_to, meetings_visible_to, reviews
from onething.core.errors import CaseError
from onething.core.roles import Role
from onething.linked import authorisations as agents, meetings as services
from onething.linked.models import JointMeeting

SEE = (Role.APPLICANT, Role.AGENT, Role.CLERK, Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN)
ORGANISE = (Role.CLERK, Role.REVIEWER)


def open_tasks(user):
    return (
        Task.objects.filter(case__in=cases_visible_to(user), state__in=services.OPEN)
        .select_related("case")
        .order_by("-case__created_at", "position")[:100]
    )


def _starts_at(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return timezone.make_aware(datetime.min.replace(year=1))  # refused by the date check
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _plan_from(request: HttpRequest) -> services.MeetingPlan:
    return services.MeetingPlan(
        subject=request.POST.get("subject", ""),
        starts_at=_starts_at(request.POST.get("starts_at", "")),
        venue=request.POST.get("venue", ""),
        departments=request.POST.getlist("departments"),
        task_ids=[int(t) for t in request.POST.getlist("tasks") if t.isdigit()],
    )


@role_required(*SEE)
@require_http_methods(["GET", "POST"])
def meetings(request: HttpRequest) -> HttpResponse:
    """联合审批: the meetings one may see; window and department staff schedule one."""
    organises = request.user.role in ORGANISE
    message, status = "", 200
    if request.method == "POST" and organises:
        try:
            meeting = services.schedule_meeting(request.user, _plan_from(request))
        except CaseError as exc:
            message, status = exc.message, 400
        else:
            messages.success(request, "联合审批会议已安排，已通知参会部门。")
            return redirect("linked:meeting", meeting.public_id)
    context = {
        "rows": meetings_visible_to(request.user).order_by("-starts_at")[:100],
        "organises": organises,
        "departments": services.department_names().items() if organises else [],
        "tasks": open_tasks(request.user) if organises else [],
        "posted": request.POST,
        "message": message,
        "nav": "linked",
    }
    return render(request, "linked/meetings.html", context, status=status)


def _visible_meeting(request: HttpRequest, public_id) -> JointMeeting:
    meeting = meetings_visible_to(request.user).filter(public_id=public_id).first()
    if meeting is None:
        raise Http404("没有找到这个联合审批会议")
    return meeting


@role_required(*SEE)
def meeting(request: HttpRequest, public_id) -> HttpResponse:
    found = _visible_meeting(request, public_id)
    seats = list(found.seats.select_related("decided_by"))
    names = services.department_names()
    tasks = services.meeting_tasks(found)
    mine = next(
        (s for s in seats if reviews(request.user) and s.department == request.user.department),
        None,
    )
    context = {
        "meeting": found,
        "tasks": [(t, names.get(t.department, t.department)) for t in tasks],
        "seats": seats,
        "my_seat": mine if found.state == JointMeeting.SCHEDULED else None,
        "nav": "linked",
    }
    return render(request, "linked/meeting.html", context)


@role_required(Role.REVIEWER)
@require_POST
def decide(request: HttpRequest, public_id) -> HttpResponse:
    found = _visible_meeting(request, public_id)
    approve = request.POST.get("decision") == "approve"
    try:
        services.record_decision(
            request.user, found.public_id, approve, request.POST.get("reason", "")
        )
        messages.success(request, "已记录本部门的决定。")
    except CaseError as exc:
        messages.error(request, exc.message)
    return redirect("linked:meeting", found.public_id)


# --------------------------------------------------------------------------- 全代办


def _grant_from(request: HttpRequest) -> agents.Grant:
    try:
        until = date.fromisoformat(request.POST.get("valid_until", "").strip())
    except ValueError:
        until = date.min
    return agents.Grant(
        agent=request.POST.get("agent", ""),
        document=request.POST.get("document", ""),
        valid_until=until,
        packages=request.POST.getlist("packages"),
        projects=request.POST.getlist("projects"),
    )


@role_required(Role.APPLICANT, Role.AGENT)
@require_http_methods(["GET", "POST"])
def authorisations(request: HttpRequest) -> HttpResponse:
    """代办授权: those a company gave (to give one, to revoke) or an agent holds."""
    names = services.package_names()
    own = agents.projects_of(request.user) if request.user.role == Role.APPLICANT else {}
    message, status = "", 200
    if request.method == "POST" and request.user.role == Role.APPLICANT:
        try:
            agents.grant(request.user, _grant_from(request), set(names))
        except CaseError as exc:
            message, status = exc.message, 400
        else:
            messages.success(request, "代办授权已生效。")
            return redirect("linked:authorisations")
    today = timezone.localdate()
    rows = list(agents.authorisations_of(request.user))
    for row in rows:
        row.package_names = [names.get(p, p) for p in row.packages]
        row.project_names = agents.project_names(row)
        row.in_force = row.valid_from <= today <= row.valid_until
    context = {
        "rows": rows,
        "packages": names.items(),
        "projects": own.items(),
        "message": message,
        "posted": request.POST,
        "nav": "linked",
    }
    return render(request, "linked/authorisations.html", context, status=status)


@role_required(Role.APPLICANT)
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        agents.revoke(request.user, pk)
        messages.success(request, "代办授权已撤销，代办员不能再为您办理。")
    except CaseError as exc:
        messages.error(request, exc.message)
    return redirect("linked:authorisations")
