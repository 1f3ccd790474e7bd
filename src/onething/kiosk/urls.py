from django.urls import path

from onething.kiosk import views

app_name = "kiosk"

urlpatterns = [
    path("kiosk/sign-in-code", views.phone_code, name="phone_code"),
    path("kiosk/end", views.end, name="end"),
    path("kiosk/collect/<uuid:case_id>", views.collect, name="collect"),
    path("kiosk/<slug:code>/", views.start, name="start"),
    path("kiosk/<slug:code>/card", views.by_card, name="card"),
    path("kiosk/<slug:code>/code", views.by_code, name="code"),
]
