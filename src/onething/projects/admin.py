"""Projects and bundles in the admin, read-only: they are filed and worked through the
services (projects/services.py), each project as a case with its own audit trail."""

from __future__ import annotations

from django.contrib import admin

from onething.accounts.admin import place_name
from onething.privacy.admin import ReadOnlyAdmin, ReadOnlyInline, labelled, masked_person
from onething.projects.models import (
    Bundle,
    CustomPlan,
    PlanProject,
    PlanReview,
    PlanStep,
    Project,
)


class ProjectInline(ReadOnlyInline):
    model = Project
    fields = readonly_fields = ("position", "name", "code", "investment", "case")


@admin.register(Bundle)
class BundleAdmin(ReadOnlyAdmin):
    list_display = ("package_name", "owner_shown", "place_shown", "filed", "review_fee")
    list_select_related = ("owner",)
    fields = readonly_fields = (
        "package_name",
        "project_type",
        "owner_shown",
        "place_shown",
        "review",
        "review_fee",
        "filed",
    )
    inlines = [ProjectInline]
    filed = labelled("created_at", "申报时间")

    @admin.display(description="建设单位")
    def owner_shown(self, bundle: Bundle) -> str:
        return masked_person(bundle.owner)

    @admin.display(description="项目所在地")
    def place_shown(self, bundle: Bundle) -> str:
        return place_name(bundle.place)


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "project_type", "owner_shown", "investment", "bundle")
    list_select_related = ("owner", "bundle")
    search_fields = ("name", "code")
    fields = readonly_fields = (
        "name",
        "code",
        "project_type",
        "owner_shown",
        "place",
        "address",
        "investment",
        "bundle",
        "case",
    )

    @admin.display(description="建设单位")
    def owner_shown(self, project: Project) -> str:
        return masked_person(project.owner)


class PlanProjectInline(ReadOnlyInline):
    model = PlanProject
    fields = readonly_fields = ("key", "name", "package_id", "project")


class PlanStepInline(ReadOnlyInline):
    model = PlanStep
    fields = readonly_fields = ("key", "item_name", "department", "days", "after", "lead_name")


class PlanReviewInline(ReadOnlyInline):
    model = PlanReview
    fields = readonly_fields = ("key", "name", "days", "projects", "after")


@admin.register(CustomPlan)
class CustomPlanAdmin(ReadOnlyAdmin):
    """定制办: composed and started through projects/plan_services.py."""

    list_display = ("title", "owner_shown", "state", "is_template", "start")
    list_select_related = ("owner",)
    fields = readonly_fields = ("title", "owner_shown", "place", "start", "state", "is_template")
    inlines = [PlanProjectInline, PlanStepInline, PlanReviewInline]

    @admin.display(description="建设单位")
    def owner_shown(self, plan: CustomPlan) -> str:
        return masked_person(plan.owner)
