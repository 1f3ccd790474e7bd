"""`onething demo`'s month at 离石区政务服务中心 (hall ``lishi``): what the hall does besides
its windows' ordinary work, in the proportions of the seed (阳泉市郊区: a year of 2,200
cases handled with 帮办代办, 60 appointments, 120 after-hours services and home visits),
scaled to the demo's month.

- 帮办代办: a good share of the month's cases are filled in by the window clerk for the
  applicant, who signs on the tablet (`outreach` services; `file_case` here is called by
  the simulation's day loop instead of the applicant's own filing);
- 预约办: a few appointments a week in the day's slots, some no-shows, a few cancelled;
- 取号叫号: walk-ins and the appointments that came take tickets, wait for a window
  (hall_queue) and are served for 5–20 minutes;
- 延时办: a weekly evening session (Thursdays) in which a case or two of the day is
  accepted;
- 上门办: a couple of home visits in the last days, accepted on site.

Services that work only for today (booking, taking a ticket, scheduling a visit) are
replaced by rows written through the models with the simulated day's times, as
`simulation.move_case_back` does for cases.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from PIL import Image, ImageDraw

from onething.accounts.models import User
from onething.calendar.loaded import current_calendar
from onething.cases import services
from onething.cases.models import Case
from onething.catalog.services import current_catalog
from onething.demo.hall_queue import Arrival, Served, serve_queue
from onething.hall import hours
from onething.hall.after_hours import record_if_after_hours
from onething.hall.booking import package_name, window_type_for
from onething.hall.models import (
    AfterHoursService,
    Appointment,
    ExtraSession,
    Hall,
    ServiceWindow,
    Slot,
    WindowType,
)
from onething.hall.rules import new_code
from onething.outreach.assisting import save_assist_form, start_assist
from onething.outreach.consent import confirm_with_signature
from onething.outreach.demo import DEMO_ADDRESS
from onething.outreach.models import AssistedFiling, HomeVisit, VisitEvent
from onething.outreach.visits import (
    VisitRequest,
    accept_on_site,
    check_identity,
    request_visit,
    save_visit_form,
    schedule_visit,
)
from onething.tickets.models import Ticket, TicketCounter
from onething.tickets.rules import Source, State, ticket_number

HALL = "lishi"
ASSISTED_SHARE = 0.35  # of the day's cases, filled in at the window (帮办代办)
APPOINTMENTS_A_DAY = ([0, 1, 2], [40, 45, 15])  # a few a week
NO_SHOW_SHARE, CANCELLED_SHARE = 0.2, 0.1
WALK_INS = (12, 18)  # tickets a working day besides the appointments
TYPE_SHARES = {"general": 70, "social": 20, "project": 10}
EVENING_DAY = 3  # Thursday: the hall's weekly evening session (延时办)
EVENING = (time(17, 30), time(19, 30))
HOME_VISITS = 2
VISIT_PACKAGE = "retirement"  # 退休一件事, for 张三


@dataclass
class HallMonth:
    """What the simulation needs to carry through the month, and what it made."""

    rng: random.Random
    clerk: User
    supervisor: User
    hall: Hall
    people: list[User]  # who book appointments
    case_ids: list[int] = field(default_factory=list)
    assisted: int = 0
    appointments: int = 0
    no_shows: int = 0
    tickets: int = 0
    after_hours: int = 0
    home_visits: int = 0


def begin(rng: random.Random, clerk: User, people: list[User]) -> HallMonth:
    supervisor = User.objects.get(username="supervisor_lishi")
    return HallMonth(rng, clerk, supervisor, Hall.objects.get(code=HALL), people)


def moment(day: date, minute: int) -> datetime:
    """An aware time of the simulated day, `minute` minutes after midnight."""
    return timezone.make_aware(datetime.combine(day, time.min) + timedelta(minutes=minute))


@cache
def signature() -> bytes:
    """A drawn signature for the tablet (a stroke of ink on a transparent PNG)."""
    image = Image.new("RGBA", (240, 80), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(20, 60), (80, 20), (140, 55), (220, 25)], (0, 0, 0, 255), 4)
    data = io.BytesIO()
    image.save(data, "PNG")
    return data.getvalue()


def file_case(month: HallMonth, owner: User, filing: services.Filing, day: date) -> Case:
    """The day's filing: by the applicant online, or (a good share) filled in by the
    clerk at the window and signed for on the tablet (帮办代办)."""
    if month.rng.random() >= ASSISTED_SHARE:
        case, _ = services.file_case(owner, filing)
        month.case_ids.append(case.pk)
        return case
    with transaction.atomic():
        assist = start_assist(month.clerk, owner, filing.package_id, "window")
        save_assist_form(month.clerk, assist.public_id, filing.answers, filing.place, filing.form)
        case = confirm_with_signature(month.clerk, assist.public_id, signature())
    signed = moment(day, 9 * 60)  # the simulation files every case at 9:00
    AssistedFiling.objects.filter(pk=assist.pk).update(
        created_at=signed - timedelta(minutes=month.rng.randint(8, 20)), filed_at=signed
    )
    Case.objects.filter(pk=case.pk).update(consent_at=signed)
    month.case_ids.append(case.pk)
    month.assisted += 1
    return case


def simulate_hall(month: HallMonth, start: date, days: int, packages: list[str]) -> None:
    """The hall's side of the month, after the day loop filed and moved its cases."""
    calendar = current_calendar()
    working = [
        day
        for day in (start + timedelta(days=n) for n in range(days))
        if calendar.is_working_day(day)
    ]
    _home_visits(month, working)
    # The day loop accepted its cases now; they were accepted on the simulated days,
    # in regular hours: forget what "now" recorded, then record the evening ones.
    AfterHoursService.objects.filter(case_id__in=month.case_ids).delete()
    for day in working:
        if day.weekday() == EVENING_DAY:
            _evening(month, day)
        hours.ensure_slots(month.hall, days=1, today=day)
        came = _appointments(month, day, packages)
        _tickets(month, day, came)


def _evening(month: HallMonth, day: date) -> None:
    """An evening session (延时办) in which a case or two of the day is accepted."""
    starts, ends = EVENING
    session, _ = ExtraSession.objects.get_or_create(
        hall=month.hall,
        date=day,
        starts=starts,
        defaults={"ends": ends, "note": "晚间延时服务", "opened_by": month.supervisor},
    )
    opened = moment(day - timedelta(days=3), 16 * 60)
    ExtraSession.objects.filter(pk=session.pk).update(created_at=opened)
    first, last = moment(day, 0), moment(day + timedelta(days=1), 0)
    accepted = (
        Case.objects.filter(pk__in=month.case_ids, accepted_at__gte=first, accepted_at__lt=last)
        .filter(Q(ready_at__isnull=True) | Q(ready_at__gte=last))
        .order_by("pk")
        .values_list("pk", "window")
    )
    chosen = month.rng.sample(list(accepted), min(len(accepted), month.rng.randint(1, 2)))
    for n, (pk, window) in enumerate(chosen):
        at = moment(day, 17 * 60 + 40 + 25 * n)
        Case.objects.filter(pk=pk).update(accepted_at=at)
        if record_if_after_hours(pk, window, at) is not None:
            month.after_hours += 1


def _appointments(month: HallMonth, day: date, packages: list[str]) -> list[Appointment]:
    """The day's appointments in its slots; those the person came to (still booked)."""
    rng, came = month.rng, []
    for _ in range(rng.choices(*APPOINTMENTS_A_DAY)[0]):
        package_id = rng.choice(packages)
        kind = window_type_for(month.hall, package_id)
        slots = Slot.objects.filter(window_type=kind, date=day, extra=False)
        free = list(slots.filter(booked__lt=F("capacity")).order_by("starts"))
        if free:
            appointment = _book(month, rng.choice(free), package_id)
            if appointment.state == Appointment.BOOKED:
                came.append(appointment)
    return came


def _book(month: HallMonth, slot: Slot, package_id: str) -> Appointment:
    rng = month.rng
    person = rng.choice(month.people)
    draw = rng.random()
    state = (
        Appointment.CANCELLED
        if draw < CANCELLED_SHARE
        else Appointment.NO_SHOW
        if draw < CANCELLED_SHARE + NO_SHOW_SHARE
        else Appointment.BOOKED
    )
    by_phone = rng.random() < 0.25
    made = Appointment.objects.create(
        slot=slot,
        package_id=package_id,
        package_name=package_name(package_id),
        applicant=person,
        phone=person.phone,
        state=state,
        code=new_code(),
        channel=Appointment.PHONE if by_phone else Appointment.WEB,
        booked_by=month.clerk if by_phone else None,
    )
    booked_at = moment(slot.date - timedelta(days=rng.randint(1, 7)), rng.randint(480, 1260))
    changes: dict = {"created_at": booked_at}
    if state == Appointment.CANCELLED:
        changes["cancelled_at"] = booked_at + timedelta(hours=rng.randint(1, 12))
    else:
        Slot.objects.filter(pk=slot.pk).update(booked=F("booked") + 1)
        month.appointments += 1
        month.no_shows += state == Appointment.NO_SHOW
    Appointment.objects.filter(pk=made.pk).update(**changes)
    return made


def _arrival(rng: random.Random) -> int:
    """When a walk-in takes a ticket: most in the morning, a peak soon after opening."""
    if rng.random() < 0.65:
        return 9 * 60 + int(rng.triangular(0, 120, 10))
    return 13 * 60 + 30 + int(rng.triangular(0, 150, 15))


def _tickets(month: HallMonth, day: date, came: list[Appointment]) -> None:
    """The day's tickets: walk-ins and those who came to their appointment, served by
    a window of each type and a second one while the queue is long
    (hall_queue)."""
    rng = month.rng
    queues: dict[str, list[tuple[Arrival, Appointment | None]]] = {}
    for _ in range(rng.randint(*WALK_INS)):
        code = rng.choices(list(TYPE_SHARES), weights=list(TYPE_SHARES.values()))[0]
        service = 0 if rng.random() < 0.04 else rng.randint(5, 20)  # 0: 过号
        queues.setdefault(code, []).append((Arrival(_arrival(rng), service), None))
    for appointment in came:
        slot = appointment.slot
        starts = slot.starts.hour * 60 + slot.starts.minute
        arrival = Arrival(starts + rng.randint(-15, 5), rng.randint(5, 20), starts)
        queues.setdefault(slot.window_type.code, []).append((arrival, appointment))
    kinds = {k.code: k for k in WindowType.objects.filter(hall=month.hall)}
    tickets = []
    for code, queue in sorted(queues.items()):
        kind = kinds[code]
        windows = list(ServiceWindow.objects.filter(window_type=kind, active=True))
        staffed = windows[:2]  # the second only while the queue is long
        counter, _ = TicketCounter.objects.get_or_create(
            hall=month.hall, window_type=kind, day=day
        )  # a second demo over the same days numbers on
        by_taking = sorted(range(len(queue)), key=lambda i: queue[i][0].taken)
        numbers = {index: counter.last + n + 1 for n, index in enumerate(by_taking)}
        for served in serve_queue([arrival for arrival, _ in queue], len(staffed)):
            arrival, appointment = queue[served.index]
            number = ticket_number(kind.prefix, numbers[served.index])
            ticket = _ticket(month, day, number, staffed[served.window], arrival, served)
            if appointment is not None:
                _came(appointment, ticket)
            tickets.append(ticket)
        TicketCounter.objects.filter(pk=counter.pk).update(last=F("last") + len(queue))
    Ticket.objects.bulk_create(tickets)
    month.tickets += len(tickets)


def _ticket(month: HallMonth, day: date, number: str, window, arrival: Arrival, served: Served):
    def at(minute: int | None) -> datetime | None:
        return None if minute is None else moment(day, minute)

    return Ticket(
        hall=month.hall,
        window_type=window.window_type,
        day=day,
        number=number,
        source=(Source.WALK_IN if arrival.priority_from is None else Source.APPOINTMENT).value,
        priority_from=at(arrival.priority_from),
        state=(State.MISSED if served.started is None else State.DONE).value,
        taken_at=at(arrival.taken),
        window=window,
        called_by=month.clerk,
        called_at=at(served.called),
        calls=1 if served.started is not None else 2,
        announced_at=at(served.called),
        served_at=at(served.started),
        finished_at=at(served.finished),
    )


def _came(appointment: Appointment, ticket: Ticket) -> None:
    """取号 with the appointment's code: the ticket is theirs, the appointment served."""
    ticket.appointment, ticket.person_id = appointment, appointment.applicant_id
    Appointment.objects.filter(pk=appointment.pk).update(
        state=Appointment.SERVED, arrived_at=ticket.taken_at
    )


def _home_visits(month: HallMonth, working: list[date]) -> None:
    """A couple of visits among the month's last working days, accepted on site."""
    last = working[-max(3, len(working) // 3) :]
    for day in sorted(month.rng.sample(last, min(HOME_VISITS, len(last)))):
        _home_visit(month, day)


def _home_visit(month: HallMonth, day: date) -> None:
    from onething.demo.simulation import (  # it calls this module
        PLACE,
        move_case_back,
        random_filing,
    )

    catalog = current_catalog().catalog
    package = catalog.packages[VISIT_PACKAGE]
    citizen = next(p for p in month.people if p.username == "zhangsan")
    owners, drawn = {"citizen": citizen, "enterprise": citizen}, None
    for _try in range(20):  # answers that leave no item: draw again
        drawn = drawn or random_filing(month.rng, catalog, package, owners, day)
    if drawn is None:
        return
    _owner, filing, guide = drawn
    today = timezone.localdate()
    asked = VisitRequest(VISIT_PACKAGE, PLACE, DEMO_ADDRESS, "elderly", "年老体弱", (today,))
    with transaction.atomic():
        visit = request_visit(citizen, asked)
        schedule_visit(month.supervisor, visit.public_id, today, time(9, 0), month.clerk.pk)
        check_identity(month.clerk, visit.public_id, citizen.id_number, "card_reader")
        save_visit_form(month.clerk, visit.public_id, filing.answers, filing.place, filing.form)
        case = accept_on_site(month.clerk, visit.public_id)
    move_case_back(case, day, day, None, None, guide.stats.days_parallel)
    asked_on = moment(day - timedelta(days=4), 10 * 60)
    times = {
        "request": asked_on,
        "schedule": asked_on + timedelta(days=1),
        "identity": moment(day, 9 * 60 + 5),
        "accept": moment(day, 10 * 60),
    }
    for action, at in times.items():
        VisitEvent.objects.filter(visit=visit, action=action).update(at=at)
    HomeVisit.objects.filter(pk=visit.pk).update(
        created_at=asked_on,
        preferred_dates=[day.isoformat()],
        visit_date=day,
        identity_checked_at=times["identity"],
        done_at=times["accept"],
    )
    month.case_ids.append(case.pk)
    month.home_visits += 1
