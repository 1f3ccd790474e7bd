from django.urls import path

from onething.hall import desk_views, views

app_name = "hall"

urlpatterns = [
    path("hall/", views.book, name="book"),
    path("hall/mine", views.mine, name="mine"),
    path("hall/appointments/<uuid:public_id>", views.appointment, name="appointment"),
    path("hall/appointments/<uuid:public_id>/cancel", views.cancel, name="cancel"),
    path("hall/appointments/<uuid:public_id>/move", views.move, name="move"),
    path("hall/desk/", desk_views.desks, name="desks"),
    path("hall/desk/<slug:code>", desk_views.desk, name="desk"),
    path("hall/desk/<slug:code>/sessions", desk_views.open_session, name="open_session"),
    path("hall/desk/<slug:code>/phone", desk_views.phone_booking, name="phone_booking"),
]
