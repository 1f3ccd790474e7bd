from django.urls import path

from onething.exchange import views

app_name = "exchange"

urlpatterns = [
    path("exchange/", views.home, name="home"),
    path("exchange/inbox", views.receive, name="inbox"),
    path("exchange/identity.json", views.identity_json, name="identity"),
    path("exchange/figures", views.figures, name="figures"),
    path("exchange/verify", views.verify, name="verify"),
    path("exchange/forward", views.forward, name="forward"),
    path("exchange/cases/<uuid:ref>", views.case, name="case"),
    path("exchange/cases/<uuid:ref>/hand-over", views.hand_over, name="hand_over"),
    path("exchange/messages/<int:pk>/<str:action>", views.message_action, name="message"),
    path("exchange/partners", views.add_partner, name="add_partner"),
    path("exchange/partners/<str:code>/toggle", views.toggle_partner, name="toggle_partner"),
    path("exchange/keys/rotate", views.rotate, name="rotate"),
]
