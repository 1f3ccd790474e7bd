from django.urls import path

from onething.tickets import views

app_name = "tickets"

urlpatterns = [
    path("hall/<slug:code>/tickets", views.take, name="take"),
    path("hall/<slug:code>/tickets/<uuid:public_id>", views.slip, name="slip"),
    path("hall/<slug:code>/counter", views.counter, name="counter"),
    path("hall/<slug:code>/counter/<int:window_id>", views.console, name="console"),
    path("hall/<slug:code>/counter/<int:window_id>/call", views.call, name="call"),
    path("hall/<slug:code>/counter/<int:window_id>/<slug:action>", views.act, name="act"),
    path("hall/<slug:code>/display", views.display, name="display"),
    path("hall/<slug:code>/display/board", views.display_board, name="board"),
]
