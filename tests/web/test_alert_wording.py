"""Alert wording is true: the acknowledge page shows the first trigger and the newest,
and the care team's mail says whom an escalation reaches, in minutes that agree."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from clonacare.assessments.models import SafetyAlert
from tests.api_client import ApiClient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def phq9(world: World, item9: int) -> None:
    response = ApiClient(world.alex_user).post(
        f"/patients/{world.alex.pk}/assessments",
        {"instrument": "phq9", "answers": [0] * 8 + [item9]},
    )
    assert response.status_code == 201


def test_the_acknowledge_page_shows_the_first_and_the_newest_trigger(
    client: Client, world: World
) -> None:
    phq9(world, 1)
    phq9(world, 3)
    alert = SafetyAlert.objects.get()
    signed_in(client, world.kim)
    html = client.post(f"/clinic/alerts/{alert.pk}/acknowledge/", {"note": ""}).content.decode()
    html = html.replace("&times;", "×")
    assert "Raised by: phq9 item 9: 1 (Several days)." in html
    assert "Raised again 1×, most recently " in html
    assert "by: phq9 item 9: 3 (Nearly every day)." in html


def test_the_care_team_mail_names_whom_an_escalation_reaches(world: World) -> None:
    world.kim.email = "kim@riverside.example"
    world.kim.save(update_fields=["email"])
    world.riverside.on_call_email = "on-call@riverside.example"
    world.riverside.escalation_minutes = 1
    world.riverside.save(update_fields=["on_call_email", "escalation_minutes"])
    phq9(world, 2)
    (message,) = mail.outbox
    assert (
        "If no one acknowledges it within 1 minute, it is sent to the program's on-call contact.\n"
    ) in message.body
