from django.contrib import admin
from django.utils import timezone

from onething.licences.models import (
    EVENT_LABELS,
    STATE_REVOKED,
    Licence,
    LicenceEvent,
    LicenceSerial,
)
from onething.privacy.admin import ReadOnlyAdmin, ReadOnlyInline
from onething.privacy.masking import mask_name

HOLDER_KINDS = {"enterprise": "企业", "person": "个人"}


class LicenceEventInline(ReadOnlyInline):
    model = LicenceEvent
    fields = readonly_fields = ("event", "actor", "note", "at")

    @admin.display(description="事件")
    def event(self, event: LicenceEvent) -> str:
        return EVENT_LABELS.get(event.kind, event.kind)


class StatusFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("valid", "有效（含已过期）"), (STATE_REVOKED, "已撤销")]

    def queryset(self, request, queryset):
        return queryset.filter(state=self.value()) if self.value() else queryset


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdmin):
    """Read-only: certificates are issued by approvals and revoked by their department."""

    list_display = ("type_name", "number", "holder_shown", "issuer_name", "issued_on", "status")
    list_filter = ("type_name", StatusFilter, "issuer_name")
    search_fields = ("number", "holder_name")
    fields = readonly_fields = (
        "number",
        "type_name",
        "type_id",
        "holder_shown",
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

    @admin.display(description="持证主体")
    def holder_shown(self, licence: Licence) -> str:
        """An enterprise by name; a person masked (张*), as on every page."""
        name = licence.holder_name
        return mask_name(name) if licence.holder_kind == "person" else name

    @admin.display(description="持证主体类型")
    def holder_type(self, licence: Licence) -> str:
        return HOLDER_KINDS.get(licence.holder_kind, licence.holder_kind)


@admin.register(LicenceSerial)
class LicenceSerialAdmin(ReadOnlyAdmin):
    """The last serial number per type and issuer: kept by issuing, never set by hand (a
    lowered number would issue a certificate number twice)."""

    list_display = ("type_code", "issuer_uscc", "last")
    search_fields = ("=type_code", "=issuer_uscc")
    ordering = ("type_code", "issuer_uscc")
    fields = readonly_fields = ("type_code", "issuer_uscc", "last")
