"""取号叫号 pages: taking a ticket (the kiosk with ?kiosk=1, the front desk for clerks),
the ticket slip, the clerk's window console, and the hall's display for a big screen.
Each view reads the request, calls one service, renders."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from onething.cases.lifecycle import CaseState
from onething.cases.views.common import forbidden, role_required
from onething.core.access import cases_visible_to, may_call_at_hall, tickets_visible_to
from onething.core.errors import CaseError
from onething.core.roles import Role
from onething.core.throttle import Limit, over_limit
from onething.hall.models import Hall
from onething.tickets import calling, services
from onething.tickets.models import Ticket
from onething.tickets.rules import ACTION_LABELS, Action, State

# The kiosk is public: a hall's kiosks (often one address) take a few hundred tickets on a
# busy morning, a script flooding the queue far more.
KIOSK_TAKING = Limit("ticket-kiosk", "120/10m", "自助取号")


def _hall(code: str) -> Hall:
    try:
        return services.hall_by_code(code)
    except CaseError as exc:
        raise Http404(exc.message) from None


def _kiosk(request: HttpRequest) -> bool:
    return (request.GET.get("kiosk") or request.POST.get("kiosk")) == "1"


def _asked(request: HttpRequest, kiosk: bool) -> services.TicketRequest:
    return services.TicketRequest(
        way=request.POST.get("way", ""),
        code=request.POST.get("code", ""),
        id_number=request.POST.get("id_number", ""),
        window_type=request.POST.get("window_type", ""),
        point=Ticket.KIOSK if kiosk else Ticket.DESK,
    )


@require_http_methods(["GET", "POST"])
def take(request: HttpRequest, code: str) -> HttpResponse:
    """取号: the kiosk (?kiosk=1, anyone) or the front desk (the hall's clerks)."""
    hall, kiosk = _hall(code), _kiosk(request)
    if not kiosk and not may_call_at_hall(request.user, hall):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        return forbidden(request, f"前台取号供{hall.name}所在地的窗口工作人员使用。")
    message, status = "", 200
    if request.method == "POST":
        refused = over_limit(request, KIOSK_TAKING) if kiosk else None
        if refused is not None:
            return refused
        try:
            ticket = services.take_ticket(request.user, hall.code, _asked(request, kiosk))
        except CaseError as exc:
            message, status = exc.message, exc.status
        else:
            slip = reverse("tickets:slip", args=[hall.code, ticket.public_id])
            return redirect(slip + ("?kiosk=1" if kiosk else ""))
    today = (
        tickets_visible_to(request.user)
        .filter(hall=hall, day=timezone.localdate())
        .select_related("window_type", "window")
    )
    context = {
        "hall": hall,
        "kiosk": kiosk,
        "window_types": hall.window_types.all(),
        "message": message,
        "posted": request.POST,
        "recent": today[:30] if not kiosk else [],
        "nav": "window",
    }
    return render(request, "tickets/take.html", context, status=status)


def slip(request: HttpRequest, code: str, public_id) -> HttpResponse:
    """The ticket slip: number, window type, people ahead; prints on a slip printer."""
    hall = _hall(code)
    try:
        ticket = services.ticket_by_id(public_id)
    except CaseError as exc:
        raise Http404(exc.message) from None
    if ticket.hall_id != hall.pk:
        raise Http404("没有找到这张排队号")
    context = {
        "hall": hall,
        "ticket": ticket,
        "ahead": services.ahead_of(ticket),
        "kiosk": _kiosk(request),
    }
    return render(request, "tickets/slip.html", context)


@role_required(Role.CLERK)
def counter(request: HttpRequest, code: str) -> HttpResponse:
    """The clerk picks their window of the hall."""
    hall = _hall(code)
    if not may_call_at_hall(request.user, hall):
        return forbidden(request, f"叫号供{hall.name}所在地的窗口工作人员使用。")
    windows = hall.windows.filter(active=True).select_related("window_type")
    context = {"hall": hall, "windows": windows, "nav": "window"}
    return render(request, "tickets/counter.html", context)


def _console(request: HttpRequest, hall: Hall, window_id: int, message="", status=200):
    try:
        window = calling.window_for(request.user, hall, window_id)
    except CaseError as exc:
        return forbidden(request, exc.message) if exc.status == 403 else _not_found(exc)
    current = calling.current_at(window)
    cases, accepted = [], None
    if current is not None and current.person_id:
        cases = cases_visible_to(request.user).filter(
            applicant_id=current.person_id, state=CaseState.SUBMITTED
        )[:10]
    if current is not None and current.case:
        accepted = cases_visible_to(request.user).filter(pk=current.case).first()
    waiting = calling.queue(window.window_type, timezone.localdate(), timezone.now())
    context = {
        "hall": hall,
        "window": window,
        "current": current,
        "cases": cases,
        "accepted": accepted,
        "waiting": waiting.count(),
        "actions": _actions_for(current),
        "message": message,
        "nav": "window",
    }
    return render(request, "tickets/console.html", context, status=status)


def _not_found(exc: CaseError):
    raise Http404(exc.message)


def _actions_for(ticket: Ticket | None) -> list[tuple[str, str]]:
    if ticket is None:
        return []
    if ticket.state == State.SERVING:
        return [(Action.DONE.value, ACTION_LABELS[Action.DONE])]
    return [(a.value, ACTION_LABELS[a]) for a in (Action.START, Action.RECALL, Action.MISSED)]


@role_required(Role.CLERK)
def console(request: HttpRequest, code: str, window_id: int) -> HttpResponse:
    """The window's console: the ticket at the window, 叫号 and what follows."""
    return _console(request, _hall(code), window_id)


@role_required(Role.CLERK)
@require_POST
def call(request: HttpRequest, code: str, window_id: int) -> HttpResponse:
    hall = _hall(code)
    try:
        calling.call_next(request.user, hall, window_id)
    except CaseError as exc:
        return _console(request, hall, window_id, exc.message, exc.status)
    return redirect("tickets:console", hall.code, window_id)


@role_required(Role.CLERK)
@require_POST
def act(request: HttpRequest, code: str, window_id: int, action: str) -> HttpResponse:
    hall = _hall(code)
    try:
        calling.act(request.user, request.POST.get("ticket", ""), action)
    except CaseError as exc:
        return _console(request, hall, window_id, exc.message, exc.status)
    return redirect("tickets:console", hall.code, window_id)


def display(request: HttpRequest, code: str) -> HttpResponse:
    """The hall's big screen: the calls and the queues, refreshed every 2 s by htmx."""
    hall = _hall(code)
    return render(request, "tickets/display.html", {"board": calling.board(hall)})


def display_board(request: HttpRequest, code: str) -> HttpResponse:
    hall = _hall(code)
    return render(request, "tickets/_board.html", {"board": calling.board(hall)})
