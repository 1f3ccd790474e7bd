"""Investment and construction projects (项目) and bundles of them (打包办).

A project belongs to an enterprise (its owner), has a type (the catalogue's
``project_type``: grid_rebuild, charging_station, road …), a place and an investment, and
goes through the items of its package as one case of its own: its items, decisions and
certificates are its own. A bundle files several projects of one type together: one
filing, one acceptance at the window, one expert review (专家评审) for all of them,
whose fee follows the catalogue's schedule (a base plus a part per project).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Bundle(models.Model):
    """打包办: projects of one type filed, accepted and reviewed together."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    package_id = models.CharField("一件事", max_length=100)
    package_name = models.CharField("一件事名称", max_length=200)
    project_type = models.CharField("项目类型", max_length=50)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bundles",
        verbose_name="建设单位",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="申报人",
    )
    place = models.CharField("项目所在地（行政区划）", max_length=12, db_index=True)
    window = models.CharField("受理窗口（行政区划）", max_length=12, db_index=True)
    review = models.ForeignKey(
        "cases.SpecialProcedure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="联合专家评审",
    )
    review_fee = models.PositiveIntegerField("评审费（元）", null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    created_at = models.DateTimeField("申报时间", auto_now_add=True)

    class Meta:
        verbose_name = "打包办"
        verbose_name_plural = "打包办"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["filed_by", "idempotency_key"], name="bundle_idempotency_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.package_name}（{self.projects.count()} 个项目打包）"


class Project(models.Model):
    """项目: one investment or construction project of an enterprise."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("项目名称", max_length=200)
    code = models.CharField("项目代码", max_length=40)
    project_type = models.CharField("项目类型", max_length=50)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name="建设单位",
    )
    place = models.CharField("项目所在地（行政区划）", max_length=12)
    address = models.CharField("建设地点", max_length=300)
    investment = models.DecimalField("总投资（万元）", max_digits=14, decimal_places=2)
    bundle = models.ForeignKey(
        Bundle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name="打包办",
    )
    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project",
        verbose_name="办件",
    )
    position = models.PositiveSmallIntegerField("序号", default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ["bundle_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "code"], name="project_code_per_owner")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"
