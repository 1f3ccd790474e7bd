"""The 联合验收 pages: the joint inspections one may see (staff schedule one there), an
inspection's page made for a phone on site (its items, each department's findings, and
the findings form with photos for the reviewer of a department taking part), and the
joint report PDF. Each view reads the request, calls one service, renders."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from onething.cases.views.common import role_required
from onething.core.access import inspections_visible_to, reviews
from onething.core.errors import CaseError
from onething.core.roles import Role
from onething.linked import inspections as services
from onething.linked.meetings import department_names
from onething.linked.models import JointInspection
from onething.linked.report import render_inspection_pdf
from onething.linked.views import ORGANISE, SEE, open_tasks


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return date.min


def _plan_from(request: HttpRequest) -> services.InspectionPlan:
    return services.InspectionPlan(
        site=request.POST.get("site", ""),
        day=_day(request.POST.get("day", "")),
        departments=request.POST.getlist("departments"),
        task_ids=[int(t) for t in request.POST.getlist("tasks") if t.isdigit()],
    )


@role_required(*SEE)
@require_http_methods(["GET", "POST"])
def inspections(request: HttpRequest) -> HttpResponse:
    """联合验收: the inspections one may see; window and department staff schedule one."""
    organises = request.user.role in ORGANISE
    message, status = "", 200
    if request.method == "POST" and organises:
        try:
            found = services.schedule_inspection(request.user, _plan_from(request))
        except CaseError as exc:
            message, status = exc.message, 400
        else:
            messages.success(request, "联合验收已安排，已通知参加部门。")
            return redirect("linked:inspection", found.public_id)
    context = {
        "rows": inspections_visible_to(request.user).order_by("-day")[:100],
        "organises": organises,
        "departments": department_names().items() if organises else [],
        "tasks": open_tasks(request.user) if organises else [],
        "posted": request.POST,
        "message": message,
        "nav": "linked",
    }
    return render(request, "linked/inspections.html", context, status=status)


def _visible(request: HttpRequest, public_id) -> JointInspection:
    found = inspections_visible_to(request.user).filter(public_id=public_id).first()
    if found is None:
        raise Http404("没有找到这个联合验收")
    return found


@role_required(*SEE)
def inspection(request: HttpRequest, public_id) -> HttpResponse:
    found = _visible(request, public_id)
    seats = list(found.seats.select_related("inspected_by").prefetch_related("photos"))
    department = request.user.department if reviews(request.user) else None
    mine = next((s for s in seats if s.department == department), None)
    context = {
        "inspection": found,
        "items": services.inspected_items(found),
        "seats": seats,
        "my_seat": mine if found.state == JointInspection.SCHEDULED else None,
        "most_photos": services.MOST_PHOTOS,
        "nav": "linked",
    }
    return render(request, "linked/inspection.html", context)


@role_required(Role.REVIEWER)
@require_POST
def findings(request: HttpRequest, public_id) -> HttpResponse:
    found = _visible(request, public_id)
    days = request.POST.get("rectify_days", "").strip()
    recorded = services.Findings(
        passed=request.POST.get("passed") == "yes",
        text=request.POST.get("findings", ""),
        rectify_days=int(days) if days.isdigit() else None,
        photos=[upload.read() for upload in request.FILES.getlist("photos")],
    )
    try:
        services.record_findings(request.user, found.public_id, recorded)
        messages.success(request, "已记录本部门的查验意见和现场照片。")
    except CaseError as exc:
        messages.error(request, exc.message)
    return redirect("linked:inspection", found.public_id)


@role_required(*SEE)
def report(request: HttpRequest, public_id) -> HttpResponse:
    """联合验收意见书 (PDF)."""
    found = _visible(request, public_id)
    response = HttpResponse(render_inspection_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="joint-inspection.pdf"'
    return response
