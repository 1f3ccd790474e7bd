from django.contrib import admin
from django.urls import include, path

from onething.web import views
from onething.web.api import api
from onething.web.favicon import favicon

admin.site.site_header = "一件事一次办 · 管理"
admin.site.site_title = "一件事一次办"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("api/v1/", api.urls),
    path("openapi.json", views.openapi, name="openapi"),
    path("healthz", views.health, name="health"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("accounts/", include("onething.accounts.urls")),
    path("", include("onething.cases.urls")),
    path("", include("onething.licences.urls")),
    path("", include("onething.privacy.urls")),
    path("", include("onething.evaluation.urls")),
    path("", include("onething.projects.urls")),
    path("", include("onething.linked.urls")),
    path("", include("onething.hall.urls")),
    path("", include("onething.tickets.urls")),
    path("", include("onething.outreach.urls")),
    path("", include("onething.kiosk.urls")),
    path("", include("onething.zones.urls")),
    path("", include("onething.exchange.urls")),
    path("", include("onething.search.urls")),
    path("", include("onething.editing.urls")),
    path("", include("onething.guides.urls")),
]

handler404 = "onething.web.views.not_found"
handler500 = "onething.web.views.server_error"
