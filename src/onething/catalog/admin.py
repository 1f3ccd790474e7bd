from django.contrib import admin

from onething.catalog.models import CatalogVersion


@admin.register(CatalogVersion)
class CatalogVersionAdmin(admin.ModelAdmin):
    list_display = ("number", "items_count", "packages_count", "imported_at", "imported_by", "note")
    readonly_fields = [f.name for f in CatalogVersion._meta.fields]

    def has_add_permission(self, request):  # versions come from `onething catalog import`
        return False

    def has_delete_permission(self, request, obj=None):  # cases refer to them
        return False
