"""The clinic's safety plan page: a prescriber, nurse or counsellor on the care team
writes and updates the plan with the patient; every version stays readable; the
program admin reads it; anyone else is told there is no such patient."""

from __future__ import annotations

import pytest
from django.test import Client

from clonacare.therapy.models import SafetyPlanVersion
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

FIRST = {"based_on": "0", "warning-signs-0": "Pacing at night", "distraction-0": "The gym"}
NOT_ALLOWED = (
    "Only the patient, or a prescriber, nurse or counsellor on their care team, writes "
    "the safety plan."
)


def page(world: World) -> str:
    return f"/clinic/patients/{world.alex.pk}/safety-plan/"


@pytest.mark.parametrize("persona", ["lee", "avery", "kim"])
def test_a_clinician_on_the_care_team_writes_the_plan(
    client: Client, world: World, persona: str
) -> None:
    signed_in(client, persona)
    html = client.get(page(world)).content.decode()
    assert "No safety plan yet. Write it with the patient below" in html
    response = client.post(page(world), FIRST)
    assert (response.status_code, response["Location"]) == (302, page(world) + "?saved=1")
    stored = SafetyPlanVersion.objects.get()
    assert (stored.number, stored.saved_by.username, stored.role, stored.by_patient) == (
        1,
        persona,
        {"lee": "counsellor", "avery": "prescriber", "kim": "nurse"}[persona],
        False,
    )
    html = client.get(response["Location"]).content.decode()
    assert '<p class="status-note" role="status">Saved as version 1.</p>' in html
    assert "Pacing at night" in html
    assert (
        "Changed: Signs that a hard time is starting; People and places that take my mind "
        "off it." in html
    )


def test_updating_keeps_every_version_readable(client: Client, world: World) -> None:
    signed_in(client, "lee")
    client.post(page(world), FIRST)
    client.post(page(world), {"based_on": "1", "warning-signs-0": "Not answering the phone"})
    assert SafetyPlanVersion.objects.count() == 2
    latest = client.get(page(world)).content.decode()
    assert "Not answering the phone" in latest
    assert "Pacing at night" not in latest.split('id="write-title"')[0]
    old = client.get(page(world) + "?version=1").content.decode()
    assert "Version 1 (not the plan in force)" in old
    assert "Pacing at night" in old.split('id="write-title"')[0]
    assert client.get(page(world) + "?version=3").status_code == 404
    assert client.get(page(world) + "?version=one").status_code == 404


def test_a_stale_form_is_refused_with_the_message(client: Client, world: World) -> None:
    signed_in(client, "lee")
    client.post(page(world), FIRST)
    client.post(page(world), {**FIRST, "based_on": "1"})
    response = client.post(page(world), {**FIRST, "based_on": "1", "coping-on-my-own-0": "Tea"})
    assert response.status_code == 409
    assert (
        "The safety plan was saved again (version 2) after this one was opened; open it "
        "again to see that version first." in response.content.decode()
    )
    assert 'value="Tea"' in response.content.decode()


def test_an_empty_plan_is_refused(client: Client, world: World) -> None:
    response = signed_in(client, "kim").post(page(world), {"based_on": "0"})
    assert response.status_code == 400
    assert (
        '<p class="form-error" role="alert">Write at least one entry in one part of the '
        "safety plan.</p>" in response.content.decode()
    )


def test_the_patients_own_additions_are_flagged_until_gone_through(
    client: Client, world: World
) -> None:
    signed_in(client, "lee").post(page(world), FIRST)
    patient = signed_in(Client(), "alex")
    patient.post(
        "/portal/safety-plan/edit/", {**FIRST, "based_on": "1", "coping-on-my-own-0": "Baking"}
    )
    html = client.get(page(world)).content.decode()
    assert (
        "The patient added to the plan on their own (version 2). Go through it with them "
        "and save it." in html
    )
    assert "added by the patient" in html
    client.post(page(world), {**FIRST, "based_on": "2", "coping-on-my-own-0": "Baking"})
    html = client.get(page(world)).content.decode()
    assert "added to the plan on their own" not in html
    assert "Gone through, nothing changed." in html


def test_the_program_admin_reads_but_may_not_write(client: Client, world: World) -> None:
    signed_in(Client(), "lee").post(page(world), FIRST)
    signed_in(client, "riverside_admin")
    html = client.get(page(world)).content.decode()
    assert "Pacing at night" in html
    assert "Save the safety plan" not in html
    response = client.post(page(world), {**FIRST, "based_on": "1"})
    assert response.status_code == 403
    assert NOT_ALLOWED in response.content.decode()
    assert SafetyPlanVersion.objects.count() == 1


@pytest.mark.parametrize(("persona", "patient"), [("brook", "alex"), ("lee", "blair")])
def test_anyone_else_finds_no_such_patient(
    client: Client, world: World, persona: str, patient: str
) -> None:
    signed_in(client, persona)
    url = f"/clinic/patients/{getattr(world, patient).pk}/safety-plan/"
    assert client.get(url).status_code == 404
    assert client.post(url, FIRST).status_code == 404
    assert not SafetyPlanVersion.objects.exists()


def test_the_record_page_links_to_the_safety_plan(client: Client, world: World) -> None:
    html = signed_in(client, "avery").get(f"/clinic/patients/{world.alex.pk}/").content.decode()
    assert f'<a href="{page(world)}">Safety plan</a>' in html
