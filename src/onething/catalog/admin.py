from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from onething.catalog.models import CatalogVersion


@admin.register(CatalogVersion)
class CatalogVersionAdmin(admin.ModelAdmin):
    """The versions, read only: they are changed in 事项编制 (/editing/) or imported with
    `onething catalog import`, never here (a form here had 保存 buttons that did nothing)."""

    list_display = (
        "number",
        "items_count",
        "packages_count",
        "imported_at",
        "imported_by",
        "note",
        "exported",
    )
    exclude = ("source",)  # ~80 KB of YAML in a text box helps no one: export it instead
    readonly_fields = [f.name for f in CatalogVersion._meta.fields if f.name != "source"] + [
        "exported"
    ]

    @admin.display(description="目录文件")
    def exported(self, version: CatalogVersion) -> str:
        url = reverse("editing:export", args=[version.number])
        return format_html('<a href="{}">导出 YAML</a>', url)

    def has_add_permission(self, request):  # versions come from 事项编制 or an import
        return False

    def has_change_permission(self, request, obj=None):  # read only: no 保存 buttons
        return False

    def has_delete_permission(self, request, obj=None):  # cases refer to them
        return False
