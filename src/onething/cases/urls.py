from django.urls import path

from onething.cases.views import actions, applicant, case_page, lists, my_cases, progress_page

app_name = "cases"
urlpatterns = [
    path("my/", my_cases.mine, name="mine"),
    path("apply/<slug:package_id>", applicant.apply, name="apply"),
    path("cases/<uuid:case_id>", case_page.case_page, name="detail"),
    path("cases/<uuid:case_id>/identity", case_page.identity, name="identity"),
    path("cases/<uuid:case_id>/do/<slug:action>", actions.case_action, name="act"),
    path(
        "cases/<uuid:case_id>/tasks/<int:task_id>/<slug:action>",
        actions.task_action,
        name="task_act",
    ),
    path(
        "cases/<uuid:case_id>/notices/<int:notice_id>.pdf", case_page.notice_pdf, name="notice_pdf"
    ),
    path(
        "cases/<uuid:case_id>/evidence/<int:evidence_id>/upload",
        actions.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "cases/<uuid:case_id>/evidence/<int:evidence_id>/promise",
        actions.evidence_promise,
        name="evidence_promise",
    ),
    path(
        "cases/<uuid:case_id>/evidence/<int:evidence_id>/check",
        actions.evidence_check,
        name="evidence_check",
    ),
    path(
        "cases/<uuid:case_id>/evidence/<int:evidence_id>/unchecked",
        actions.evidence_unchecked,
        name="evidence_unchecked",
    ),
    path(
        "cases/<uuid:case_id>/evidence/<int:evidence_id>/file",
        case_page.evidence_file,
        name="evidence_file",
    ),
    path("progress/", progress_page.progress_page, name="progress"),
    path("cases/<uuid:case_id>/application.pdf", case_page.application_pdf, name="application_pdf"),
    path("cases/<uuid:case_id>/receipt.pdf", case_page.receipt_pdf, name="receipt_pdf"),
    path("window/", lists.window, name="window"),
    path("review/", lists.review, name="review"),
    path("supervision/", lists.supervision, name="supervision"),
]
