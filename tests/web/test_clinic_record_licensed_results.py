"""The patient's record lists a licensed instrument's stored results (ISI here, which a
site with its pack records) with the shipped metadata, and no chart; it used to fail
with a server error because the page asked for the instrument's shipped wording."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from clonacare.assessments.models import InstrumentResponse
from tests.personas import World, signed_in


def test_a_licensed_instruments_results_are_listed(client: Client, world: World) -> None:
    InstrumentResponse.objects.create(
        patient=world.alex,
        instrument="isi",
        answers={},
        complete=True,
        total=11,
        band="subthreshold insomnia",
        result={},
        self_reported=True,
        entered_by=world.alex_user,
        submitted_at=timezone.now() - dt.timedelta(days=1),
    )
    response = signed_in(client, "avery").get(f"/clinic/patients/{world.alex.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h3>Insomnia Severity Index</h3>" in html
    assert "<td>11</td><td>subthreshold insomnia</td>" in html
    assert "no chart is drawn here" in html
    assert "No assessments yet." not in html
