"""预约办 pages for a citizen: choose a hall, a 一件事, a day and a free slot and book;
the confirmation with its QR code; cancel or move it; 我的预约. Each view reads the
request, calls one service (hall.booking, hall.offers), renders; a refusal is shown on
the page with its status."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from onething.cases.views.common import role_required
from onething.core.errors import CaseError, NotFound
from onething.core.qr import qr_data_uri
from onething.core.roles import Role
from onething.hall import booking, offers
from onething.hall.models import Appointment

BOOKERS = (Role.APPLICANT,)
SEE = (Role.APPLICANT, Role.CLERK, Role.SUPERVISOR, Role.ADMIN)


def _offer(request: HttpRequest, source) -> tuple[offers.Offer, str, int]:
    try:
        day = offers.parse_day(source.get("day", ""))
        found = offers.offer(source.get("hall", ""), source.get("package", ""), day)
    except CaseError as exc:
        return offers.Offer(package_id=source.get("package", "")), exc.message, exc.status
    return found, "", 200


def _choices(found: offers.Offer) -> dict:
    return {
        "offer": found,
        "halls": offers.halls(),
        "packages": offers.packages(),
        "days": [(d, offers.day_label(d)) for d in found.days],
        "day_label": offers.day_label(found.day) if found.day else "",
    }


@role_required(*BOOKERS)
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest) -> HttpResponse:
    """预约办: choose and book (GET narrows the choice, POST books)."""
    source = request.POST if request.method == "POST" else request.GET
    found, message, status = _offer(request, source)
    if request.method == "POST" and not message:
        try:
            day, starts = offers.parse_slot(request.POST.get("slot", ""))
            made = booking.book(
                request.user,
                booking.Booking(
                    source.get("hall", ""),
                    source.get("package", ""),
                    day,
                    starts,
                    request.POST.get("phone", ""),
                ),
            )
        except CaseError as exc:
            message, status = exc.message, exc.status
            found, _, _ = _offer(request, source)
        else:
            messages.success(request, "预约成功，请按时到场，凭二维码取号。")
            return redirect("hall:appointment", made.public_id)
    blocked = booking.blocked_until(request.user)
    context = {**_choices(found), "message": message, "blocked": blocked, "nav": "hall"}
    return render(request, "hall/book.html", context, status=status)


def _visible(request: HttpRequest, public_id) -> Appointment:
    try:
        return booking.appointment_for(request.user, public_id)
    except NotFound:
        raise Http404("没有找到这个预约") from None


@role_required(*SEE)
def appointment(request: HttpRequest, public_id) -> HttpResponse:
    """The confirmation: the QR code (the appointment code), when, where, which window."""
    found = _visible(request, public_id)
    try:
        move_day = offers.parse_day(request.GET.get("day", ""))
    except CaseError:
        move_day = None
    slot = found.slot
    alternatives = offers.Offer()
    if found.state == Appointment.BOOKED:
        try:
            alternatives = offers.offer(slot.hall.code, found.package_id, move_day or slot.date)
        except CaseError:  # the 一件事 left the catalogue: it may still be cancelled
            alternatives = offers.Offer()
    context = {
        "appointment": found,
        "slot": slot,
        "day_label": offers.day_label(slot.date),
        "qr": qr_data_uri(found.code),
        "alternatives": alternatives,
        "days": [(d, offers.day_label(d)) for d in alternatives.days],
        "nav": "hall",
    }
    return render(request, "hall/appointment.html", context)


@role_required(*SEE)
@require_POST
def cancel(request: HttpRequest, public_id) -> HttpResponse:
    found = _visible(request, public_id)
    try:
        booking.cancel(request.user, found.public_id)
        messages.success(request, "预约已取消。")
    except CaseError as exc:
        messages.error(request, exc.message)
    return redirect("hall:appointment", found.public_id)


@role_required(*SEE)
@require_POST
def move(request: HttpRequest, public_id) -> HttpResponse:
    found = _visible(request, public_id)
    try:
        day, starts = offers.parse_slot(request.POST.get("slot", ""))
        booking.move(request.user, found.public_id, day, starts)
        messages.success(request, "已改约到新的时段。")
    except CaseError as exc:
        messages.error(request, exc.message)
    return redirect("hall:appointment", found.public_id)


@role_required(*BOOKERS)
def mine(request: HttpRequest) -> HttpResponse:
    """我的预约."""
    rows = booking.my_appointments(request.user)[:100]
    context = {
        "rows": [(a, offers.day_label(a.slot.date)) for a in rows],
        "blocked": booking.blocked_until(request.user),
        "nav": "hall",
    }
    return render(request, "hall/mine.html", context)
