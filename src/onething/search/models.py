"""The search index of a catalogue version, built once when the version is imported and
kept here so that every instance and worker loads it instead of building it again."""

from django.db import models


class StoredIndex(models.Model):
    key = models.CharField("索引键", max_length=64, unique=True)  # catalogue, synonyms, format
    catalog_digest = models.CharField("目录摘要", max_length=64, db_index=True)
    entries = models.PositiveIntegerField("条目数")
    seconds = models.FloatField("建立用时（秒）")
    built_at = models.DateTimeField("建立时间", auto_now_add=True)
    data = models.BinaryField("索引")

    class Meta:
        verbose_name = "搜索索引"
        verbose_name_plural = "搜索索引"

    def __str__(self) -> str:
        return f"{self.catalog_digest[:12]} ({self.entries})"
