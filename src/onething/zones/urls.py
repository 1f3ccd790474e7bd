from django.urls import path

from onething.zones import views

app_name = "zones"

urlpatterns = [
    path("zones/", views.zones, name="zones"),
    path("zones/<uuid:public_id>", views.zone, name="zone"),
    path("zones/<uuid:public_id>/imports", views.start_import, name="start_import"),
    path("zones/<uuid:public_id>/materials", views.upload_material, name="upload_material"),
    path("zones/batches/<uuid:public_id>", views.batch, name="batch"),
    path("zones/batches/<uuid:public_id>/progress", views.progress, name="progress"),
    path("zones/batches/<uuid:public_id>/confirm", views.confirm, name="confirm"),
    path("zones/batches/<uuid:public_id>/accept", views.accept, name="accept"),
]
