"""事项编制's tables: the draft catalogue (one open at a time), its entries, and the
record of every step (the audit trail of editing, reviewing and publishing).

A draft starts as a copy of the published version's items, materials, fields and
packages, one row each, so that an edit writes one row and two editors of different
objects never wait on each other; each row has its own revision, and a save names the
revision it started from (optimistic: a stale one is refused with who changed it and
when). The rest of the document (jurisdictions, departments, licence types…) is kept
as published. Publishing makes the draft a new `catalog.CatalogVersion`.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from onething.catalog.models import CatalogVersion


class Draft(models.Model):
    class State(models.TextChoices):
        EDITING = "editing", "编辑中"
        SUBMITTED = "submitted", "待审核"
        PUBLISHED = "published", "已发布"
        DISCARDED = "discarded", "已放弃"

    base_version = models.ForeignKey(
        CatalogVersion, on_delete=models.PROTECT, related_name="+", verbose_name="基于版本"
    )
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.EDITING)
    revision = models.PositiveIntegerField("修订号", default=0)  # raised by every change
    rest = models.JSONField("目录其他部分")  # the document's keys the editor does not change
    created_by = models.CharField("创建人", max_length=150)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    submitted_by = models.CharField("提交人", max_length=150, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    returned_reason = models.CharField("退回理由", max_length=500, blank=True)
    published_version = models.ForeignKey(
        CatalogVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发布为版本",
    )

    class Meta:
        verbose_name = "编制稿"
        verbose_name_plural = "编制稿"
        constraints = [  # one draft open at a time
            models.UniqueConstraint(
                fields=["state"],
                condition=models.Q(state__in=["editing", "submitted"]),
                name="one_open_draft",
            )
        ]

    def __str__(self) -> str:
        return f"编制稿 {self.pk}（{self.get_state_display()}）"


class DraftEntry(models.Model):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="entries")
    section = models.CharField("类别", max_length=20)  # items | materials | fields | packages
    key = models.CharField("编号", max_length=100)
    position = models.PositiveIntegerField("顺序")
    data = models.JSONField("内容")  # the entry as the catalogue file writes it
    name = models.CharField("名称", max_length=300, blank=True)  # for lists and search
    department = models.CharField("部门", max_length=100, blank=True, db_index=True)
    revision = models.PositiveIntegerField("修订号", default=0)
    changed_by = models.CharField("修改人", max_length=150, blank=True)
    changed_at = models.DateTimeField("修改时间", null=True, blank=True)

    class Meta:
        verbose_name = "编制稿条目"
        verbose_name_plural = "编制稿条目"
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "section", "key"], name="entry_once_a_draft")
        ]


class EditingStep(models.Model):
    """One step of editing, reviewing or publishing: sealed in one audit chain and
    append-only (a trigger refuses UPDATE and DELETE; `onething audit verify` walks it)."""

    class Action(models.TextChoices):
        STARTED = "started", "开始编制"
        SAVED = "saved", "保存"
        ADDED = "added", "新增"
        DELETED = "deleted", "删除"
        SUBMITTED = "submitted", "提交审核"
        RETURNED = "returned", "退回修改"
        PUBLISHED = "published", "审核发布"
        ROLLED_BACK = "rolled_back", "回退发布"
        DISCARDED = "discarded", "放弃编制稿"

    draft = models.ForeignKey(
        Draft, on_delete=models.PROTECT, null=True, blank=True, related_name="steps"
    )
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    section = models.CharField("类别", max_length=20, blank=True)
    key = models.CharField("编号", max_length=100, blank=True)
    summary = models.TextField("内容", blank=True)
    actor = models.CharField("操作人", max_length=150)
    at = models.DateTimeField("时间", default=timezone.now, editable=False, db_index=True)
    # Its place in the audit chain of editing steps and its seal (privacy/audit.py).
    seq = models.PositiveIntegerField("链内序号", editable=False)
    mac = models.CharField("链式校验值", max_length=80, editable=False)

    class Meta:
        verbose_name = "编制记录"
        verbose_name_plural = "编制记录"
        ordering = ["-at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["seq"], name="editing_step_chain_seq")]
