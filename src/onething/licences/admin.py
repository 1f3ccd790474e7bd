from django.contrib import admin
from django.utils import timezone

from onething.licences.models import EVENT_LABELS, STATE_REVOKED, Licence, LicenceEvent

HOLDER_KINDS = {"enterprise": "企业", "person": "个人"}


class LicenceEventInline(admin.TabularInline):
    model = LicenceEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("event", "actor", "note", "at")

    @admin.display(description="事件")
    def event(self, event: LicenceEvent) -> str:
        return EVENT_LABELS.get(event.kind, event.kind)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class StatusFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("valid", "有效（含已过期）"), (STATE_REVOKED, "已撤销")]

    def queryset(self, request, queryset):
        return queryset.filter(state=self.value()) if self.value() else queryset


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    """Read-only: certificates are issued by approvals and revoked by their department."""

    list_display = ("type_name", "number", "holder_name", "issuer_name", "issued_on", "status")
    list_filter = ("type_name", StatusFilter, "issuer_name")
    search_fields = ("number", "holder_name")
    fields = readonly_fields = (
        "number",
        "type_name",
        "type_id",
        "holder",
        "holder_name",
        "holder_type",
        "issuer_name",
        "issuer_uscc",
        "department",
        "jurisdiction",
        "issued_on",
        "valid_until",
        "status",
        "revoked_at",
        "revoked_reason",
        "case",
        "task",
        "created_at",
    )
    inlines = [LicenceEventInline]

    class Media:
        css = {"all": ("onething/admin.css",)}  # long numbers wrap on a phone

    @admin.display(description="状态")
    def status(self, licence: Licence) -> str:
        return licence.status_on(timezone.localdate()).label

    @admin.display(description="持证主体类型")
    def holder_type(self, licence: Licence) -> str:
        return HOLDER_KINDS.get(licence.holder_kind, licence.holder_kind)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
