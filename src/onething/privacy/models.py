"""Every time someone is shown a person's full ID or phone number, it is written down."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PersonalDataView(models.Model):
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="查看人"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="信息主体",
    )
    fields = models.CharField("查看的信息", max_length=200)
    purpose = models.CharField("事由", max_length=200)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = "个人信息查看记录"
        verbose_name_plural = "个人信息查看记录"
