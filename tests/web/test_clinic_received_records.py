"""The scores and consents an import kept as received, on the clinic's record page: each
shown under its own heading, marked as from the sending program, never among the
record's own assessments or consents."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.personas import World, signed_in
from tests.web.test_clinic_outside_plans import imported_patient

pytestmark = pytest.mark.django_db


def record_page(client: Client, world: World) -> str:
    patient_id = imported_patient(world)
    response = signed_in(client, "brook").get(reverse("clinic:patient", args=[patient_id]))
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_received_scores_as_answered_elsewhere(client: Client, world: World) -> None:
    html = record_page(client, world)
    assert "Scores received from another program" in html
    assert "Answered in another program, not here." in html
    assert "they raise no alert, draw no chart and are not among this record's" in html
    # The PHQ-9 total and the licensed instrument's, each with its band, from Riverside.
    assert "<td>PHQ-9 total</td><td>8</td><td>mild</td><td>Riverside Recovery</td>" in html
    assert (
        "<td>ISI total</td><td>11</td><td>subthreshold insomnia</td><td>Riverside Recovery</td>"
        in html
    )
    # The record's own assessments hold none of them.
    assert "<p>No assessments yet.</p>" in html


def test_it_shows_received_consents_as_covering_nothing_here(client: Client, world: World) -> None:
    html = record_page(client, world)
    assert "Consents given to another program" in html
    assert "They cover none of this program's disclosures." in html
    assert "<td>Riverside Recovery</td><td>Dr. Taylor, primary care</td>" in html
    assert "<td>coordination of care</td><td>active</td>" in html
    # The record's own consents: none, so nothing may be disclosed yet.
    assert "No consents recorded. Nothing leaves this record to another party without one." in html


def test_a_record_without_them_shows_neither_section(client: Client, world: World) -> None:
    response = signed_in(client, "avery").get(reverse("clinic:patient", args=[world.alex.pk]))
    html = response.content.decode()
    assert "Scores received from another program" not in html
    assert "Consents given to another program" not in html
