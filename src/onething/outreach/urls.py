from django.urls import path

from onething.outreach import assist_views, visit_views

app_name = "outreach"

urlpatterns = [
    path("outreach/assist/", assist_views.assist_home, name="assist_home"),
    path("outreach/assist/<uuid:public_id>", assist_views.assist_page, name="assist"),
    path(
        "outreach/assist/<uuid:public_id>/consent",
        assist_views.assist_consent,
        name="assist_consent",
    ),
    path(
        "outreach/assist/<uuid:public_id>/signature.png",
        assist_views.assist_signature,
        name="assist_signature",
    ),
    path("outreach/visits/", visit_views.visit_list, name="visits"),
    path("outreach/visits/<uuid:public_id>", visit_views.visit_page, name="visit"),
    path("outreach/visits/<uuid:public_id>/form", visit_views.visit_form, name="visit_form"),
    path(
        "outreach/visits/<uuid:public_id>/<slug:action>",
        visit_views.visit_action,
        name="visit_act",
    ),
]
