from __future__ import annotations

from django.urls import path

from clonacare.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_page, name="login"),
    path("logout/", views.logout_page, name="logout"),
    path("login/two-factor/", views.enroll, name="enroll"),
    path("home/", views.home, name="home"),
    path("password/", views.change_password, name="password-change"),
    path("password/changed/", views.password_changed, name="password-changed"),
]
