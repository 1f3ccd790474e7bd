from django.urls import path

from onething.search import views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="page"),
    path("search/question", views.question_page, name="question"),
    path("guides/<str:package_id>/ask", views.ask_about_guide, name="ask"),
]
