from django.urls import path, re_path

from onething.licences import views

app_name = "licences"
NUMBER = r"(?P<number>[0-9A-Za-z.]{10,96})"
urlpatterns = [
    path("licences/", views.mine, name="mine"),
    path("licences/search", views.search, name="search"),
    re_path(rf"^licences/{NUMBER}\.pdf$", views.pdf, name="pdf"),
    re_path(rf"^licences/{NUMBER}\.json$", views.document_json, name="json"),
    re_path(rf"^licences/{NUMBER}/revoke$", views.revoke, name="revoke"),
    re_path(rf"^licences/{NUMBER}$", views.detail, name="detail"),
    path("verify/", views.verify, name="verify"),
    path("verify/keys.json", views.public_keys, name="public_keys"),
]
