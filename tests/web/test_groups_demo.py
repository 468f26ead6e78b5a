"""The demo data: Riverside's group "Tapering together", facilitated by counsel.lee,
with pat.alex and pat.blair enrolled and the register of three past sessions, seen in
the API, the portal and the clinic."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from clonacare.patients.models import Patient
from clonacare.therapy.group_models import GroupSession, SupportGroup
from clonacare.web.demo import load_demo_data
from tests.api_client import ApiClient
from tests.personas import signed_in

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_group_with_attendance(client: Client) -> None:
    list(load_demo_data())
    group = SupportGroup.objects.get(name="Tapering together")
    assert (group.program.slug, group.facilitator.username, group.capacity) == (
        "riverside",
        "counsel.lee",
        8,
    )
    sessions = GroupSession.objects.filter(group=group)
    assert [s.status for s in sessions] == ["held", "held", "held"]
    alex = Patient.objects.get(user__username="pat.alex")
    body = ApiClient(User.objects.get(username="pat.alex")).get(f"/patients/{alex.pk}/groups")
    [enrolment] = body.json()["items"]
    assert enrolment["status"] == "enrolled"
    assert [a["status"] for a in enrolment["attendance"]] == ["absent", "attended", "attended"]
    portal = signed_in(client, "pat.blair").get("/portal/groups/").content.decode()
    assert "You are a member." in portal
    clinic = signed_in(Client(), "counsel.lee").get(f"/clinic/groups/{group.pk}/")
    assert "Blair Okafor: excused" in clinic.content.decode()
