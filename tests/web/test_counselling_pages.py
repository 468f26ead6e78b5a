"""The clinic's counselling sessions page (``/clinic/patients/<id>/sessions/``) and the
portal's (``/portal/sessions/``): booking, outcomes and notes on the page, the notes
shown only as the note rule allows, and the patient's own sessions without notes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from clonacare.therapy.models import CounsellingSession
from tests.personas import World, signed_in
from tests.web.counselling_world import NOTE_TEXT, add_consent, session_with_note

pytestmark = pytest.mark.django_db

KEPT_APART = (
    "Counselling notes are kept apart under 42 CFR Part 2; you are not on a consent that "
    "includes them."
)


def page(world: World) -> str:
    return f"/clinic/patients/{world.alex.pk}/sessions/"


def test_a_counsellor_books_closes_and_writes_a_note_on_the_page(
    world: World, client: Client
) -> None:
    signed_in(client, "lee")
    at = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    booked = client.post(
        page(world),
        {"action": "schedule", "kind": "group", "scheduled_at": at, "duration_minutes": "90"},
    )
    assert booked.status_code == 302
    session = CounsellingSession.objects.get()
    assert (session.kind, session.duration_minutes, session.counsellor.username) == (
        "group",
        90,
        "lee",
    )
    closed = client.post(
        page(world), {"action": "outcome", "session": session.pk, "outcome": "attended"}
    )
    assert closed.status_code == 302
    noted = client.post(page(world), {"action": "note", "session": session.pk, "text": NOTE_TEXT})
    assert noted.status_code == 302
    html = client.get(page(world)).content.decode()
    assert "Attended" in html
    assert NOTE_TEXT in html
    assert KEPT_APART in html  # lee is on no consent: they see only their own notes
    assert AuditEvent.objects.filter(action="session-notes.view", actor_username="lee").exists()


def test_a_refused_write_shows_its_message(world: World, client: Client) -> None:
    session_with_note(world)
    signed_in(client, "lee")
    booked = client.post(
        page(world),
        {
            "action": "schedule",
            "kind": "individual",
            "scheduled_at": "soon",
            "duration_minutes": "50",
        },
    )
    assert booked.status_code == 400
    assert (
        "Enter the session&#x27;s date and time, like 2026-12-04 10:00." in booked.content.decode()
    )


@pytest.mark.parametrize("persona", ["avery", "kim", "riverside_admin"])
def test_other_staff_see_the_sessions_and_the_kept_apart_line(
    world: World, client: Client, persona: str
) -> None:
    session_with_note(world)
    html = signed_in(client, persona).get(page(world)).content.decode()
    assert "Attended" in html
    assert KEPT_APART in html
    assert NOTE_TEXT not in html


def test_staff_a_consent_with_notes_names_read_them_on_the_page(
    world: World, client: Client
) -> None:
    session_with_note(world)
    add_consent(world, "kim", notes=True)
    html = signed_in(client, "kim").get(page(world)).content.decode()
    assert NOTE_TEXT in html
    assert KEPT_APART not in html
    assert "Add a counselling note" not in html  # a nurse reads, but does not write notes


@pytest.mark.parametrize("persona", ["brook", "site_admin"])
def test_who_may_not_see_the_patient_gets_not_found(
    world: World, client: Client, persona: str
) -> None:
    assert signed_in(client, persona).get(page(world)).status_code == 404


def test_the_patient_sees_their_sessions_without_notes(world: World, client: Client) -> None:
    session_with_note(world)
    response = signed_in(client, "alex").get("/portal/sessions/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "My counselling sessions" in html
    assert "Individual session · 50 minutes with lee" in html
    assert "Attended" in html
    assert NOTE_TEXT not in html


def test_the_portal_lists_only_the_patients_own_sessions(world: World, client: Client) -> None:
    session_with_note(world)
    html = signed_in(client, "blair").get("/portal/sessions/").content.decode()
    assert "No session has been booked for you yet." in html


def test_the_record_and_the_portal_home_link_to_the_sessions(client: Client, world: World) -> None:
    html = signed_in(client, world.lee).get(f"/clinic/patients/{world.alex.pk}/").content.decode()
    assert f'<a href="/clinic/patients/{world.alex.pk}/sessions/">Counselling sessions</a>' in html
    html = signed_in(Client(), world.alex_user).get("/portal/").content.decode()
    assert '<a href="/portal/sessions/">My counselling sessions</a>' in html
