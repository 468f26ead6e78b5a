"""The demo's population screen (docs/population.md, "The demo"): one finished screen at
Riverside Recovery with flagged people, one invitation from it, the file gone."""

from __future__ import annotations

import pytest
from django.test import Client

from clonacare.patients.models import Patient
from clonacare.population.models import Invitation, Screen
from clonacare.web.demo import load_demo_data
from tests.personas import signed_in


@pytest.mark.django_db
def test_the_demo_has_a_finished_screen_and_one_invitation(client: Client) -> None:
    list(load_demo_data())
    screen = Screen.objects.get()
    assert screen.program.slug == "riverside"
    assert screen.file_name == "riverside-fills.csv"
    assert screen.status == Screen.Status.DONE
    assert len(screen.items) >= 5
    invitation = Invitation.objects.get()
    assert invitation.patient.status == Patient.Status.INVITED
    assert invitation.dispensing_patient_id == screen.items[0]["patient_id"]
    page = signed_in(client, "dr.avery").get(f"/clinic/screens/{screen.pk}/")
    assert page.status_code == 200
    assert "Screen of riverside-fills.csv" in page.content.decode()
