"""A sign-in ends when the ground it stood on goes: a deactivated account loses its web
sessions and API tokens (and reactivating it brings neither back); requiring two-factor
in a program, or resetting someone's authenticator, ends the API tokens issued without
a code, and the web sessions signed in without one are sent to sign in again."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from clonacare.api.errors import TOKEN_INVALID
from clonacare.audit.models import AuditEvent
from tests.api_client import BASE, ApiClient
from tests.personas import PASSWORD, World, signed_in

TOKEN_REFUSED = {"detail": TOKEN_INVALID}
LOGIN = "/accounts/login/?next=/clinic/"


def sessions_of(user: User) -> list[Session]:
    live = Session.objects.filter(expire_date__gt=timezone.now())
    return [s for s in live if s.get_decoded().get(SESSION_KEY) == str(user.pk)]


def with_cookie(cookie: str) -> Client:
    """A new browser that sends an old session cookie, as someone who kept it would."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    return client


def patch_status(api: ApiClient, world: World) -> Any:
    return api.client.patch(
        f"{BASE}/patients/{world.alex.pk}",
        json.dumps({"status": "tapering"}),
        content_type="application/json",
        headers=api.headers,
    )


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def signed_in_with_code(username: str) -> Client:
    """A browser signed in on the login page with a code from a new authenticator."""
    device = TOTPDevice.objects.create(
        user=User.objects.get(username=username), name="phone", confirmed=True
    )
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": username, "password": PASSWORD, "otp": code(device)}
    )
    assert response.status_code == 302
    return client


# Deactivating an account ------------------------------------------------------------------


def test_deactivating_ends_the_web_session_for_good(world: World) -> None:
    kim = signed_in(Client(), "kim")
    assert kim.get("/clinic/").status_code == 200
    cookie = kim.cookies[settings.SESSION_COOKIE_NAME].value
    avery = signed_in(Client(), "avery")
    admin = signed_in(Client(), "riverside_admin")

    response = admin.post(f"/accounts/staff/{world.kim.pk}/deactivate/")

    assert response.status_code == 302
    assert sessions_of(world.kim) == []
    assert len(sessions_of(world.avery)) == 1  # nobody else is signed out
    assert avery.get("/clinic/").status_code == 200
    refused = with_cookie(cookie).get("/clinic/")
    assert (refused.status_code, refused["Location"]) == (302, LOGIN)
    assert sessions_of(world.kim) == []  # the request did not bring the session back
    event = AuditEvent.objects.get(action="staff.deactivate")
    assert event.detail == {"username": "kim", "tokens_revoked": 0, "sessions_ended": 1}

    assert admin.post(f"/accounts/staff/{world.kim.pk}/reactivate/").status_code == 302

    again = with_cookie(cookie).get("/clinic/")
    assert (again.status_code, again["Location"]) == (302, LOGIN)
    assert sessions_of(world.kim) == []


def test_every_session_of_the_account_ends(world: World) -> None:
    browsers = [signed_in(Client(), "kim"), signed_in(Client(), "kim")]
    signed_in(Client(), "riverside_admin").post(f"/accounts/staff/{world.kim.pk}/deactivate/")
    for browser in browsers:
        assert browser.get("/clinic/")["Location"] == LOGIN
    assert AuditEvent.objects.get(action="staff.deactivate").detail["sessions_ended"] == 2


def test_an_inactive_account_is_anonymous_even_with_a_live_session(world: World) -> None:
    """Below the action: Django's ModelBackend refuses an inactive user's session too."""
    kim = signed_in(Client(), "kim")
    User.objects.filter(pk=world.kim.pk).update(is_active=False)
    response = kim.get("/clinic/")
    assert (response.status_code, response["Location"]) == (302, LOGIN)


def test_deactivating_ends_the_api_tokens_for_good(world: World) -> None:
    api = ApiClient(world.kim)
    assert patch_status(api, world).status_code == 200
    admin = signed_in(Client(), "riverside_admin")
    admin.post(f"/accounts/staff/{world.kim.pk}/deactivate/")
    admin.post(f"/accounts/staff/{world.kim.pk}/reactivate/")
    for response in (api.get("/me"), patch_status(api, world)):
        assert (response.status_code, response.json()) == (401, TOKEN_REFUSED)


# Requiring two-factor in a program --------------------------------------------------------


def test_requiring_two_factor_ends_the_staffs_api_tokens(world: World) -> None:
    avery, admin_api = ApiClient(world.avery), ApiClient(world.riverside_admin)
    alex, brook = ApiClient(world.alex_user), ApiClient(world.brook)
    assert avery.get("/me").status_code == 200
    assert patch_status(avery, world).status_code == 200
    url = f"/accounts/programs/{world.riverside.pk}/two-factor/"

    response = signed_in(Client(), "site_admin").post(url, {"required": "on"}, follow=True)

    assert response.status_code == 200
    assert (
        "Staff of Riverside Recovery must now sign in with an authenticator code. "
        "2 API tokens issued without a code stopped working."
    ) in response.content.decode()
    for api in (avery, admin_api):
        for answer in (api.get("/me"), patch_status(api, world)):
            assert (answer.status_code, answer.json()) == (401, TOKEN_REFUSED)
    assert alex.get("/me").status_code == 200  # patients never need a code
    assert brook.get("/me").status_code == 200  # another program's staff
    event = AuditEvent.objects.get(action="program.two-factor")
    assert event.detail == {"before": False, "after": True, "tokens_revoked": 2}


def test_no_longer_requiring_it_ends_no_token(world: World) -> None:
    world.riverside.require_two_factor = True
    world.riverside.save()
    avery = ApiClient(world.avery)  # as if issued with a code
    url = f"/accounts/programs/{world.riverside.pk}/two-factor/"
    assert signed_in(Client(), "site_admin").post(url, {"required": "off"}).status_code == 302
    assert avery.get("/me").status_code == 200
    event = AuditEvent.objects.get(action="program.two-factor")
    assert event.detail == {"before": True, "after": False, "tokens_revoked": 0}


def test_requiring_two_factor_sends_sessions_without_a_code_to_sign_in(world: World) -> None:
    kim = signed_in(Client(), "kim")
    url = f"/accounts/programs/{world.riverside.pk}/two-factor/"
    signed_in(Client(), "site_admin").post(url, {"required": "on"})
    response = kim.get("/clinic/")
    assert (response.status_code, response["Location"]) == (302, LOGIN)


# Resetting an authenticator ---------------------------------------------------------------


def test_a_reset_ends_the_members_api_tokens(world: World) -> None:
    TOTPDevice.objects.create(user=world.kim, name="Lost phone", confirmed=True)
    kim, avery = ApiClient(world.kim), ApiClient(world.avery)
    assert patch_status(kim, world).status_code == 200

    response = signed_in(Client(), "riverside_admin").post(
        f"/accounts/staff/{world.kim.pk}/two-factor/reset/"
    )

    assert response.status_code == 302
    for answer in (kim.get("/me"), patch_status(kim, world)):
        assert (answer.status_code, answer.json()) == (401, TOKEN_REFUSED)
    assert avery.get("/me").status_code == 200
    event = AuditEvent.objects.get(action="staff.two-factor-reset")
    assert event.detail == {"username": "kim", "devices_removed": 1, "tokens_revoked": 1}


def test_a_reset_sends_a_session_verified_with_the_lost_device_to_sign_in(
    world: World,
) -> None:
    world.riverside.require_two_factor = True
    world.riverside.save()
    kim = signed_in_with_code("kim")
    admin = signed_in_with_code("riverside_admin")
    assert kim.get("/clinic/").status_code == 200

    assert admin.post(f"/accounts/staff/{world.kim.pk}/two-factor/reset/").status_code == 302

    response = kim.get("/clinic/")
    assert (response.status_code, response["Location"]) == (302, LOGIN)
    assert admin.get("/accounts/staff/").status_code == 200  # the admin's own session stays
