"""The stored search indexes in the admin: read only (built at each catalogue import)."""

from django.contrib import admin

from onething.privacy.admin import ReadOnlyAdmin
from onething.search.models import StoredIndex


@admin.register(StoredIndex)
class StoredIndexAdmin(ReadOnlyAdmin):
    list_display = ("catalog_digest", "entries", "seconds", "built_at")
    fields = readonly_fields = ("key", "catalog_digest", "entries", "seconds", "built_at")
