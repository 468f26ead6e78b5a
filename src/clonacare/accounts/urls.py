from __future__ import annotations

from django.urls import path

from clonacare.accounts import (
    converters,  # noqa: F401 - registers <id:...>
    views,
)
from clonacare.accounts import management_views as manage

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_page, name="login"),
    path("logout/", views.logout_page, name="logout"),
    path("login/two-factor/", views.enroll, name="enroll"),
    path("home/", views.home, name="home"),
    path("password/", views.change_password, name="password-change"),
    path("password/changed/", views.password_changed, name="password-changed"),
    path("programs/", manage.programs, name="programs"),
    path("programs/new/", manage.create_program, name="create-program"),
    path(
        "programs/<id:program_id>/two-factor/",
        manage.set_program_two_factor,
        name="program-two-factor",
    ),
    path(
        "programs/<id:program_id>/admins/new/",
        manage.create_program_admin,
        name="create-program-admin",
    ),
    path(
        "programs/<id:program_id>/alert-delivery/",
        manage.alert_delivery,
        name="alert-delivery",
    ),
    path("staff/", manage.staff, name="staff"),
    path("staff/<id:user_id>/email/", manage.staff_email, name="staff-email"),
    path("staff/new/", manage.create_staff, name="create-staff"),
    path("staff/<id:user_id>/deactivate/", manage.deactivate_staff, name="deactivate-staff"),
    path("staff/<id:user_id>/reactivate/", manage.reactivate_staff, name="reactivate-staff"),
    path(
        "staff/<id:user_id>/two-factor/reset/",
        manage.reset_two_factor,
        name="reset-two-factor",
    ),
]
