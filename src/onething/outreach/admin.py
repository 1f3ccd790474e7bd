"""上门办 and 帮办代办 in the admin, read-only: made and decided through the services
(outreach/visits.py, assisting.py, consent.py); no personal data is listed."""

from __future__ import annotations

from django.contrib import admin

from onething.accounts.admin import place_name
from onething.outreach.models import AssistedFiling, HomeVisit, VisitEvent, VisitPhoto
from onething.privacy.admin import ReadOnlyAdmin, ReadOnlyInline


class VisitEventInline(ReadOnlyInline):
    model = VisitEvent
    fields = readonly_fields = ("action", "note", "at")


class VisitPhotoInline(ReadOnlyInline):
    model = VisitPhoto
    fields = readonly_fields = ("material_name", "size", "taken_by", "taken_at")


@admin.register(HomeVisit)
class HomeVisitAdmin(ReadOnlyAdmin):
    list_display = ("package_name", "place_shown", "reason", "state", "visit_date", "created_at")
    list_filter = ("state", "reason")
    fields = readonly_fields = (
        "package_name",
        "place_shown",
        "reason",
        "state",
        "visit_date",
        "visit_time",
        "visitor",
        "identity_method",
        "identity_checked_at",
        "case",
        "done_at",
    )
    inlines = [VisitEventInline, VisitPhotoInline]

    @admin.display(description="行政区划")
    def place_shown(self, visit: HomeVisit) -> str:
        return place_name(visit.jurisdiction)


@admin.register(AssistedFiling)
class AssistedFilingAdmin(ReadOnlyAdmin):
    list_display = ("package_name", "staff", "way", "state", "created_at")
    list_filter = ("state", "way")
    fields = readonly_fields = (
        "package_name",
        "staff",
        "window",
        "way",
        "state",
        "codes_sent",
        "code_wrong_tries",
        "case",
        "filed_at",
    )
