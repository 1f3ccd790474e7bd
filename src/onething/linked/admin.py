"""联动办 records in the admin, read-only: they are made and decided through the services
(linked/meetings.py), each item's decision recorded on its case's audit trail."""

from __future__ import annotations

from django.contrib import admin

from onething.accounts.admin import place_name
from onething.linked.models import JointMeeting, MeetingSeat
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
