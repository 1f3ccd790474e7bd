"""The record of personal-data views in the admin: read-only. An audit record is never
added, changed or deleted by hand, by anyone."""

from django.contrib import admin

from onething.privacy.masking import mask_text
from onething.privacy.models import PersonalDataView
from onething.privacy.services import display_name


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(admin.ModelAdmin):
    list_display = ("at", "viewer", "masked_subject", "fields", "masked_purpose")
    list_filter = ("at",)
    search_fields = ("viewer__username", "purpose")
    list_select_related = ("viewer", "subject")
    show_full_result_count = False  # no second count of the whole table
    fields = readonly_fields = ("at", "viewer", "masked_subject", "fields", "masked_purpose")

    @admin.display(description="信息主体")
    def masked_subject(self, record: PersonalDataView) -> str:
        """A person masked (张*); an enterprise or staff in office by name."""
        return display_name(None, record.subject)

    @admin.display(description="事由")
    def masked_purpose(self, record: PersonalDataView) -> str:
        """The purpose as typed, any ID card or mobile number in it masked."""
        return mask_text(record.purpose)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
