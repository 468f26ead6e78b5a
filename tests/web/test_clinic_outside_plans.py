"""An outside plan (a CarePlan and its MedicationRequests another program sent, kept by
the FHIR import) on the clinic's record page: shown with its doses as sent, marked as
from the sending program, and never as a plan of this program."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.api_client import ApiClient
from tests.personas import World, signed_in
from tests.web.fhir_world import full_record

pytestmark = pytest.mark.django_db

HEADING = "Plans received from another program"
NOT_OURS = "Not a Clonacare plan: nobody in this program approved it."


def imported_patient(world: World) -> int:
    """Alex's record (with an approved, revised plan) exported by Riverside and imported
    into Northgate by brook; the new patient's id."""
    full_record(world)
    bundle = ApiClient(world.avery).get(f"/patients/{world.alex.pk}/fhir").json()
    response = ApiClient(world.brook).post(f"/programs/{world.northgate.pk}/fhir-import", bundle)
    assert response.status_code == 201, response.json()
    return int(response.json()["id"])


def test_it_shows_an_outside_plan_marked_as_from_the_sending_program(
    client: Client, world: World
) -> None:
    patient_id = imported_patient(world)
    response = signed_in(client, "brook").get(reverse("clinic:patient", args=[patient_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert HEADING in html
    assert "clonazepam taper plan, switching to diazepam" in html
    assert '<span class="badge">from Riverside Recovery</span>' in html
    assert NOT_OURS in html
    assert "To taper here, draft and approve a plan of this program." in html
    assert "<dt>Written by</dt><dd>Jordan Avery (Riverside Recovery)</dd>" in html
    assert "Revision 2 on " in html
    assert "pause 14 days (Insomnia since the last cut)" in html
    # Each drug's doses as sent, step by step, in the order of the day.
    assert "clonazepam: doses as Riverside Recovery sent them (active there)" in html
    assert "diazepam: doses as Riverside Recovery sent them (active there)" in html
    assert "<td>step 0 (start)</td>" in html
    assert "<td>morning 0.5 mg, night 1 mg</td>" in html


def test_it_is_not_listed_as_a_plan_of_this_program(client: Client, world: World) -> None:
    patient_id = imported_patient(world)
    page = signed_in(client, "brook").get(reverse("clinic:plans", args=[patient_id]))
    html = page.content.decode()
    assert "No taper plan yet." in html
    assert "clonazepam taper plan" not in html


def test_a_record_without_one_shows_no_section(client: Client, world: World) -> None:
    response = signed_in(client, "avery").get(reverse("clinic:patient", args=[world.alex.pk]))
    assert response.status_code == 200
    assert HEADING not in response.content.decode()


def test_staff_of_the_sending_program_do_not_see_the_new_record(
    client: Client, world: World
) -> None:
    patient_id = imported_patient(world)
    response = signed_in(client, "avery").get(reverse("clinic:patient", args=[patient_id]))
    assert response.status_code == 404
