from django.contrib import admin

from onething.licences.models import Licence, LicenceEvent


class LicenceEventInline(admin.TabularInline):
    model = LicenceEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "actor", "note", "at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    """Read-only: certificates are issued by approvals and revoked by their department."""

    list_display = ("type_name", "number", "holder_name", "issuer_name", "issued_on", "state")
    list_filter = ("type_name", "state", "issuer_name")
    search_fields = ("number", "holder_name")
    exclude = ("document_text", "holder_digest")
    inlines = [LicenceEventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
