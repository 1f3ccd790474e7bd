from django.urls import path

from onething.privacy import views

app_name = "privacy"
urlpatterns = [
    path("privacy/views/", views.personal_data_views, name="views"),
]
