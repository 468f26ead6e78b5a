"""Doses are prefilled in plain digits: 10 mg is "10", never "1E+1", on the dose-change
form and on the level-of-care form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from clonacare.patients.models import BenzodiazepineUse
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db


def diazepam_10_mg(world: World) -> None:
    BenzodiazepineUse.objects.filter(patient=world.alex).update(ended_on=dt.date(2026, 1, 1))
    BenzodiazepineUse.objects.create(
        patient=world.alex,
        drug="diazepam",
        night_mg=Decimal(10),
        since=dt.date(2026, 1, 2),
    )


def test_the_dose_change_form_shows_10_mg_as_10(client: Client, world: World) -> None:
    diazepam_10_mg(world)
    signed_in(client, world.avery)
    html = client.get(f"/clinic/patients/{world.alex.pk}/benzodiazepine/").content.decode()
    assert 'name="night_mg" value="10"' in html
    assert "E+" not in html


def test_the_level_of_care_form_shows_10_mg_as_10(client: Client, world: World) -> None:
    diazepam_10_mg(world)
    signed_in(client, world.avery)
    html = client.get(f"/clinic/patients/{world.alex.pk}/level-of-care/").content.decode()
    assert 'name="daily_dose_mg" value="10"' in html
    assert "E+" not in html
