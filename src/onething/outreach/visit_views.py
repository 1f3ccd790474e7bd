"""上门办 pages: the requests one may see and the request form (applicants for
themselves, window clerks for an applicant); a visit's page — its schedule for the
applicant, the scheduling form for a supervisor of the jurisdiction, and the visiting
clerk's phone page (identity, photos, the one form, accept on site)."""

from __future__ import annotations

from datetime import date, time

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from onething.cases.views.apply_form import county_groups
from onething.cases.views.common import case_url, role_required
from onething.catalog.services import current_catalog
from onething.core.access import may_supervise, visits_visible_to
from onething.core.errors import CaseError, InvalidInput
from onething.core.roles import Role
from onething.outreach import assisting, rules, visits
from onething.outreach.form_part import form_context, posted_form
from onething.privacy.masking import mask_id_number, mask_phone
from onething.privacy.services import display_name, record_view

SEE = (Role.APPLICANT, Role.CLERK, Role.SUPERVISOR, Role.ADMIN)


def _dates(values: list[str]) -> list[date]:
    days = []
    for text in values:
        if text.strip():
            try:
                days.append(date.fromisoformat(text.strip()))
            except ValueError:
                raise InvalidInput(f"日期“{text}”格式应为 年-月-日") from None
    return days


def _asked(request: HttpRequest) -> visits.VisitRequest:
    posted = request.POST
    return visits.VisitRequest(
        package_id=posted.get("package", ""),
        place=posted.get("place", ""),
        address=posted.get("address", ""),
        reason=posted.get("reason", ""),
        reason_note=posted.get("reason_note", ""),
        preferred_dates=_dates(posted.getlist("preferred_dates")),
        phone=posted.get("phone", ""),
    )


def _request(request: HttpRequest):
    user = request.user
    applicant = None
    if user.role == Role.CLERK:
        applicant = assisting.find_citizen(user, request.POST.get("id_number", ""))
        if applicant is None:
            raise InvalidInput("没有找到该身份证号码的申请人账户，请先在“帮办代办”为其登记")
    return visits.request_visit(user, _asked(request), applicant)


@role_required(*SEE)
@require_http_methods(["GET", "POST"])
def visit_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    asks = user.role in (Role.APPLICANT, Role.CLERK)
    error, fields = "", {}
    if request.method == "POST" and asks:
        try:
            visit = _request(request)
        except CaseError as exc:
            error, fields = exc.message, exc.details.get("fields", {})
        else:
            messages.success(request, "上门办申请已提交，监督人员安排后将通知您上门时间。")
            return redirect("outreach:visit", visit.public_id)
    rows = visits_visible_to(user).select_related("applicant", "visitor")[:100]
    current = current_catalog()
    context = {
        "nav": "visits",
        "rows": [(v, display_name(user, v.applicant)) for v in rows],
        "asks": asks,
        "packages": [(p.id, p.name) for p in current.catalog.packages.values()] if current else [],
        "counties": county_groups(current.catalog) if current else [],
        "reasons": rules.REASONS.items(),
        "default_place": user.jurisdiction,
        "posted": request.POST,
        "error": error,
        "fields": fields,
    }
    return render(request, "outreach/visits.html", context, status=400 if error else 200)


def _masked_address(address: str) -> str:
    """The area only (县、乡镇 enough to plan a visit); the rest for the visitor."""
    return address[:9] + "****" if len(address) > 9 else "****"


def _visible(request: HttpRequest, public_id):
    try:
        return visits.open_visit(request.user, public_id)
    except CaseError:
        raise Http404("没有找到这个上门办申请") from None


@role_required(*SEE)
def visit_page(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    visit = _visible(request, public_id)
    visiting = visit.visitor_id == user.pk and visit.state == rules.VisitState.SCHEDULED
    own = visit.applicant_id == user.pk
    if visiting:  # the visiting clerk needs the address and phone in full
        record_view(user, visit.applicant, "上门地址、联系电话", "上门办")
    context = {
        "nav": "visits",
        "visit": visit,
        "applicant_name": display_name(user, visit.applicant),
        "applicant_id": mask_id_number(visit.applicant.id_number),
        "address": visit.address if (visiting or own) else _masked_address(visit.address),
        "phone": visit.contact_phone if (visiting or own) else mask_phone(visit.contact_phone),
        "visiting": visiting,
        "schedules": may_supervise(user, visit.jurisdiction)
        and visit.state in (rules.VisitState.REQUESTED, rules.VisitState.SCHEDULED),
        "visitors": visits.visitors_for(visit),
        "may_cancel": visit.state in (rules.VisitState.REQUESTED, rules.VisitState.SCHEDULED)
        and (own or may_supervise(user, visit.jurisdiction)),
        "identity_methods": rules.IDENTITY_METHODS.items(),
        "materials": visits.material_choices(visit) if visiting else [],
        "photos": list(visit.photos.all()),
        "events": list(visit.events.select_related("actor")),
    }
    return render(request, "outreach/visit.html", context)


@role_required(Role.CLERK)
@require_http_methods(["GET", "POST"])
def visit_form(request: HttpRequest, public_id) -> HttpResponse:
    """The one form, filled in on site by the visiting clerk."""
    visit = _visible(request, public_id)
    if visit.visitor_id != request.user.pk or visit.state != rules.VisitState.SCHEDULED:
        messages.error(request, "只有安排上门的工作人员可以在上门时填写一表。")
        return redirect("outreach:visit", public_id)
    record_view(request.user, visit.applicant, "身份证号码、手机号码（一表）", "上门办")
    error, errors = "", {}
    if request.method == "POST" and request.POST.get("intent") == "save":
        try:
            answers, place, values = posted_form(request, visit)
            visits.save_visit_form(request.user, public_id, answers, place, values)
        except CaseError as exc:
            error = exc.message
            errors = exc.details.get("fields", {}) if isinstance(exc, InvalidInput) else {}
        else:
            messages.success(request, "一表已填好。")
            return redirect("outreach:visit", public_id)
    context = {
        "nav": "visits",
        "visit": visit,
        "error": error,
        **form_context(visit, visit.applicant, request, errors),
    }
    return render(request, "outreach/visit_form.html", context, status=400 if error else 200)


def _time(text: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("请填写上门时间，例如 09:30", {"fields": {"time": "时间"}}) from None


def _act(request: HttpRequest, action: str, public_id):
    user, posted = request.user, request.POST
    if action == "schedule":
        day = _dates([posted.get("day", "")])
        if not day:
            raise InvalidInput("请选择上门日期", {"fields": {"day": "请选择日期"}})
        visitor = int(posted.get("visitor", "0") or 0) if posted.get("visitor", "").isdigit() else 0
        visits.schedule_visit(user, public_id, day[0], _time(posted.get("time", "")), visitor)
        return "上门已安排，已通知申请人和上门人员。"
    if action == "identity":
        visits.check_identity(
            user, public_id, posted.get("id_number", ""), posted.get("method", "")
        )
        return "身份核验通过。"
    if action == "photo":
        upload = request.FILES.get("photo")
        if upload is None:
            raise InvalidInput("请先拍照或选择照片")
        if upload.size > visits.files.MAX_BYTES:
            raise InvalidInput("照片太大：每张不超过 10 MB")
        visits.add_photo(user, public_id, posted.get("material", ""), upload.name, upload.read())
        return "照片已保存。"
    if action == "accept":
        return visits.accept_on_site(user, public_id)
    if action == "cancel":
        visits.cancel_visit(user, public_id, posted.get("reason", ""))
        return "上门办已取消。"
    raise Http404("没有这个操作")


@role_required(*SEE)
@require_POST
def visit_action(request: HttpRequest, public_id, action: str) -> HttpResponse:
    _visible(request, public_id)
    try:
        done = _act(request, action, public_id)
    except CaseError as exc:
        messages.error(request, exc.message)
        return redirect("outreach:visit", public_id)
    if isinstance(done, str):
        messages.success(request, done)
        return redirect("outreach:visit", public_id)
    messages.success(request, f"已现场受理，受理编号 {done.number}。")
    return redirect(case_url(done))
