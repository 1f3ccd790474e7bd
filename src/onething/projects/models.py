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


class CustomPlan(models.Model):
    """定制办 (一事一策): a plan composed by the 审批局 for one enterprise's projects — the
    items of each project, their dependencies (also across projects), each step's lead
    and the joint reviews shared by projects — scheduled in working days
    (projects/planning.py) and run as one case per project."""

    DRAFT, RUNNING, FINISHED = "draft", "running", "finished"
    STATES = [(DRAFT, "编制中"), (RUNNING, "实施中"), (FINISHED, "已完成")]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField("方案名称", max_length=200)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="编制人",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="custom_plans",
        verbose_name="建设单位",
    )
    place = models.CharField("项目所在地（行政区划）", max_length=12, db_index=True)
    start = models.DateField("计划开始日期")
    state = models.CharField("状态", max_length=10, choices=STATES, default=DRAFT)
    is_template = models.BooleanField("模板", default=False)
    template_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="templates",
        verbose_name="来源方案",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "定制办"
        verbose_name_plural = "定制办"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class PlanProject(models.Model):
    """One project of a plan: its key in the plan, its package (the case it runs as) and,
    for a plan (not a template), the Project row created for it."""

    plan = models.ForeignKey(CustomPlan, on_delete=models.CASCADE, related_name="plan_projects")
    key = models.CharField("编号", max_length=50)
    name = models.CharField("项目名称", max_length=200)
    package_id = models.CharField("一件事", max_length=100)
    answers = models.JSONField("情形", default=dict)
    form = models.JSONField("申报信息", default=dict)
    project = models.OneToOneField(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_link",
        verbose_name="项目",
    )
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["plan_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="plan_project_key_once")
        ]


class PlanStep(models.Model):
    """One item of a plan: a catalogue item of one project, its days from the catalogue,
    what it waits on (step or review keys, of any project) and who sees it through."""

    plan = models.ForeignKey(CustomPlan, on_delete=models.CASCADE, related_name="steps")
    key = models.CharField("编号", max_length=50)
    plan_project = models.ForeignKey(PlanProject, on_delete=models.CASCADE, related_name="steps")
    item_id = models.CharField("事项", max_length=100)
    item_name = models.CharField("事项名称", max_length=200)
    department = models.CharField("部门", max_length=50)
    days = models.PositiveSmallIntegerField("承诺时限（工作日）")
    after = models.JSONField("前置", default=list)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="负责人",
    )
    lead_name = models.CharField("负责人", max_length=100, blank=True)
    review_key = models.CharField("联合评审", max_length=50, blank=True)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["plan_id", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="plan_step_key_once")]


class PlanReview(models.Model):
    """A joint expert review (联合评审) shared by several projects of a plan."""

    plan = models.ForeignKey(CustomPlan, on_delete=models.CASCADE, related_name="reviews")
    key = models.CharField("编号", max_length=50)
    name = models.CharField("评审名称", max_length=200)
    days = models.PositiveSmallIntegerField("评审时间（工作日）")
    projects = models.JSONField("项目", default=list)  # plan-project keys
    after = models.JSONField("前置", default=list)
    position = models.PositiveSmallIntegerField(default=1)
    # The coordinator records the review held: the day and the experts' conclusion.
    finished_on = models.DateField("评审完成日期", null=True, blank=True)
    outcome = models.TextField("专家评审结论", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登记人",
    )

    class Meta:
        ordering = ["plan_id", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="plan_review_key_once")]
