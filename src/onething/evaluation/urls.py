from django.urls import path

from onething.evaluation import open311, views

app_name = "evaluation"
urlpatterns = [
    path("cases/<uuid:case_id>/rate", views.rate, name="rate"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path(
        "rectifications/<int:rectification_id>/<slug:step>",
        views.rectification_step,
        name="rectification_step",
    ),
    path("complaints/new", views.new_complaint, name="new_complaint"),
    path("complaints/track", views.track, name="track"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/<int:complaint_id>/<slug:step>", views.complaint_step, name="complaint_step"),
    path("rate/window/<slug:window>", views.rate_at_window, name="rate_at_window"),
    path("rate/window/<slug:window>/qr.svg", views.window_qr, name="window_qr"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("figures/", views.public_figures, name="figures"),
    # Open311 GeoReport v2: services, requests (file, look up), one request's status.
    path("open311/v2/services.json", open311.services, name="open311_services"),
    path("open311/v2/requests.json", open311.requests, name="open311_requests"),
    path(
        "open311/v2/requests/<str:request_id>.json",
        open311.request_status,
        name="open311_request",
    ),
]
