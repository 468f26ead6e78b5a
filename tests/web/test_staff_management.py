"""Program admins manage their program's staff at /accounts/staff/: add accounts,
deactivate and reactivate them, reset a lost authenticator. Nothing is deleted, and no
one else (not even another program's admin) finds these pages or these people."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from clonacare.accounts.actions import (
    OWN_ACCOUNT,
    OWN_TWO_FACTOR,
    STAFF_NOT_ALLOWED,
    STAFF_NOT_FOUND,
    do_set_staff_active,
)
from clonacare.accounts.auth import BAD_CREDENTIALS
from clonacare.accounts.models import Membership, Role
from clonacare.accounts.refusals import AccountRefusal
from clonacare.audit.log import Actor
from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import PASSWORD, World, password_hash, signed_in

NEW_PASSWORD = "quiet-harbour-morning-17"
NURSE = {
    "first_name": "Sam",
    "last_name": "Ortiz",
    "role": "nurse",
    "username": "sam",
    "password": NEW_PASSWORD,
    "password_again": NEW_PASSWORD,
}


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def without_csrf(response: Any) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def northgate_admin(world: World) -> User:
    user = User.objects.create(username="northgate_admin", password=password_hash())
    Membership.objects.create(user=user, program=world.northgate, role=Role.PROGRAM_ADMIN)
    return user


def sign_in(username: str, password: str = PASSWORD) -> Any:
    return Client().post("/accounts/login/", {"username": username, "password": password})


# The list and who sees it ------------------------------------------------------------------


def test_a_program_admin_sees_their_programs_staff(client: Client, world: World) -> None:
    world.kim.is_active = False
    world.kim.save()
    body = text(signed_in(client, "riverside_admin").get("/accounts/staff/"))
    rows = {
        m.group(1): m.group(0)
        for m in re.finditer(r'<th scope="row">(\w+).*?</tr>', body, flags=re.DOTALL)
    }
    assert sorted(rows) == ["avery", "kim", "lee", "riverside_admin"]  # no patients, no brook
    assert "Prescriber" in rows["avery"]
    assert "Active" in rows["avery"]
    assert "Nurse" in rows["kim"]
    assert "Deactivated" in rows["kim"]
    assert "Reactivate" in rows["kim"]
    assert "Counsellor" in rows["lee"]
    # One's own account offers no way to lock oneself out.
    assert "(you)" in rows["riverside_admin"]
    assert "Deactivate" not in rows["riverside_admin"]


def test_the_list_takes_the_same_queries_for_more_staff(client: Client, world: World) -> None:
    signed_in(client, "riverside_admin").get("/accounts/staff/")
    with CaptureQueriesContext(connection) as few:
        client.get("/accounts/staff/")
    for n in range(5):
        user = User.objects.create(username=f"nurse{n}")
        Membership.objects.create(user=user, program=world.riverside, role=Role.NURSE)
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    with CaptureQueriesContext(connection) as more:
        client.get("/accounts/staff/")
    assert len(more.captured_queries) == len(few.captured_queries)


def test_the_caseload_links_program_admins_to_the_staff(client: Client, world: World) -> None:
    assert 'href="/accounts/staff/"' in text(signed_in(client, "riverside_admin").get("/clinic/"))
    assert 'href="/accounts/staff/"' not in text(signed_in(Client(), "avery").get("/clinic/"))


@pytest.mark.parametrize("username", ["alex", "avery", "kim", "lee", "brook", "site_admin"])
def test_anyone_but_a_program_admin_finds_no_such_page(
    client: Client, world: World, username: str
) -> None:
    signed_in(client, username)
    missing = client.get("/accounts/no-such-page/")
    kim = world.kim.pk
    for method, url in [
        ("get", "/accounts/staff/"),
        ("get", "/accounts/staff/new/"),
        ("post", "/accounts/staff/new/"),
        ("post", f"/accounts/staff/{kim}/deactivate/"),
        ("post", f"/accounts/staff/{kim}/reactivate/"),
        ("post", f"/accounts/staff/{kim}/two-factor/reset/"),
    ]:
        response = getattr(client, method)(url, NURSE)
        assert response.status_code == 404, url
        assert without_csrf(response) == without_csrf(missing)
    world.kim.refresh_from_db()
    assert world.kim.is_active
    assert not User.objects.filter(username="sam").exists()
    assert not AuditEvent.objects.filter(action__startswith="staff.").exists()


def test_signed_out_it_asks_to_sign_in(client: Client, world: World) -> None:
    response = client.get("/accounts/staff/")
    assert response["Location"] == "/accounts/login/?next=/accounts/staff/"


def test_people_outside_the_staff_are_not_found(client: Client, world: World) -> None:
    """Another program's staff, a patient of one's own program, a site admin and an id
    that does not exist: all answer like a missing page, and nothing changes."""
    signed_in(client, "riverside_admin")
    missing = client.post("/accounts/staff/999999/deactivate/")
    assert missing.status_code == 404
    for user in (world.brook, world.alex_user, world.site_admin):
        for action in ("deactivate", "reactivate", "two-factor/reset"):
            response = client.post(f"/accounts/staff/{user.pk}/{action}/")
            assert response.status_code == 404
            assert without_csrf(response) == without_csrf(missing)
    assert User.objects.filter(is_active=False).count() == 0


def test_another_programs_admin_cannot_touch_this_programs_staff(world: World) -> None:
    client = signed_in(Client(), northgate_admin(world).username)
    assert client.post(f"/accounts/staff/{world.kim.pk}/deactivate/").status_code == 404
    body = text(client.get("/accounts/staff/"))
    assert "brook" in body
    assert "kim" not in body
    world.kim.refresh_from_db()
    assert world.kim.is_active


# Adding staff ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["prescriber", "nurse", "counsellor", "program_admin"])
def test_a_program_admin_adds_staff_who_can_sign_in(
    client: Client, world: World, role: str
) -> None:
    response = signed_in(client, "riverside_admin").post(
        "/accounts/staff/new/", {**NURSE, "role": role}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/staff/"
    sam = User.objects.get(username="sam")
    assert (sam.get_full_name(), sam.membership.role, sam.membership.program) == (
        "Sam Ortiz",
        role,
        world.riverside,
    )
    event = AuditEvent.objects.get(action="staff.create")
    assert (event.actor_username, event.program_id, event.object_id, event.detail) == (
        "riverside_admin",
        world.riverside.pk,
        str(sam.pk),
        {"username": "sam", "role": role},
    )
    assert "Sam Ortiz can now sign in as a" in text(client.get("/accounts/staff/"))
    assert sign_in("sam", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"username": "KIM"}, "The username 'KIM' is taken; choose another."),
        ({"username": "casey"}, "The username 'casey' is taken; choose another."),
        (
            {"role": "site_admin"},
            "Select a valid choice. site_admin is not one of the available choices.",
        ),
        (
            {"role": "patient"},
            "Select a valid choice. patient is not one of the available choices.",
        ),
        (
            {"password": "sam-ortiz-1", "password_again": "sam-ortiz-1"},
            "This password is too short. It must contain at least 12 characters.",
        ),
        (
            {"password": "12345678901234", "password_again": "12345678901234"},
            "This password is entirely numeric.",
        ),
        ({"password_again": "something-else-entirely"}, "The two passwords do not match."),
        ({"first_name": ""}, "This field is required."),
    ],
)
def test_a_wrong_staff_account_is_refused_and_nothing_is_written(
    client: Client, world: World, change: dict[str, str], message: str
) -> None:
    response = signed_in(client, "riverside_admin").post(
        "/accounts/staff/new/", {**NURSE, **change}
    )
    assert response.status_code == 400
    assert message in text(response)
    assert User.objects.count() == 9
    assert not AuditEvent.objects.filter(action="staff.create").exists()


# Deactivating and reactivating -----------------------------------------------------------------


def test_a_deactivated_member_cannot_sign_in_and_loses_api_tokens(
    client: Client, world: World
) -> None:
    api = ApiClient(world.kim)
    session = signed_in(Client(), "kim")
    assert api.get("/me").status_code == 200
    response = signed_in(client, "riverside_admin").post(
        f"/accounts/staff/{world.kim.pk}/deactivate/"
    )
    assert response.status_code == 302
    world.kim.refresh_from_db()
    assert not world.kim.is_active
    assert User.objects.filter(username="kim").exists()  # never deleted
    assert api.get("/me").status_code == 401
    refused = sign_in("kim")
    assert refused.status_code == 400
    assert BAD_CREDENTIALS in text(refused)
    assert session.get("/clinic/")["Location"] == "/accounts/login/?next=/clinic/"
    event = AuditEvent.objects.get(action="staff.deactivate")
    assert (event.actor_username, event.program_id, event.object_id, event.detail) == (
        "riverside_admin",
        world.riverside.pk,
        str(world.kim.pk),
        {"username": "kim", "tokens_revoked": 1, "sessions_ended": 1},
    )
    assert "kim's account is deactivated: they can no longer sign in." in text(
        client.get("/accounts/staff/")
    )


def test_a_reactivated_member_signs_in_again(client: Client, world: World) -> None:
    signed_in(client, "riverside_admin")
    client.post(f"/accounts/staff/{world.kim.pk}/deactivate/")
    response = client.post(f"/accounts/staff/{world.kim.pk}/reactivate/")
    assert response.status_code == 302
    world.kim.refresh_from_db()
    assert world.kim.is_active
    assert sign_in("kim").status_code == 302
    event = AuditEvent.objects.get(action="staff.reactivate")
    assert (event.object_id, event.detail) == (str(world.kim.pk), {"username": "kim"})


def test_a_program_admin_cannot_deactivate_themselves(client: Client, world: World) -> None:
    me = world.riverside_admin.pk
    response = signed_in(client, "riverside_admin").post(f"/accounts/staff/{me}/deactivate/")
    assert response.status_code == 403
    assert OWN_ACCOUNT in text(response)
    assert OWN_ACCOUNT == "You cannot deactivate your own account; ask another program admin."
    world.riverside_admin.refresh_from_db()
    assert world.riverside_admin.is_active
    assert not AuditEvent.objects.filter(action="staff.deactivate").exists()


def test_a_program_admin_deactivates_another_program_admin(client: Client, world: World) -> None:
    other = User.objects.create(username="second_admin", password=password_hash())
    Membership.objects.create(user=other, program=world.riverside, role=Role.PROGRAM_ADMIN)
    response = signed_in(client, "riverside_admin").post(f"/accounts/staff/{other.pk}/deactivate/")
    assert response.status_code == 302
    other.refresh_from_db()
    assert not other.is_active


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("deactivate", "kim's account is already deactivated."),
        ("reactivate", "avery's account is already active."),
    ],
)
def test_nothing_to_change_is_a_conflict(
    client: Client, world: World, action: str, message: str
) -> None:
    world.kim.is_active = False
    world.kim.save()
    user = world.kim if action == "deactivate" else world.avery
    response = signed_in(client, "riverside_admin").post(f"/accounts/staff/{user.pk}/{action}/")
    assert response.status_code == 409
    assert message in text(response)
    assert not AuditEvent.objects.filter(action__startswith="staff.").exists()


def test_only_a_program_admin_changes_staff(world: World) -> None:
    nurse = Actor(world.kim.pk, "kim", Role.NURSE, world.riverside.pk, None, "")
    with pytest.raises(AccountRefusal) as refused:
        do_set_staff_active(nurse, world.avery.pk, active=False)
    assert (refused.value.code, refused.value.message) == ("not-allowed", STAFF_NOT_ALLOWED)
    assert STAFF_NOT_ALLOWED == "Only a program admin of this program can manage its staff."
    admin = Actor(
        world.riverside_admin.pk,
        "riverside_admin",
        Role.PROGRAM_ADMIN,
        world.riverside.pk,
        None,
        "",
    )
    with pytest.raises(AccountRefusal) as refused:
        do_set_staff_active(admin, world.brook.pk, active=False)
    assert (refused.value.code, refused.value.message) == ("staff-not-found", STAFF_NOT_FOUND)
    assert STAFF_NOT_FOUND == "No such staff member in your program."


# Resetting two-factor -------------------------------------------------------------------------


def test_a_reset_makes_the_member_set_up_an_authenticator_again(
    client: Client, world: World
) -> None:
    TOTPDevice.objects.create(user=world.kim, name="Old phone", confirmed=True)
    body = text(signed_in(client, "riverside_admin").get("/accounts/staff/"))
    assert "Reset" in body
    response = client.post(f"/accounts/staff/{world.kim.pk}/two-factor/reset/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.kim).exists()
    world.riverside.require_two_factor = True
    world.riverside.save()
    assert sign_in("kim")["Location"] == "/accounts/login/two-factor/"
    event = AuditEvent.objects.get(action="staff.two-factor-reset")
    assert (event.program_id, event.object_id, event.detail) == (
        world.riverside.pk,
        str(world.kim.pk),
        {"username": "kim", "devices_removed": 1, "tokens_revoked": 0},
    )
    # The admin's session was signed in without a code; the notice waits in it.
    world.riverside.require_two_factor = False
    world.riverside.save()
    assert "kim will set up an authenticator app again at their next sign-in." in text(
        client.get("/accounts/staff/")
    )


def test_a_member_without_an_authenticator_has_nothing_to_reset(
    client: Client, world: World
) -> None:
    response = signed_in(client, "riverside_admin").post(
        f"/accounts/staff/{world.kim.pk}/two-factor/reset/"
    )
    assert response.status_code == 409
    assert "kim has not set up two-factor sign-in; there is nothing to reset." in text(response)
    assert not AuditEvent.objects.filter(action="staff.two-factor-reset").exists()


def test_a_program_admin_cannot_reset_their_own_two_factor(client: Client, world: World) -> None:
    TOTPDevice.objects.create(user=world.riverside_admin, name="Phone", confirmed=True)
    me = world.riverside_admin.pk
    response = signed_in(client, "riverside_admin").post(f"/accounts/staff/{me}/two-factor/reset/")
    assert response.status_code == 403
    assert OWN_TWO_FACTOR in text(response)
    assert (
        OWN_TWO_FACTOR == "You cannot reset your own two-factor sign-in; ask another program admin."
    )
    assert TOTPDevice.objects.filter(user=world.riverside_admin).exists()
