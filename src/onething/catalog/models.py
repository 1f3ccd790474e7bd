"""Catalogue versions in the database.

A catalogue is imported whole, as a new numbered version; the document is kept as
it was imported so any version can be rebuilt exactly. Later records (cases)
point at the version they were filed under, so editing a package never changes
work already in flight.
"""

from __future__ import annotations

from django.db import models


class WithoutSource(models.Manager):
    """Versions as records point at them: a case needs the number and digest (the parsed
    catalogue is kept per process by digest), not the document of ~80 KB on every read."""

    def get_queryset(self):
        return super().get_queryset().defer("source")


class CatalogVersion(models.Model):
    number = models.PositiveIntegerField("版本号", unique=True)
    digest = models.CharField("目录摘要（SHA-256）", max_length=64, db_index=True)
    source = models.TextField("目录文件内容")
    items_count = models.PositiveIntegerField("事项数")
    packages_count = models.PositiveIntegerField("一件事数")
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    imported_by = models.CharField("导入人", max_length=150)
    note = models.CharField("说明", max_length=300, blank=True)

    objects = models.Manager()
    without_source = WithoutSource()

    class Meta:
        base_manager_name = "without_source"  # case.catalog_version and the like
        ordering = ["-number"]
        verbose_name = "目录版本"
        verbose_name_plural = "目录版本"

    def __str__(self) -> str:
        return f"第 {self.number} 版（{self.items_count} 个事项，{self.packages_count} 件事）"
