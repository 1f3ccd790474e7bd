"""The 联合验收 pages: the joint inspections one may see (staff schedule one there), an
inspection's page made for a phone on site (its items, each department's findings, and
the findings form with photos for the reviewer of a department taking part), and the
joint report PDF. Each view reads the request, calls one service, renders."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onething.cases import uploads
from onething.cases.views.common import role_required
from onething.core.access import inspections_visible_to, reviews
from onething.core.errors import CaseError
from onething.core.roles import Role
from onething.linked import inspections as services, reinspections as again
from onething.linked.meetings import department_names
from onething.linked.models import InspectionPhoto, JointInspection
from onething.linked.report import MIME, render_inspection_pdf
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
    rows = list(inspections_visible_to(request.user).order_by("-day")[:100])
    context = {
        "rows": rows,
        "overdue": again.with_overdue(rows),
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
    seats = list(
        found.seats.select_related("inspected_by").prefetch_related(
            "photos", "reinspections__inspected_by"
        )
    )
    department = request.user.department if reviews(request.user) else None
    mine = next((s for s in seats if s.department == department), None)
    late = {r.item.pk: r.overdue_days for r in again.rectifications(found)}
    items = services.inspected_items(found)
    for item in items:
        item.overdue_days = late.get(item.pk, 0)
    scheduled = found.state == JointInspection.SCHEDULED
    context = {
        "inspection": found,
        "items": items,
        "seats": seats,
        "my_seat": mine if scheduled else None,
        "reinspect_seat": mine if late and mine and not again.cleared(mine) else None,
        "overdue": sum(1 for days in late.values() if days),
        "most_photos": services.MOST_PHOTOS,
        "nav": "linked",
    }
    return render(request, "linked/inspection.html", context)


def _findings_from(request: HttpRequest) -> services.Findings:
    days = request.POST.get("rectify_days", "").strip()
    return services.Findings(
        passed=request.POST.get("passed") == "yes",
        text=request.POST.get("findings", ""),
        rectify_days=int(days) if days.isdigit() else None,
        photos=[upload.read() for upload in request.FILES.getlist("photos")],
    )


@role_required(Role.REVIEWER)
@require_POST
def reinspect(request: HttpRequest, public_id) -> HttpResponse:
    """复验: the department's re-inspection of the rectification."""
    found = _visible(request, public_id)
    try:
        again.record_reinspection(request.user, found.public_id, _findings_from(request))
        messages.success(request, "已记录本部门的复验结果。")
    except CaseError as exc:
        messages.error(request, exc.message)
    return redirect("linked:inspection", found.public_id)


@role_required(*SEE)
@require_GET
def photo(request: HttpRequest, public_id, photo_id: int) -> HttpResponse:
    """A photo taken on site, read from the encrypted store for those who may see the
    inspection; never a public address, never cached."""
    found = _visible(request, public_id)
    taken = InspectionPhoto.objects.filter(pk=photo_id, seat__inspection=found).first()
    if taken is None:
        raise Http404("没有这张现场照片")
    response = HttpResponse(uploads.get(taken.stored_name), content_type=MIME[taken.kind])
    response["Content-Disposition"] = f'inline; filename="photo-{taken.pk}.{taken.kind}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(Role.REVIEWER)
@require_POST
def findings(request: HttpRequest, public_id) -> HttpResponse:
    found = _visible(request, public_id)
    try:
        services.record_findings(request.user, found.public_id, _findings_from(request))
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
