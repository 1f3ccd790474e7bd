from django.urls import path

from onething.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("cases/<uuid:case_id>/rate", views.rate, name="rate"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path(
        "rectifications/<int:rectification_id>/<slug:step>",
        views.rectification_step,
        name="rectification_step",
    ),
]
