from django.urls import path

from onething.linked import inspection_views, views

app_name = "linked"

urlpatterns = [
    path("linked/meetings", views.meetings, name="meetings"),
    path("linked/meetings/<uuid:public_id>", views.meeting, name="meeting"),
    path("linked/meetings/<uuid:public_id>/decide", views.decide, name="decide"),
    path("linked/authorisations", views.authorisations, name="authorisations"),
    path("linked/authorisations/<int:pk>/revoke", views.revoke, name="revoke"),
    path("linked/inspections", inspection_views.inspections, name="inspections"),
    path("linked/inspections/<uuid:public_id>", inspection_views.inspection, name="inspection"),
    path(
        "linked/inspections/<uuid:public_id>/findings",
        inspection_views.findings,
        name="findings",
    ),
    path(
        "linked/inspections/<uuid:public_id>/reinspection",
        inspection_views.reinspect,
        name="reinspect",
    ),
    path(
        "linked/inspections/<uuid:public_id>/photos/<int:photo_id>",
        inspection_views.photo,
        name="photo",
    ),
    path(
        "linked/inspections/<uuid:public_id>/report.pdf",
        inspection_views.report,
        name="report",
    ),
]
