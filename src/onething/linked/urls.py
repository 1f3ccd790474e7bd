from django.urls import path

from onething.linked import views

app_name = "linked"

urlpatterns = [
    path("linked/meetings", views.meetings, name="meetings"),
    path("linked/meetings/<uuid:public_id>", views.meeting, name="meeting"),
    path("linked/meetings/<uuid:public_id>/decide", views.decide, name="decide"),
]
