"""专区办's tables: a zone and its window (the clerks assigned to it), the materials it
holds for every business in it, an import batch of a spreadsheet's rows, and each row's
check and the case it became. A row's values (names, ID numbers, phones) are kept
encrypted; the batch's progress is `checked` of `total`."""

from __future__ import annotations

import json
import uuid

from django.conf import settings
from django.db import models

from onething.privacy.fields import EncryptedTextField


class Zone(models.Model):
    MARKET, MALL, PARK = "market", "mall", "park"
    KINDS = [(MARKET, "市场"), (MALL, "商场"), (PARK, "园区")]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField("编号", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=KINDS)
    address = models.CharField("地址", max_length=200)
    jurisdiction = models.CharField("所属行政区划", max_length=12, db_index=True)
    clerks = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="专区窗口人员", blank=True, related_name="zones"
    )

    class Meta:
        verbose_name = verbose_name_plural = "专区"
        ordering = ["jurisdiction", "name"]

    def __str__(self) -> str:
        return self.name


class ZoneMaterial(models.Model):
    """A material the zone provides for each business in it (the market's 场地证明),
    uploaded once, stored encrypted by content (cases/uploads.py)."""

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="materials")
    material_id = models.CharField("材料", max_length=80)
    material_name = models.CharField("材料名称", max_length=200)
    file_name = models.CharField("文件名", max_length=200)
    file_path = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "专区共用材料"
        constraints = [
            models.UniqueConstraint(fields=["zone", "material_id"], name="zone_material_once")
        ]

    def __str__(self) -> str:
        return f"{self.zone.name}：{self.material_name}"


class ImportBatch(models.Model):
    CHECKING, CHECKED, FILED = "checking", "checked", "filed"
    STATES = [(CHECKING, "校验中"), (CHECKED, "待确认"), (FILED, "已申报")]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="batches")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField("文件名", max_length=200)
    state = models.CharField("状态", max_length=10, choices=STATES, default=CHECKING)
    total = models.PositiveIntegerField("行数", default=0)
    checked = models.PositiveIntegerField("已校验", default=0)
    valid = models.PositiveIntegerField("通过", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    filed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "专区导入批次"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.zone.name} {self.file_name}"

    @property
    def percent(self) -> int:
        return round(100 * self.checked / self.total) if self.total else 100


class BatchRow(models.Model):
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField("行号")
    company_name = models.CharField("企业名称", max_length=200)
    package_id = models.CharField(max_length=80, blank=True, default="")
    values_text = EncryptedTextField(default="")  # the row's cells, header -> text (JSON)
    checked = models.BooleanField(default=False)
    passed = models.BooleanField(default=False)  # checked, without a problem
    problems = models.JSONField(default=list)  # [[column, message], …]
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "专区导入行"
        ordering = ["batch", "number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="zone_batch_row_once")
        ]

    def __str__(self) -> str:
        return f"第 {self.number} 行 {self.company_name}"

    @property
    def values(self) -> dict[str, str]:
        return json.loads(self.values_text or "{}")
