from django.urls import path

from onething.cases import views

app_name = "cases"
urlpatterns = [
    path("my/", views.mine, name="mine"),
    path("apply/<slug:package_id>", views.apply, name="apply"),
    path("cases/<uuid:case_id>", views.case_page, name="detail"),
    path("cases/<uuid:case_id>/identity", views.identity, name="identity"),
    path("cases/<uuid:case_id>/do/<slug:action>", views.case_action, name="act"),
    path(
        "cases/<uuid:case_id>/tasks/<int:task_id>/<slug:action>",
        views.task_action,
        name="task_act",
    ),
    path("cases/<uuid:case_id>/notices/<int:notice_id>.pdf", views.notice_pdf, name="notice_pdf"),
    path(
        "cases/<uuid:case_id>/evidence/<int:evidence_id>/upload",
        views.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "cases/<uuid:case_id>/evidence/<int:evidence_id>/promise",
        views.evidence_promise,
        name="evidence_promise",
    ),
    path(
        "cases/<uuid:case_id>/evidence/<int:evidence_id>/check",
        views.evidence_check,
        name="evidence_check",
    ),
    path(
        "cases/<uuid:case_id>/evidence/<int:evidence_id>/file",
        views.evidence_file,
        name="evidence_file",
    ),
    path("window/", views.window, name="window"),
    path("review/", views.review, name="review"),
    path("supervision/", views.supervision, name="supervision"),
]
