"""事项编制 in the admin: read only. The steps are the audit administrator's to read; the
drafts and their objects are edited on /editing/, never here."""

from django.contrib import admin

from onething.editing.models import Draft, DraftEntry, EditingStep


class ReadOnly(admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EditingStep)
class EditingStepAdmin(ReadOnly):
    list_display = ("at", "actor", "action", "section", "key", "summary")
    list_filter = ("action", "section")
    search_fields = ("actor", "key", "summary")


@admin.register(Draft)
class DraftAdmin(ReadOnly):
    list_display = ("pk", "state", "base_version", "created_by", "created_at", "submitted_by")
    exclude = ("rest",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "rest"]


@admin.register(DraftEntry)
class DraftEntryAdmin(ReadOnly):
    list_display = ("section", "key", "name", "department", "revision", "changed_by", "changed_at")
    list_filter = ("section",)
    search_fields = ("key", "name")
    list_select_related = ("draft",)
