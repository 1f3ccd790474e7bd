from django.contrib.auth import views as auth_views
from django.urls import path

from onething.accounts import twofactor_views, views

app_name = "accounts"
urlpatterns = [
    path("login", views.LoginView.as_view(), name="login"),
    path("logout", auth_views.LogoutView.as_view(), name="logout"),
    path("me", views.home, name="home"),
    path("two-factor", twofactor_views.second_factor, name="second_factor"),
    path("two-factor/enrol", twofactor_views.enrol, name="enrol"),
    path("security", views.security, name="security"),
    path("password", views.password_change, name="password"),
    path("tokens/<int:pk>/revoke", views.revoke_token, name="revoke_token"),
]
