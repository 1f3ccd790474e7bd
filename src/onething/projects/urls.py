from django.urls import path

from onething.projects import views

app_name = "projects"

urlpatterns = [
    path("projects/", views.bundles, name="bundles"),
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
