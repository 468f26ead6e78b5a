"""Signing in: Argon2 passwords, lockout after repeated failures, TOTP for staff."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from clonacare.accounts.auth import (
    BAD_CREDENTIALS,
    LOCKED_OUT,
    OTP_REQUIRED,
    OTP_THROTTLED,
    OTP_WRONG,
)
from clonacare.audit.models import AuditEvent
from tests.personas import PASSWORD, World


def sign_in(client: Client, username: str, password: str = PASSWORD, otp: str = ""):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"username": username, "password": password, "otp": otp})


def test_passwords_are_hashed_with_argon2(world: World) -> None:
    assert identify_hasher(world.alex_user.password).algorithm == "argon2"


@pytest.mark.parametrize(
    ("username", "landing"),
    [
        ("alex", "/portal/"),
        ("avery", "/clinic/"),
        ("riverside_admin", "/clinic/"),
        ("site_admin", "/clinic/audit/"),
    ],
)
def test_each_role_lands_on_its_own_page(
    client: Client, world: World, username: str, landing: str
) -> None:
    response = sign_in(client, username)
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == landing


def test_a_wrong_password_is_refused_with_a_message(client: Client, world: World) -> None:
    response = sign_in(client, "alex", "wrong-password")
    assert response.status_code == 400
    assert BAD_CREDENTIALS in response.content.decode()
    assert AuditEvent.objects.filter(action="login.failed").count() == 1


def test_ten_failures_lock_the_account_even_for_the_right_password(
    client: Client, world: World
) -> None:
    for _ in range(10):
        sign_in(client, "alex", "wrong-password")
    response = sign_in(client, "alex")
    assert response.status_code == 429
    assert LOCKED_OUT in response.content.decode()
    assert not client.session.get("_auth_user_id")


def test_pages_behind_sign_in_send_visitors_to_the_login(client: Client, world: World) -> None:
    response = client.get("/clinic/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/clinic/"


def test_sessions_expire_when_idle_and_when_the_browser_closes(settings: object) -> None:
    from django.conf import settings as django_settings

    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60


def test_sign_out_needs_a_post(client: Client, world: World) -> None:
    sign_in(client, "alex")
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/portal/").status_code == 302


@pytest.fixture
def two_factor(world: World) -> TOTPDevice:
    world.riverside.require_two_factor = True
    world.riverside.save()
    return TOTPDevice.objects.create(user=world.avery, name="phone", confirmed=True)


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_staff_of_a_two_factor_program_need_a_code(client: Client, two_factor: TOTPDevice) -> None:
    response = sign_in(client, "avery")
    assert response.status_code == 400
    assert OTP_REQUIRED in response.content.decode()
    response = sign_in(client, "avery", otp=code(two_factor))
    assert response.status_code == 302
    assert client.get("/clinic/").status_code == 200


def test_a_wrong_code_is_refused_and_counts_towards_the_lockout(
    client: Client, two_factor: TOTPDevice
) -> None:
    wrong = "000000" if code(two_factor) != "000000" else "111111"
    response = sign_in(client, "avery", otp=wrong)
    assert response.status_code == 400
    assert OTP_WRONG in response.content.decode()
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get(username="avery").failures_since_start == 1


def test_codes_are_throttled_after_a_wrong_one(client: Client, two_factor: TOTPDevice) -> None:
    sign_in(client, "avery", otp="999999" if code(two_factor) != "999999" else "888888")
    response = sign_in(client, "avery", otp=code(two_factor))
    assert response.status_code == 400
    assert OTP_THROTTLED in response.content.decode()


def test_patients_never_need_a_code(client: Client, two_factor: TOTPDevice) -> None:
    assert sign_in(client, "alex").status_code == 302


def test_staff_without_a_device_must_enrol_first(client: Client, world: World) -> None:
    world.riverside.require_two_factor = True
    world.riverside.save()
    response = sign_in(client, "kim")
    assert response["Location"] == "/accounts/login/two-factor/"
    assert client.get("/clinic/").status_code == 302  # not signed in yet
    page = client.get("/accounts/login/two-factor/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=world.kim, confirmed=False)
    wrong = client.post("/accounts/login/two-factor/", {"otp": "12345"})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # as if the user waited before typing the next code
    done = client.post("/accounts/login/two-factor/", {"otp": code(device)})
    assert done.status_code == 302
    assert client.get("/clinic/").status_code == 200


def test_new_programs_require_two_factor_by_default(db: None) -> None:
    from clonacare.accounts.models import Program

    assert Program.objects.create(name="New", slug="new").require_two_factor is True
