"""The halls in the admin: a hall's window types, windows and regular hours are set up
here; extra sessions and booking blocks may be corrected (a block lifted by deleting
it); appointments and after-hours services are read-only records, phones masked."""

from __future__ import annotations

from django.contrib import admin

from onething.accounts.admin import place_name
from onething.hall.models import (
    AfterHoursService,
    Appointment,
    BookingBlock,
    ExtraSession,
    Hall,
    OpeningHours,
    ServiceWindow,
    Slot,
    WindowType,
)
from onething.privacy.admin import ReadOnlyAdmin


class WindowTypeInline(admin.TabularInline):
    model = WindowType
    extra = 0
    fields = ("code", "name", "prefix", "package_ids", "slot_minutes", "slot_capacity")


class ServiceWindowInline(admin.TabularInline):
    model = ServiceWindow
    extra = 0
    fields = ("number", "window_type", "active")


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0
    fields = ("weekday", "opens", "closes")


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "place_shown", "phone")
    fields = ("code", "name", "jurisdiction", "address", "phone")
    inlines = [WindowTypeInline, ServiceWindowInline, OpeningHoursInline]

    @admin.display(description="行政区划")
    def place_shown(self, hall: Hall) -> str:
        return place_name(hall.jurisdiction)


@admin.register(ExtraSession)
class ExtraSessionAdmin(admin.ModelAdmin):
    list_display = ("hall", "date", "starts", "ends", "note", "opened_by")
    list_filter = ("hall",)
    fields = ("hall", "date", "starts", "ends", "note")


@admin.register(Slot)
class SlotAdmin(ReadOnlyAdmin):
    """Slots are made from the hours (hall/hours.py); here they are read, with how full."""

    list_display = ("hall", "window_type", "date", "starts", "ends", "capacity", "booked")
    list_filter = ("hall", "date")
    fields = readonly_fields = list_display


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ("package_name", "slot", "state", "channel", "created_at")
    list_filter = ("state", "channel")
    fields = readonly_fields = (
        "package_name",
        "slot",
        "applicant",
        "phone_shown",
        "state",
        "channel",
        "booked_by",
        "created_at",
        "reminded_at",
        "arrived_at",
        "cancelled_at",
    )

    @admin.display(description="联系电话")
    def phone_shown(self, appointment: Appointment) -> str:
        return appointment.masked_phone


@admin.register(BookingBlock)
class BookingBlockAdmin(admin.ModelAdmin):
    list_display = ("person", "until", "reason", "created_at")
    fields = ("person", "until", "reason")
    raw_id_fields = ("person",)


@admin.register(AfterHoursService)
class AfterHoursServiceAdmin(ReadOnlyAdmin):
    list_display = ("case_id", "hall", "accepted_at", "session")
    list_filter = ("hall",)
    fields = readonly_fields = ("case_id", "hall", "accepted_at", "session")
