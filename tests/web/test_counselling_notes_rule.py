"""The counselling-note rule (42 CFR Part 2), through ``GET
/patients/{id}/sessions/{id}/notes``, for every role: the note's author always; other
staff only while a consent of the patient's that includes counselling notes names them;
never the patient, never other staff by default, never another program or a site admin.
A refused read answers like a session without notes and is audited as denied."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.counselling_world import (
    NOTE_TEXT,
    add_consent,
    read_notes,
    schedule,
    second_counsellor,
    session_with_note,
)

pytestmark = pytest.mark.django_db

NOTES_NOT_FOUND = (404, {"detail": "Counselling notes not found."})
PATIENT_NOT_FOUND = (404, {"detail": "Patient not found."})
# Staff of the patient's program who see the patient but did not write the note.
OTHER_STAFF = ["noor", "avery", "kim", "riverside_admin"]


def answer(world: World, name: str, session_id: int) -> tuple[int, object]:
    """What ``name`` (a username) is answered for the session's notes."""
    response = read_notes(User.objects.get(username=name), world, session_id)
    return response.status_code, response.json()


def test_the_author_reads_their_note_without_any_consent(world: World) -> None:
    session_id = session_with_note(world)
    status, body = answer(world, "lee", session_id)
    assert status == 200
    assert [(n["author"], n["text"]) for n in body] == [("lee", NOTE_TEXT)]


@pytest.mark.parametrize("name", OTHER_STAFF)
def test_other_staff_do_not_read_notes_by_default(world: World, name: str) -> None:
    second_counsellor(world)
    session_id = session_with_note(world)
    assert answer(world, name, session_id) == NOTES_NOT_FOUND


@pytest.mark.parametrize("name", OTHER_STAFF)
def test_staff_a_consent_with_notes_names_read_them(world: World, name: str) -> None:
    second_counsellor(world)
    session_id = session_with_note(world)
    add_consent(world, name, notes=True)
    status, body = answer(world, name, session_id)
    assert status == 200
    assert [n["text"] for n in body] == [NOTE_TEXT]


def test_a_consent_names_a_staff_member_by_full_name_too(world: World) -> None:
    second_counsellor(world)
    session_id = session_with_note(world)
    add_consent(world, "  noor   HADDAD ", notes=True)
    assert answer(world, "noor", session_id)[0] == 200


@pytest.mark.parametrize("name", OTHER_STAFF)
def test_a_consent_without_notes_lets_no_one_read_them(world: World, name: str) -> None:
    second_counsellor(world)
    session_id = session_with_note(world)
    add_consent(world, name, notes=False)
    assert answer(world, name, session_id) == NOTES_NOT_FOUND


def test_a_consent_naming_someone_else_does_not_let_staff_read(world: World) -> None:
    session_id = session_with_note(world)
    add_consent(world, "kim", notes=True)
    assert answer(world, "avery", session_id) == NOTES_NOT_FOUND


def test_a_consent_naming_the_program_or_a_role_names_no_one(world: World) -> None:
    session_id = session_with_note(world)
    add_consent(world, "Riverside Recovery", notes=True)
    add_consent(world, "counsellor", notes=True)
    for name in ("avery", "kim", "riverside_admin"):
        assert answer(world, name, session_id) == NOTES_NOT_FOUND


def test_a_consent_to_a_class_of_recipients_names_no_one(world: World) -> None:
    # Made out to "my treating providers", with a name typed in the recipient field too:
    # notes go only to a recipient named as such, never through a class.
    session_id = session_with_note(world)
    add_consent(world, "kim", notes=True, recipient_class="treating-providers")
    assert answer(world, "kim", session_id) == NOTES_NOT_FOUND


def test_a_revoked_consent_no_longer_lets_staff_read(world: World) -> None:
    session_id = session_with_note(world)
    consent_id = add_consent(world, "avery", notes=True)
    assert answer(world, "avery", session_id)[0] == 200
    revoke = f"/patients/{world.alex.pk}/consents/{consent_id}/revoke"
    assert ApiClient(world.alex_user).post(revoke).status_code == 200
    assert answer(world, "avery", session_id) == NOTES_NOT_FOUND


def test_an_expired_consent_does_not_let_staff_read(world: World) -> None:
    session_id = session_with_note(world)
    today = timezone.now().date()
    add_consent(
        world,
        "avery",
        notes=True,
        signed_on=(today - dt.timedelta(days=30)).isoformat(),
        expires_on=(today - dt.timedelta(days=1)).isoformat(),
    )
    assert answer(world, "avery", session_id) == NOTES_NOT_FOUND


def test_a_consent_expiring_today_still_lets_staff_read(world: World) -> None:
    session_id = session_with_note(world)
    today = timezone.now().date()
    add_consent(world, "avery", notes=True, expires_on=today.isoformat())
    assert answer(world, "avery", session_id)[0] == 200


@pytest.mark.parametrize("consent", [False, True])
def test_the_patient_never_reads_their_counselling_notes(world: World, consent: bool) -> None:
    session_id = session_with_note(world)
    if consent:
        add_consent(world, "alex", notes=True)
    assert answer(world, "alex", session_id) == NOTES_NOT_FOUND


@pytest.mark.parametrize("consent", [False, True])
def test_another_programs_staff_never_read_them(world: World, consent: bool) -> None:
    session_id = session_with_note(world)
    if consent:
        add_consent(world, "brook", notes=True)
    assert answer(world, "brook", session_id) == PATIENT_NOT_FOUND


@pytest.mark.parametrize("consent", [False, True])
def test_a_site_admin_never_reads_them(world: World, consent: bool) -> None:
    session_id = session_with_note(world)
    if consent:
        add_consent(world, "site_admin", notes=True)
    assert answer(world, "site_admin", session_id) == PATIENT_NOT_FOUND


def test_other_staff_see_only_their_own_notes_on_a_session(world: World) -> None:
    noor = second_counsellor(world)
    session_id = session_with_note(world)
    path = f"/patients/{world.alex.pk}/sessions/{session_id}/notes"
    assert ApiClient(noor).post(path, {"text": "Addendum: rang to check in."}).status_code == 201
    status, body = answer(world, "noor", session_id)
    assert (status, [n["text"] for n in body]) == (200, ["Addendum: rang to check in."])
    status, body = answer(world, "lee", session_id)
    assert (status, [n["text"] for n in body]) == (200, [NOTE_TEXT])


def test_a_session_without_notes_answers_as_a_refused_read(world: World) -> None:
    session_id = int(schedule(world).json()["id"])
    assert answer(world, "lee", session_id) == NOTES_NOT_FOUND


def test_a_read_of_notes_is_audited_without_their_words(world: World) -> None:
    session_id = session_with_note(world)
    answer(world, "lee", session_id)
    event = AuditEvent.objects.get(action="session-notes.view", object_id=str(session_id))
    assert (event.actor_username, event.patient_id, event.detail) == (
        "lee",
        world.alex.pk,
        {"notes": 1},
    )
    assert not any(NOTE_TEXT in str(e.detail) for e in AuditEvent.objects.all())


def test_a_refused_read_of_notes_is_audited_as_denied(world: World) -> None:
    session_id = session_with_note(world)
    answer(world, "kim", session_id)
    event = AuditEvent.objects.get(action="session-notes.view.denied")
    assert (event.actor_username, event.object_type, event.object_id, event.detail) == (
        "kim",
        "CounsellingSession",
        str(session_id),
        {"session_id": session_id},
    )
