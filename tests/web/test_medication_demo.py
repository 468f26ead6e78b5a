"""The demo (issue 11): pat.blair takes an opioid for pain, and the record page and the
API show its flag with the benzodiazepine."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from clonacare.patients.models import Patient
from clonacare.web.demo import load_demo_data
from tests.api_client import ApiClient
from tests.personas import signed_in

pytestmark = pytest.mark.django_db


def test_pat_blair_is_on_an_opioid_with_its_flag(client: Client) -> None:
    list(load_demo_data())
    blair = Patient.objects.get(user__username="pat.blair")
    body = ApiClient(blair.user).get(f"/patients/{blair.pk}/medications").json()
    oxycodone = next(m for m in body["items"] if m["drug"] == "oxycodone")
    assert (oxycodone["class"], oxycodone["reason"]) == ("opioids", "lower back pain")
    assert [(f["code"], f["with"]) for f in oxycodone["flags"]] == [
        ("opioid-with-benzodiazepine", ["clonazepam"])
    ]
    record = html.unescape(
        signed_in(client, "dr.avery").get(f"/clinic/patients/{blair.pk}/").content.decode()
    )
    assert "Oxycodone (an opioid) with clonazepam: taken together they can cause" in record
    alex = Patient.objects.get(user__username="pat.alex")
    assert not alex.medications.exclude(drug="").exists()
