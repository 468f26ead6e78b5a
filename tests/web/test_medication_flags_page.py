"""The clinic's record page and add-medication form: a choice of known drugs grouped by
class or free text, and each medication's interaction flags with their sources."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from clonacare.patients.models import Medication
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

OPIOID_MESSAGE = (
    "Oxycodone (an opioid) with clonazepam: taken together they can cause profound "
    "sedation, slowed breathing, coma and death (FDA boxed warning). Weigh the risks and "
    "benefits of the combination and review them at least every 3 months, or at each "
    "related visit or renewal."
)
OPIOID_SOURCE = (
    "Source: FDA 2020 boxed warning (clinical reference, Clonazepam); ASAM 2025 Rec 16–18 "
    "(clinical reference, Level of care)"
)


def page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_form_offers_the_known_drugs_grouped_by_class(client: Client, world: World) -> None:
    form = page(signed_in(client, "kim"), f"/clinic/patients/{world.alex.pk}/medications/new/")
    assert '<option value="" selected>Not in the list: write its name below</option>' in form
    assert '<optgroup label="Opioids">' in form
    assert '<option value="buprenorphine">buprenorphine</option>' in form
    assert '<optgroup label="Antipsychotics with sedation">' in form


def test_a_drug_chosen_on_the_form_shows_its_flag_and_source_on_the_record(
    client: Client, world: World
) -> None:
    signed_in(client, "avery")
    response = client.post(
        f"/clinic/patients/{world.alex.pk}/medications/new/",
        {"drug": "oxycodone", "name": "", "dose": "5 mg", "reason": "back pain", "started_on": ""},
    )
    assert response.status_code == 302
    record = page(client, f"/clinic/patients/{world.alex.pk}/")
    assert 'oxycodone 5 mg (back pain) <span class="small">an opioid</span>' in record
    assert OPIOID_MESSAGE in record
    assert OPIOID_SOURCE in record


def test_free_text_is_listed_without_a_flag(client: Client, world: World) -> None:
    signed_in(client, "kim")
    response = client.post(
        f"/clinic/patients/{world.alex.pk}/medications/new/",
        {"drug": "", "name": "Sertraline", "dose": "100 mg", "reason": "", "started_on": ""},
    )
    assert response.status_code == 302
    assert Medication.objects.get().drug == ""
    record = page(client, f"/clinic/patients/{world.alex.pk}/")
    assert "Sertraline 100 mg" in record
    assert "interaction-flag" not in record


def test_a_brand_name_keeps_the_drug_beside_it(client: Client, world: World) -> None:
    Medication.objects.create(patient=world.alex, name="Lyrica", drug="pregabalin")
    record = page(signed_in(client, "kim"), f"/clinic/patients/{world.alex.pk}/")
    assert 'Lyrica  <span class="small">pregabalin, a gabapentinoid</span>' in record
    assert "Pregabalin (a gabapentinoid) with clonazepam: a gabapentinoid taken" in record


def test_a_drug_not_offered_is_refused_on_the_form(client: Client, world: World) -> None:
    response = signed_in(client, "kim").post(
        f"/clinic/patients/{world.alex.pk}/medications/new/",
        {"drug": "aspirin", "name": "Aspirin", "dose": "", "reason": "", "started_on": ""},
    )
    assert response.status_code == 400
    assert "Select a valid choice. aspirin is not one of the available choices." in html.unescape(
        response.content.decode()
    )
    assert not Medication.objects.exists()


def test_the_form_is_404_for_another_program(client: Client, world: World) -> None:
    response = signed_in(client, "brook").get(f"/clinic/patients/{world.alex.pk}/medications/new/")
    assert response.status_code == 404
