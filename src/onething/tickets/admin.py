"""取号叫号 in the admin, read-only: tickets are taken and called through the services
(tickets/services.py, tickets/calling.py); ID numbers are shown masked."""

from __future__ import annotations

from django.contrib import admin

from onething.privacy.admin import ReadOnlyAdmin
from onething.tickets.models import Ticket, TicketCounter


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ("number", "hall", "window_type", "day", "source", "state", "window")
    list_filter = ("state", "source", "hall")
    date_hierarchy = "day"
    fields = readonly_fields = (
        "number",
        "hall",
        "window_type",
        "day",
        "source",
        "appointment",
        "person",
        "id_number_shown",
        "point",
        "taken_by",
        "taken_at",
        "state",
        "window",
        "called_by",
        "called_at",
        "calls",
        "served_at",
        "finished_at",
        "case",
    )

    @admin.display(description="身份证号码")
    def id_number_shown(self, ticket: Ticket) -> str:
        return ticket.masked_id_number


@admin.register(TicketCounter)
class TicketCounterAdmin(ReadOnlyAdmin):
    list_display = ("day", "hall", "window_type", "last")
    fields = readonly_fields = ("day", "hall", "window_type", "last")
