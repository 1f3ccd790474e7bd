from django.urls import path

from onething.projects import plan_views, views

app_name = "projects"

urlpatterns = [
    path("projects/", views.bundles, name="bundles"),
    path("projects/plans/", plan_views.plan_list, name="plans"),
    path("projects/plans/new", plan_views.new_plan, name="new_plan"),
    path("projects/plans/<uuid:public_id>", plan_views.plan, name="plan"),
    path("projects/plans/<uuid:public_id>/start", plan_views.start, name="plan_start"),
    path(
        "projects/plans/<uuid:public_id>/template", plan_views.save_template, name="plan_template"
    ),
    path(
        "projects/plans/<uuid:public_id>/reviews/<str:review_key>",
        plan_views.record_review,
        name="plan_review",
    ),
    path("projects/bundles/new/<str:package_id>", views.new_bundle, name="new_bundle"),
    path("projects/bundles/<uuid:public_id>", views.bundle, name="bundle"),
    path("projects/bundles/<uuid:public_id>/accept", views.accept, name="accept"),
    path("projects/bundles/<uuid:public_id>/review", views.review, name="review"),
    path(
        "projects/bundles/<uuid:public_id>/materials/<str:material_id>",
        views.shared_upload,
        name="shared_upload",
    ),
]
