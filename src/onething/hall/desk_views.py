"""The hall's page for its staff (clerk, supervisor of the hall's jurisdiction): the
regular hours and the days ahead, the extra sessions (延时办) and the form to open one,
the cases accepted after hours, the day's appointments, and booking for a caller by
phone. Each view reads the request, calls one service, renders."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from onething.cases.views.common import role_required
from onething.core.access import appointments_visible_to, halls_run_by
from onething.core.errors import CaseError
from onething.core.roles import Role
from onething.hall import after_hours, booking, hours, offers
from onething.hall.models import Appointment, Hall, OpeningHours
from onething.privacy.masking import mask_name

STAFF = (Role.CLERK, Role.SUPERVISOR, Role.ADMIN)


@role_required(*STAFF)
def desks(request: HttpRequest) -> HttpResponse:
    """The halls one runs: straight to the hall when there is one."""
    halls = list(halls_run_by(request.user).order_by("code"))
    if len(halls) == 1:
        return redirect("hall:desk", halls[0].code)
    return render(request, "hall/desks.html", {"halls": halls, "nav": "desk"})


def _hall(request: HttpRequest, code: str) -> Hall:
    hall = halls_run_by(request.user).filter(code=code).first()
    if hall is None:
        raise Http404("没有找到这个大厅，或它不在您的辖区")
    return hall


def _weekly(hall: Hall) -> list[tuple[str, str]]:
    weekly = hours.weekly_hours(hall)
    return [
        (name, hours.describe_hours(weekly.get(day, []))) for day, name in OpeningHours.WEEKDAYS
    ]


def _context(request: HttpRequest, hall: Hall, source) -> dict:
    today = timezone.localdate()
    found, problem = offers.Offer(), ""
    if source.get("package"):
        try:
            day = offers.parse_day(source.get("day", ""))
            found = offers.offer(hall.code, source.get("package", ""), day)
        except CaseError as exc:
            problem = exc.message
    appointments = (
        appointments_visible_to(request.user)
        .filter(slot__hall=hall, slot__date=today)
        .exclude(state=Appointment.CANCELLED)
        .select_related("slot__window_type", "applicant")
        .order_by("slot__starts")
    )
    return {
        "hall": hall,
        "weekly": _weekly(hall),
        "ahead": [(d, offers.day_label(d), h, s) for d, h, s in hours.calendar_ahead(hall)],
        "after_hours_month": after_hours.after_hours_count(hall, today.replace(day=1)),
        "after_hours_total": after_hours.after_hours_count(hall),
        "appointments": [(a, mask_name(a.applicant.full_name)) for a in appointments],
        "offer": found,
        "packages": offers.packages(),
        "days": [(d, offers.day_label(d)) for d in found.days],
        "phone_problem": problem,
        "posted": request.POST,
        "nav": "desk",
    }


@role_required(*STAFF)
def desk(request: HttpRequest, code: str) -> HttpResponse:
    hall = _hall(request, code)
    return render(request, "hall/desk.html", _context(request, hall, request.GET))


@role_required(*STAFF)
@require_POST
def open_session(request: HttpRequest, code: str) -> HttpResponse:
    """延时办: open an extra session (date, start, end, note)."""
    hall = _hall(request, code)
    try:
        plan = after_hours.SessionPlan(
            offers.parse_day(request.POST.get("date", "")),
            offers.parse_time(request.POST.get("starts", "")),
            offers.parse_time(request.POST.get("ends", "")),
            request.POST.get("note", ""),
        )
        session = after_hours.open_session(request.user, hall, plan)
    except CaseError as exc:
        context = {**_context(request, hall, {}), "session_problem": exc.message}
        return render(request, "hall/desk.html", context, status=exc.status)
    messages.success(request, f"已开设延时服务：{session}。")
    return redirect("hall:desk", hall.code)


@role_required(*STAFF)
@require_http_methods(["POST"])
def phone_booking(request: HttpRequest, code: str) -> HttpResponse:
    """电话预约: book for a caller, found by their ID number."""
    hall = _hall(request, code)
    try:
        day, starts = offers.parse_slot(request.POST.get("slot", ""))
        made = booking.book_by_phone(
            request.user,
            request.POST.get("id_number", ""),
            booking.Booking(
                hall.code,
                request.POST.get("package", ""),
                day,
                starts,
                request.POST.get("phone", ""),
            ),
        )
    except CaseError as exc:
        context = _context(request, hall, request.POST)
        context["phone_problem"] = exc.message
        return render(request, "hall/desk.html", context, status=exc.status)
    messages.success(request, f"已为来电人预约，预约码 {made.code}（已通过站内消息告知）。")
    return redirect("hall:appointment", made.public_id)
