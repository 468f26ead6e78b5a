"""The demo data: pat.alex has a safety plan written with counsel.lee, which they open
from the portal and their counsellor from the clinic."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from clonacare.patients.models import Patient
from clonacare.web.demo import load_demo_data
from tests.api_client import ApiClient
from tests.personas import signed_in

pytestmark = pytest.mark.django_db


def test_pat_alex_has_a_safety_plan_written_with_counsel_lee(client: Client) -> None:
    list(load_demo_data())
    alex = Patient.objects.get(user__username="pat.alex")
    body = (
        ApiClient(User.objects.get(username="counsel.lee"))
        .get(f"/patients/{alex.pk}/safety-plan")
        .json()
    )
    assert (body["version"], body["saved_by"], body["role"], body["by_patient"]) == (
        1,
        "counsel.lee",
        "counsellor",
        False,
    )
    assert all(s["entries"] for s in body["sections"])
    html = signed_in(client, "pat.alex").get("/portal/safety-plan/").content.decode()
    assert "Written with Robin Lee on" in html
    assert "Awake after 3 am with my heart racing" in html
