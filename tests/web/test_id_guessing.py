"""Guessing ids across programs: a clinician of Northgate (brook) walking every id, past
the last one made, reads only Northgate's records; each other id answers exactly as one
that does not exist, through the API and on the clinic's pages."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from clonacare.accounts.actors import actor_for
from clonacare.assessments.models import SafetyAlert
from clonacare.patients.models import Patient
from clonacare.plans.actions import do_draft_plan
from clonacare.plans.models import Plan
from clonacare.plans.parameters import PlanParameters
from tests.api_client import ApiClient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db


def plans(world: World) -> None:
    """A draft plan for each patient, drafted by a prescriber on their care team."""
    parameters = PlanParameters(method="percent", step=Decimal(10), switch_to="diazepam")
    for prescriber, patient in ((world.avery, world.alex), (world.avery, world.blair)):
        actor = actor_for(prescriber, RequestFactory().get("/"))
        do_draft_plan(actor, patient, parameters, now=timezone.now())
    brook = actor_for(world.brook, RequestFactory().get("/"))
    do_draft_plan(brook, world.casey, parameters, now=timezone.now())


def every_id(model: type[Patient] | type[Plan] | type[SafetyAlert]) -> range:
    """Every id from a little before the first record of this test's world to a little
    past its last. (Not from 1: on PostgreSQL the ids go on from earlier tests, so a
    full suite would walk thousands, and the API's rate limit would answer them.)"""
    ids = model.objects.order_by("pk").values_list("pk", flat=True)
    first, last = (ids.first() or 1), (ids.last() or 0)
    return range(max(1, first - 3), last + 4)


def test_brook_reads_only_northgates_patients_through_the_api(world: World) -> None:
    api = ApiClient(world.brook)
    found = {}
    for guess in every_id(Patient):
        response = api.get(f"/patients/{guess}")
        if response.status_code != 404:
            found[guess] = response.status_code
        else:
            assert response.json() == {"detail": "Patient not found."}
    assert found == {world.casey.pk: 200}


def test_brook_reads_only_northgates_plans_through_the_api(world: World) -> None:
    plans(world)
    api = ApiClient(world.brook)
    found = []
    for guess in every_id(Plan):
        response = api.get(f"/plans/{guess}")
        if response.status_code == 200:
            found.append(response.json()["patient_id"])
        else:
            assert (response.status_code, response.json()) == (404, {"detail": "Plan not found."})
    assert found == [world.casey.pk]


def test_brook_acknowledges_no_alert_of_another_program(world: World) -> None:
    now = timezone.now()
    for patient in (world.alex, world.blair):
        SafetyAlert.objects.create(patient=patient, code="seizure", message="m", raised_at=now)
    api = ApiClient(world.brook)
    for guess in every_id(SafetyAlert):
        response = api.post(f"/alerts/{guess}/acknowledge", {"note": "Called the patient."})
        assert (response.status_code, response.json()) == (404, {"detail": "Alert not found."})
    assert not SafetyAlert.objects.filter(acknowledged_at__isnull=False).exists()


def without_csrf(content: bytes) -> str:
    """A page without its CSRF token, which differs on every render."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())


def test_brooks_guesses_on_the_clinic_pages_look_like_missing_records(
    client: Client, world: World
) -> None:
    signed_in(client, world.brook)
    missing = client.get("/clinic/patients/2147480000/")
    assert missing.status_code == 404
    for guess in every_id(Patient):
        response = client.get(f"/clinic/patients/{guess}/")
        if guess == world.casey.pk:
            assert response.status_code == 200
        else:
            assert response.status_code == 404
            assert without_csrf(response.content) == without_csrf(missing.content)
