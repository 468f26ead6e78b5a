"""Acknowledging a safety alert needs a note of what was done, on the clinic's page as
in the API (a reversal: the note used to be optional)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.assessments.models import SafetyAlert
from clonacare.assessments.notify import queue_care_team, send_pending
from clonacare.audit.models import AuditEvent
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

REQUIRED = (
    "Say what was done: an acknowledgement needs a note (for example "
    "&#x27;Called the patient; safety plan made&#x27;)."
)


@pytest.fixture
def alert(world: World) -> SafetyAlert:
    return SafetyAlert.objects.create(
        patient=world.alex,
        code="suicide-risk",
        message="Act today.",
        trigger="phq9 item 9: 2 (More than half the days)",
        raised_at=timezone.now(),
    )


@pytest.mark.parametrize("note", ["", "   "])
def test_the_page_refuses_an_empty_note_with_a_clear_message(
    client: Client, world: World, alert: SafetyAlert, note: str
) -> None:
    signed_in(client, world.kim)
    response = client.post(f"/clinic/alerts/{alert.pk}/acknowledge/", {"note": note})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<p class="form-error" role="alert">{REQUIRED}</p>' in html
    assert "What was done (required)" in html
    assert "Raised by: phq9 item 9: 2 (More than half the days)." in html
    alert.refresh_from_db()
    assert alert.is_open
    assert not AuditEvent.objects.filter(action="alert.acknowledge").exists()


def test_the_record_asks_for_the_note_and_says_what_raised_the_alert(
    client: Client, world: World, alert: SafetyAlert
) -> None:
    signed_in(client, world.kim)
    html = client.get(f"/clinic/patients/{world.alex.pk}/").content.decode()
    assert f'id="alert-{alert.pk}"' in html
    assert 'placeholder="What was done (required)" maxlength="400" required>' in html
    assert "Raised by: phq9 item 9: 2 (More than half the days)." in html
    assert "Care team not emailed yet." in html


def test_a_note_acknowledges_it(client: Client, world: World, alert: SafetyAlert) -> None:
    signed_in(client, world.kim)
    response = client.post(
        f"/clinic/alerts/{alert.pk}/acknowledge/", {"note": "  Called Alex; safe at home. "}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledgement_note == "Called Alex; safe at home."


def test_the_record_shows_who_was_emailed_and_who_has_no_address(
    client: Client, world: World, alert: SafetyAlert
) -> None:
    world.kim.email = "kim@riverside.example"
    world.kim.save(update_fields=["email"])
    queue_care_team([alert], alert.raised_at)
    send_pending(alert.raised_at)
    signed_in(client, world.kim)
    html = client.get(f"/clinic/patients/{world.alex.pk}/").content.decode()
    assert (
        f"Care team emails ({alert.raised_at:%-d %b %Y %H:%M} UTC): avery: no email address; "
        "kim: sent; lee: no email address;"
    ) in html
