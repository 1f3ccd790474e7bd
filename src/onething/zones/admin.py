"""专区 in the admin: zones and their window set up here; shared materials, batches and
rows are read-only records (a row's values are personal data and stay out of view)."""

from __future__ import annotations

from django.contrib import admin

from onething.privacy.admin import ReadOnlyAdmin
from onething.zones.models import BatchRow, ImportBatch, Zone, ZoneMaterial


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "jurisdiction", "address")
    search_fields = ("name", "code")
    filter_horizontal = ("clerks",)


@admin.register(ZoneMaterial)
class ZoneMaterialAdmin(ReadOnlyAdmin):
    list_display = ("zone", "material_name", "file_name", "uploaded_at")
    fields = ("zone", "material_id", "material_name", "file_name", "sha256", "size", "uploaded_at")


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ("zone", "file_name", "state", "total", "checked", "valid", "created_at")
    fields = ("zone", "file_name", "state", "total", "checked", "valid", "created_at", "filed_at")


@admin.register(BatchRow)
class BatchRowAdmin(ReadOnlyAdmin):
    list_display = ("batch", "number", "company_name", "package_id", "passed")
    fields = ("batch", "number", "company_name", "package_id", "passed", "problems", "case")
