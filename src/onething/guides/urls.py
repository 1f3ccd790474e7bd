from django.urls import path

from onething.guides import views

app_name = "guides"
urlpatterns = [
    path("", views.home, name="home"),
    path("guides/<slug:package_id>", views.guide, name="guide"),
    path("guides/<slug:package_id>.pdf", views.guide_pdf, name="pdf"),
    path("guides/<slug:package_id>/qr.svg", views.guide_qr, name="qr"),
]
