"""The portal's two-step ASQ is one screen: the alert its first step raises is completed
by the second step's stored response, never counted as a repeat ("again 1×")."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from clonacare.assessments.models import AlertRepeat, InstrumentResponse, SafetyAlert
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

URL = "/portal/questionnaires/asq/"


def test_the_second_step_completes_the_first_steps_alert(client: Client, world: World) -> None:
    signed_in(client, world.alex_user)
    first = client.post(URL, {"asq-1": "no", "asq-2": "yes", "asq-3": "no", "asq-4": "no"})
    html = first.content.decode()
    alert = SafetyAlert.objects.get()
    assert alert.code == "suicide-risk"
    hidden = re.search(r'name="first-step-alerts" value="([^"]+)"', html)
    assert hidden is not None
    assert hidden.group(1) == str(alert.pk)
    second = client.post(
        URL,
        {
            "step": "follow-up",
            "first-step-alerts": hidden.group(1),
            "asq-1": "no",
            "asq-2": "yes",
            "asq-3": "no",
            "asq-4": "no",
            "asq-5": "no",
        },
    )
    assert second.status_code == 302
    response = InstrumentResponse.objects.get()
    alert.refresh_from_db()
    assert (alert.repeats, alert.response_id) == (0, response.pk)
    assert not AlertRepeat.objects.exists()
    assert SafetyAlert.objects.count() == 1


def test_an_id_of_another_alert_does_not_link_it(client: Client, world: World) -> None:
    signed_in(client, world.alex_user)
    client.post(URL, {"asq-1": "yes", "asq-2": "no", "asq-3": "no", "asq-4": "no"})
    earlier = SafetyAlert.objects.get()
    # A later, separate screen posts no first-step id: it joins the open alert as a repeat.
    client.post(
        URL,
        {
            "step": "follow-up",
            "asq-1": "yes",
            "asq-2": "no",
            "asq-3": "no",
            "asq-4": "no",
            "asq-5": "no",
        },
    )
    earlier.refresh_from_db()
    assert earlier.repeats == 1
