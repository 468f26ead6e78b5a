"""The demo data: pat.casey a year and more after a first taper, with a return to use,
a new assessment and a second taper in progress, seen on the clinic's recovery record,
in the API and on the patient's own page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from clonacare.patients.models import Patient
from clonacare.plans.models import Plan
from clonacare.web.demo import load_demo_data
from tests.api_client import ApiClient
from tests.personas import signed_in

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_recovery_record_with_a_return_to_use(client: Client) -> None:
    list(load_demo_data())
    casey = Patient.objects.get(user__username="pat.casey")
    plans = Plan.objects.filter(patient=casey)
    assert sorted(p.status for p in plans) == ["approved", "superseded"]
    body = ApiClient(User.objects.get(username="dr.brook")).get(f"/patients/{casey.pk}/timeline")
    [first] = body.json()["milestones"]["runs"]  # the second taper is in progress
    assert [m["days"] for m in first["reached"]] == [30, 90, 180]
    assert first["ended_on"] is not None
    assert first["next"] is None
    remission = body.json()["remission"]
    assert remission["status"] == "not-met"
    assert remission["reasons"][-1].startswith("The run spans less than 3 months so far")
    kinds = [i["kind"] for i in body.json()["items"]]
    assert kinds.count("plan-approved") == 2
    assert kinds.count("return-to-use") == 1
    assert "remission" in kinds  # the early remission before the return to use
    clinic = signed_in(client, "dr.brook").get(f"/clinic/patients/{casey.pk}/timeline/")
    assert "Use started again (clonazepam)" in clinic.content.decode()
    portal = signed_in(Client(), "pat.casey").get("/portal/recovery/").content.decode()
    assert "Those days still count" in portal
