"""Site admins manage programs at /accounts/programs/: create them, set their two-factor
rule and give each its program admins. Everyone else finds no such page."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from clonacare.accounts.actions import (
    CREATE_NOT_ALLOWED,
    PROGRAMS_NOT_ALLOWED,
    NewProgram,
    NewStaff,
    do_create_program,
    do_create_staff,
    do_set_program_two_factor,
)
from clonacare.accounts.models import Membership, Program, Role
from clonacare.accounts.refusals import AccountRefusal
from clonacare.audit.log import Actor
from clonacare.audit.models import AuditEvent
from tests.personas import PASSWORD, World, signed_in

NEW_PASSWORD = "quiet-harbour-morning-17"
ADMIN = {
    "first_name": "Noor",
    "last_name": "Haddad",
    "username": "noor",
    "password": NEW_PASSWORD,
    "password_again": NEW_PASSWORD,
}


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def without_csrf(response: Any) -> str:
    """The page, less the per-request CSRF token of the header's sign-out form."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def actor(user: User) -> Actor:
    membership = Membership.objects.get(user=user)
    return Actor(user.pk, user.username, membership.role, membership.program_id, None, "")


def urls(world: World) -> list[tuple[str, str]]:
    program = world.riverside.pk
    return [
        ("get", "/accounts/programs/"),
        ("get", "/accounts/programs/new/"),
        ("post", "/accounts/programs/new/"),
        ("post", f"/accounts/programs/{program}/two-factor/"),
        ("get", f"/accounts/programs/{program}/admins/new/"),
        ("post", f"/accounts/programs/{program}/admins/new/"),
    ]


# Who may open the pages ---------------------------------------------------------------


def test_it_lists_programs_with_their_rule_staff_and_admins(client: Client, world: World) -> None:
    world.northgate.require_two_factor = True
    world.northgate.save()
    body = text(signed_in(client, "site_admin").get("/accounts/programs/"))
    riverside = body.split("Riverside Recovery", 1)[1]
    assert "Not required" in riverside.split("</tr>")[0]
    assert "riverside_admin" in riverside.split("</tr>")[0]
    # avery, kim, lee and riverside_admin; patients are not staff.
    assert "<td>4</td>" in riverside.split("</tr>")[0]
    northgate = body.split("Northgate Clinic", 1)[1].split("</tr>")[0]
    assert "Required" in northgate
    assert "None yet." in northgate


def test_the_list_takes_the_same_queries_for_more_programs(client: Client, world: World) -> None:
    signed_in(client, "site_admin").get("/accounts/programs/")
    with CaptureQueriesContext(connection) as few:
        client.get("/accounts/programs/")
    assert len(few.captured_queries) <= 9
    for n in range(5):
        program = Program.objects.create(name=f"Program {n}", slug=f"program-{n}")
        user = User.objects.create(username=f"admin{n}")
        Membership.objects.create(user=user, program=program, role=Role.PROGRAM_ADMIN)
    with CaptureQueriesContext(connection) as more:
        client.get("/accounts/programs/")
    assert len(more.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("username", ["alex", "avery", "kim", "riverside_admin", "brook"])
def test_anyone_but_a_site_admin_finds_no_such_page(
    client: Client, world: World, username: str
) -> None:
    signed_in(client, username)
    missing = client.get("/accounts/no-such-page/")
    for method, url in urls(world):
        response = getattr(client, method)(url, {"name": "X", "slug": "x", "required": "on"})
        assert response.status_code == 404, url
        assert without_csrf(response) == without_csrf(missing)
    assert Program.objects.count() == 2
    assert not AuditEvent.objects.filter(action__startswith="program.").exists()


def test_signed_out_it_asks_to_sign_in(client: Client, world: World) -> None:
    response = client.get("/accounts/programs/")
    assert response["Location"] == "/accounts/login/?next=/accounts/programs/"


def test_the_audit_log_links_site_admins_to_the_programs(client: Client, world: World) -> None:
    assert 'href="/accounts/programs/"' in text(
        signed_in(client, "site_admin").get("/clinic/audit/")
    )
    page = text(signed_in(Client(), "riverside_admin").get("/clinic/audit/"))
    assert 'href="/accounts/programs/"' not in page


# Creating a program ---------------------------------------------------------------------


def test_the_form_requires_two_factor_unless_unticked(client: Client, world: World) -> None:
    body = text(signed_in(client, "site_admin").get("/accounts/programs/new/"))
    assert 'name="require_two_factor" id="id_require_two_factor" checked' in body


def test_a_site_admin_creates_a_program(client: Client, world: World) -> None:
    response = signed_in(client, "site_admin").post(
        "/accounts/programs/new/",
        {"name": "Lakeside Health", "slug": "lakeside", "require_two_factor": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/programs/"
    program = Program.objects.get(slug="lakeside")
    assert (program.name, program.require_two_factor) == ("Lakeside Health", True)
    event = AuditEvent.objects.get(action="program.create")
    assert (event.actor_username, event.program_id, event.object_id) == (
        "site_admin",
        program.pk,
        str(program.pk),
    )
    assert event.detail == {"slug": "lakeside", "require_two_factor": True}
    assert "Lakeside Health is created. Now add its program admin." in text(
        client.get("/accounts/programs/")
    )


@pytest.mark.parametrize(
    ("name", "slug", "message"),
    [
        (
            "riverside recovery",
            "river2",
            "A program named 'riverside recovery' exists already; choose another.",
        ),
        ("Riverbend", "riverside", "The slug 'riverside' is taken by another program."),
        (
            "Riverbend",
            "river bend",
            "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.",
        ),
        ("", "riverbend", "This field is required."),
    ],
)
def test_a_taken_or_invalid_name_or_slug_is_refused(
    client: Client, world: World, name: str, slug: str, message: str
) -> None:
    response = signed_in(client, "site_admin").post(
        "/accounts/programs/new/", {"name": name, "slug": slug}
    )
    assert response.status_code == 400
    assert message in text(response)
    assert Program.objects.count() == 2
    assert not AuditEvent.objects.filter(action="program.create").exists()


def test_only_a_site_admin_creates_or_changes_programs(world: World) -> None:
    for user in (world.riverside_admin, world.avery):
        with pytest.raises(AccountRefusal) as refused:
            do_create_program(actor(user), NewProgram("Lakeside", "lakeside"))
        assert (refused.value.code, refused.value.message) == ("not-allowed", PROGRAMS_NOT_ALLOWED)
        with pytest.raises(AccountRefusal) as refused:
            do_set_program_two_factor(actor(user), world.riverside, True)
        assert refused.value.message == PROGRAMS_NOT_ALLOWED
    assert PROGRAMS_NOT_ALLOWED == (
        "Only a site admin can create programs or change their sign-in rules."
    )
    world.riverside.refresh_from_db()
    assert not world.riverside.require_two_factor


# The two-factor rule ---------------------------------------------------------------------


def test_a_site_admin_turns_two_factor_on_and_staff_must_set_it_up(
    client: Client, world: World
) -> None:
    url = f"/accounts/programs/{world.riverside.pk}/two-factor/"
    response = signed_in(client, "site_admin").post(url, {"required": "on"})
    assert response.status_code == 302
    world.riverside.refresh_from_db()
    assert world.riverside.require_two_factor
    event = AuditEvent.objects.get(action="program.two-factor")
    assert (event.program_id, event.detail) == (
        world.riverside.pk,
        {"before": False, "after": True, "tokens_revoked": 0},
    )
    signing_in = Client().post("/accounts/login/", {"username": "kim", "password": PASSWORD})
    assert signing_in["Location"] == "/accounts/login/two-factor/"

    client.post(url, {"required": "off"})
    world.riverside.refresh_from_db()
    assert not world.riverside.require_two_factor


def test_an_unclear_two_factor_change_is_refused(client: Client, world: World) -> None:
    url = f"/accounts/programs/{world.riverside.pk}/two-factor/"
    response = signed_in(client, "site_admin").post(url, {"required": "maybe"})
    assert response.status_code == 400
    assert "Choose whether the program requires two-factor sign-in." in text(response)
    assert not AuditEvent.objects.filter(action="program.two-factor").exists()


def test_a_program_that_does_not_exist_is_not_found(client: Client, world: World) -> None:
    signed_in(client, "site_admin")
    assert client.post("/accounts/programs/9999/two-factor/", {"required": "on"}).status_code == 404
    assert client.get("/accounts/programs/9999/admins/new/").status_code == 404


# Program admins ---------------------------------------------------------------------------


def test_a_site_admin_adds_a_program_admin_who_can_sign_in(client: Client, world: World) -> None:
    url = f"/accounts/programs/{world.northgate.pk}/admins/new/"
    # A role posted by hand is ignored: this form creates program admins only.
    response = signed_in(client, "site_admin").post(url, {**ADMIN, "role": "nurse"})
    assert response.status_code == 302
    noor = User.objects.get(username="noor")
    assert (noor.get_full_name(), noor.membership.role, noor.membership.program) == (
        "Noor Haddad",
        Role.PROGRAM_ADMIN,
        world.northgate,
    )
    event = AuditEvent.objects.get(action="staff.create")
    assert (event.actor_username, event.program_id, event.object_id) == (
        "site_admin",
        world.northgate.pk,
        str(noor.pk),
    )
    assert event.detail == {"username": "noor", "role": "program_admin"}
    assert NEW_PASSWORD not in str(event.detail)
    signing_in = Client().post("/accounts/login/", {"username": "noor", "password": NEW_PASSWORD})
    assert signing_in.status_code == 302


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"username": "Avery"}, "The username 'Avery' is taken; choose another."),
        ({"username": "no spaces"}, "Enter a valid username."),
        (
            {"password": "short", "password_again": "short"},
            "This password is too short. It must contain at least 12 characters.",
        ),
        (
            {"password": "password1234", "password_again": "password1234"},
            "This password is too common.",
        ),
        ({"password_again": NEW_PASSWORD + "x"}, "The two passwords do not match."),
        ({"last_name": ""}, "This field is required."),
    ],
)
def test_a_wrong_program_admin_is_refused_and_nothing_is_written(
    client: Client, world: World, change: dict[str, str], message: str
) -> None:
    url = f"/accounts/programs/{world.northgate.pk}/admins/new/"
    response = signed_in(client, "site_admin").post(url, {**ADMIN, **change})
    assert response.status_code == 400
    assert message in text(response)
    assert User.objects.count() == 9
    assert not AuditEvent.objects.filter(action="staff.create").exists()


def test_a_site_admin_creates_no_other_staff(world: World) -> None:
    new = NewStaff("noor", "Noor", "Haddad", Role.NURSE, NEW_PASSWORD)
    with pytest.raises(AccountRefusal) as refused:
        do_create_staff(actor(world.site_admin), world.northgate, new)
    assert (refused.value.code, refused.value.message) == ("not-allowed", CREATE_NOT_ALLOWED)
    assert CREATE_NOT_ALLOWED == (
        "A site admin creates program admins only; the program admin adds the rest of the staff."
    )
    assert not User.objects.filter(username="noor").exists()
