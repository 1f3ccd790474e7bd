from django.urls import path

from onething.editing import views

app_name = "editing"

urlpatterns = [
    path("editing/", views.home, name="home"),
    path("editing/review", views.review, name="review"),
    path("editing/submit", views.submit, name="submit"),
    path("editing/return", views.return_draft, name="return"),
    path("editing/publish", views.publish, name="publish"),
    path("editing/rollback", views.rollback, name="rollback"),
    path("editing/discard", views.discard, name="discard"),
    path("editing/versions/<int:number>.yaml", views.export, name="export"),
    path("editing/preview/<str:package>", views.preview, name="preview"),
    path("editing/<str:section>/new", views.new_entry, name="new"),
    path("editing/<str:section>/<str:key>", views.entry, name="entry"),
    path("editing/<str:section>/<str:key>/delete", views.delete, name="delete"),
]
