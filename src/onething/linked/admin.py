"""联动办 records in the admin, read-only: they are made and decided through the services
(linked/meetings.py), each item's decision recorded on its case's audit trail."""

from __future__ import annotations

from django.contrib import admin

from onething.accounts.admin import place_name
from onething.linked.models import (
    InspectedItem,
    InspectionPhoto,
    InspectionSeat,
    JointInspection,
    JointMeeting,
    MeetingSeat,
    Reinspection,
)
from onething.privacy.admin import ReadOnlyAdmin, ReadOnlyInline


class MeetingSeatInline(ReadOnlyInline):
    model = MeetingSeat
    fields = readonly_fields = ("department_name", "approve", "reason", "decided_by", "decided_at")


@admin.register(JointMeeting)
class JointMeetingAdmin(ReadOnlyAdmin):
    list_display = ("subject", "starts_at", "venue", "place_shown", "state")
    list_filter = ("state",)
    fields = readonly_fields = (
        "subject",
        "starts_at",
        "venue",
        "organiser",
        "place_shown",
        "state",
        "decided_at",
    )
    inlines = [MeetingSeatInline]

    @admin.display(description="组织单位")
    def place_shown(self, meeting: JointMeeting) -> str:
        return place_name(meeting.jurisdiction)


class InspectedItemInline(ReadOnlyInline):
    model = InspectedItem
    fields = readonly_fields = ("task", "outcome", "rectify_by")


class InspectionSeatInline(ReadOnlyInline):
    model = InspectionSeat
    fields = readonly_fields = (
        "department_name",
        "passed",
        "findings",
        "rectify_days",
        "inspected_by",
        "inspected_at",
    )


@admin.register(JointInspection)
class JointInspectionAdmin(ReadOnlyAdmin):
    list_display = ("site", "day", "place_shown", "state")
    list_filter = ("state",)
    fields = readonly_fields = ("site", "day", "organiser", "place_shown", "state", "concluded_at")
    inlines = [InspectedItemInline, InspectionSeatInline]

    @admin.display(description="组织单位")
    def place_shown(self, inspection: JointInspection) -> str:
        return place_name(inspection.jurisdiction)


@admin.register(InspectionPhoto)
class InspectionPhotoAdmin(ReadOnlyAdmin):
    list_display = ("seat", "kind", "size", "uploaded_at")
    fields = readonly_fields = ("seat", "reinspection", "kind", "size", "sha256", "uploaded_at")


@admin.register(Reinspection)
class ReinspectionAdmin(ReadOnlyAdmin):
    list_display = ("seat", "passed", "rectify_by", "inspected_at")
    list_filter = ("passed",)
    fields = readonly_fields = (
        "seat",
        "passed",
        "findings",
        "rectify_days",
        "rectify_by",
        "inspected_by",
        "inspected_at",
    )
