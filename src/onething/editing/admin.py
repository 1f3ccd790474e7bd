"""事项编制's record in the admin: read only, for the audit administrator (the steps are
made by the editing services; the drafts are edited on /editing/)."""

from django.contrib import admin

from onething.editing.models import EditingStep


@admin.register(EditingStep)
class EditingStepAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "section", "key", "summary")
    list_filter = ("action", "section")
    search_fields = ("actor", "key", "summary")
    readonly_fields = [f.name for f in EditingStep._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
