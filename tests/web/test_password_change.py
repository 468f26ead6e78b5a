"""Changing one's own password at /accounts/password/: any signed-in person, audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from clonacare.audit.models import AuditEvent
from tests.personas import PASSWORD, World, signed_in

URL = "/accounts/password/"
NEW = "quiet-harbour-morning-17"


def change(client: Client, old: str = PASSWORD, new: str = NEW, again: str = NEW) -> Any:
    return client.post(URL, {"old_password": old, "new_password1": new, "new_password2": again})


@pytest.mark.parametrize("username", ["alex", "avery", "riverside_admin", "site_admin"])
def test_anyone_signed_in_changes_their_password(
    client: Client, world: World, username: str
) -> None:
    response = change(signed_in(client, username))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/changed/"
    user = User.objects.get(username=username)
    assert user.check_password(NEW)
    # Still signed in on this browser.
    assert (
        "Your password has been changed"
        in client.get("/accounts/password/changed/").content.decode()
    )
    event = AuditEvent.objects.get(action="account.password-change")
    assert (event.actor_username, event.object_type, event.object_id) == (
        username,
        "User",
        str(user.pk),
    )
    assert NEW not in str(event.detail)


def test_the_header_links_to_it(client: Client, world: World) -> None:
    assert f'href="{URL}"' in signed_in(client, "alex").get("/portal/").content.decode()


def test_signed_out_it_asks_to_sign_in(client: Client, world: World) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


@pytest.mark.parametrize(
    ("old", "new", "again", "message"),
    [
        (
            "not-my-password",
            NEW,
            NEW,
            "Your old password was entered incorrectly. Please enter it again.",
        ),
        (PASSWORD, NEW, NEW + "x", "The two password fields didn’t match."),
        (
            PASSWORD,
            "short",
            "short",
            "This password is too short. It must contain at least 12 characters.",
        ),
        (PASSWORD, "password1234", "password1234", "This password is too common."),
    ],
)
def test_a_wrong_change_is_refused_and_nothing_changes(
    client: Client, world: World, old: str, new: str, again: str, message: str
) -> None:
    response = change(signed_in(client, "avery"), old, new, again)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.get(username="avery").check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="account.password-change").exists()


def test_a_new_password_revokes_the_api_tokens_issued_before(client: Client, world: World) -> None:
    from tests.api_client import ApiClient

    api = ApiClient(world.avery)
    assert api.get("/me").status_code == 200
    change(signed_in(client, "avery"))
    assert api.get("/me").status_code == 401
    event = AuditEvent.objects.get(action="account.password-change")
    assert event.detail == {"tokens_revoked": 1}
