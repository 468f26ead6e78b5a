"""Where a program's safety alerts go: its escalation time (15 minutes by default, a
Clonacare operational setting) and on-call address, set by its program admin or a site
admin; and the email address each staff member gets alerts at."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from clonacare.accounts.models import Program
from clonacare.audit.models import AuditEvent
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db


def test_a_new_program_escalates_after_15_minutes_to_its_admins(world: World) -> None:
    program = Program.objects.create(name="New", slug="new")
    assert (program.escalation_minutes, program.on_call_email) == (15, "")


@pytest.mark.parametrize(
    ("persona", "back"),
    [("riverside_admin", "/accounts/staff/"), ("site_admin", "/accounts/programs/")],
)
def test_the_program_admin_or_a_site_admin_sets_it(
    client: Client, world: World, persona: str, back: str
) -> None:
    client = signed_in(client, getattr(world, persona))
    path = f"/accounts/programs/{world.riverside.pk}/alert-delivery/"
    form = client.get(path).content.decode()
    assert "Safety alert delivery for Riverside Recovery" in form
    assert 'name="escalation_minutes" value="15"' in form
    response = client.post(
        path, {"escalation_minutes": "10", "on_call_email": "on-call@riverside.example"}
    )
    assert (response.status_code, response["Location"]) == (302, back)
    world.riverside.refresh_from_db()
    assert (world.riverside.escalation_minutes, world.riverside.on_call_email) == (
        10,
        "on-call@riverside.example",
    )
    event = AuditEvent.objects.get(action="program.alert-delivery")
    assert event.detail == {
        "before": {"escalation_minutes": 15, "on_call_email": ""},
        "after": {"escalation_minutes": 10, "on_call_email": "on-call@riverside.example"},
    }
    message = (
        "Safety alerts of Riverside Recovery not acknowledged within 10 minutes now go to "
        "on-call@riverside.example and the program admins."
    )
    assert message in client.get(back).content.decode()


@pytest.mark.parametrize("persona", ["avery", "kim", "brook", "alex_user"])
def test_anyone_else_gets_a_missing_page(client: Client, world: World, persona: str) -> None:
    client = signed_in(client, getattr(world, persona))
    path = f"/accounts/programs/{world.riverside.pk}/alert-delivery/"
    assert client.get(path).status_code == 404
    assert client.post(path, {"escalation_minutes": "1"}).status_code == 404
    world.riverside.refresh_from_db()
    assert world.riverside.escalation_minutes == 15


def test_another_programs_admin_gets_a_missing_page(client: Client, world: World) -> None:
    client = signed_in(client, world.riverside_admin)
    response = client.get(f"/accounts/programs/{world.northgate.pk}/alert-delivery/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"escalation_minutes": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"escalation_minutes": "1441"}, "Ensure this value is less than or equal to 1440."),
        ({"escalation_minutes": ""}, "This field is required."),
        (
            {"escalation_minutes": "15", "on_call_email": "not an address"},
            "Enter a valid email address.",
        ),
    ],
)
def test_a_bad_value_is_refused_on_its_field(
    client: Client, world: World, data: dict[str, str], message: str
) -> None:
    client = signed_in(client, world.riverside_admin)
    response = client.post(f"/accounts/programs/{world.riverside.pk}/alert-delivery/", data)
    assert response.status_code == 400
    assert f'<p class="field-error">{message}</p>' in response.content.decode()
    assert not AuditEvent.objects.filter(action="program.alert-delivery").exists()


def test_the_staff_page_shows_who_has_no_alert_email(client: Client, world: World) -> None:
    world.kim.email = "kim@riverside.example"
    world.kim.save(update_fields=["email"])
    html = signed_in(client, world.riverside_admin).get("/accounts/staff/").content.decode()
    assert "kim@riverside.example" in html
    assert html.count("alerts on the pages only") == 3  # avery, lee, the admin
    assert (
        "Safety alerts are emailed to the care team at once and, when no one acknowledges "
        "them within 15 minutes, to the program admins."
    ) in html


def test_the_program_admin_sets_a_staff_members_email(client: Client, world: World) -> None:
    client = signed_in(client, world.riverside_admin)
    path = f"/accounts/staff/{world.lee.pk}/email/"
    response = client.post(path, {"email": "lee@riverside.example"})
    assert response.status_code == 302
    world.lee.refresh_from_db()
    assert world.lee.email == "lee@riverside.example"
    event = AuditEvent.objects.get(action="staff.email")
    assert event.detail == {"username": "lee", "had_address": False, "has_address": True}
    bad = client.post(path, {"email": "lee at riverside"})
    assert bad.status_code == 400
    assert '<p class="field-error">Enter a valid email address.</p>' in bad.content.decode()
    elsewhere = client.get(f"/accounts/staff/{world.brook.pk}/email/")
    assert elsewhere.status_code == 404


def test_a_new_staff_member_may_be_given_an_email(client: Client, world: World) -> None:
    client = signed_in(client, world.riverside_admin)
    response = client.post(
        "/accounts/staff/new/",
        {
            "first_name": "Dana",
            "last_name": "Ortiz",
            "role": "nurse",
            "username": "dana",
            "email": "dana@riverside.example",
            "password": "a-long-enough-passphrase",
            "password_again": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="dana").email == "dana@riverside.example"
