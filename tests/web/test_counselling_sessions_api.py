"""``/patients/{id}/sessions``: counselling sessions scheduled by a counsellor or
prescriber on the care team, closed once as attended, missed or cancelled (with a
reason), listed to whoever may see the record, never with their notes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from clonacare.therapy.models import CounsellingSession, SessionNote
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.counselling_world import NOTE_TEXT, schedule, session_with_note

pytestmark = pytest.mark.django_db

SCHEDULE_NOT_ALLOWED = (
    "Only a counsellor or prescriber on the patient's care team schedules a session."
)
OUTCOME_NOT_ALLOWED = (
    "Only a counsellor or prescriber on the patient's care team records a session's outcome."
)
NOTE_NOT_ALLOWED = (
    "Only a counsellor or prescriber on the patient's care team writes a counselling note."
)


def outcome(world: World, session_id: int, who: object = None, **body: object) -> object:
    path = f"/patients/{world.alex.pk}/sessions/{session_id}/outcome"
    return ApiClient(who or world.lee).post(path, body)  # type: ignore[arg-type]


@pytest.mark.parametrize("persona", ["lee", "avery"])
def test_a_counsellor_or_prescriber_on_the_team_schedules(world: World, persona: str) -> None:
    at = timezone.now() + dt.timedelta(days=2)
    response = schedule(world, getattr(world, persona), scheduled_at=at.isoformat(), kind="group")
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["counsellor"], body["status"], body["duration_minutes"]) == (
        "group",
        persona,
        "scheduled",
        50,
    )
    assert (body["scheduled_by"], body["outcome_by"], body["reason"]) == (persona, None, "")
    event = AuditEvent.objects.get(action="session.schedule")
    assert (event.actor_username, event.patient_id, event.object_id) == (
        persona,
        world.alex.pk,
        str(body["id"]),
    )


def test_a_prescriber_books_a_session_with_the_counsellor(world: World) -> None:
    response = schedule(world, world.avery, counsellor=world.lee.pk)
    assert (response.status_code, response.json()["counsellor"]) == (201, "lee")


@pytest.mark.parametrize("persona", ["kim", "riverside_admin", "alex_user"])
def test_others_who_see_the_record_may_not_schedule(world: World, persona: str) -> None:
    response = schedule(world, getattr(world, persona))
    assert (response.status_code, response.json()) == (403, {"detail": SCHEDULE_NOT_ALLOWED})
    assert not CounsellingSession.objects.exists()


@pytest.mark.parametrize("persona", ["brook", "site_admin"])
def test_who_may_not_see_the_patient_is_answered_not_found(world: World, persona: str) -> None:
    response = schedule(world, getattr(world, persona))
    assert (response.status_code, response.json()) == (404, {"detail": "Patient not found."})


def test_a_counsellor_not_on_the_care_team_is_refused(world: World) -> None:
    response = schedule(world, world.avery, counsellor=world.kim.pk)
    assert (response.status_code, response.json()) == (
        400,
        {
            "detail": "The session's counsellor is a counsellor or prescriber on the "
            "patient's care team."
        },
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"kind": "family"}, "A session is individual or group; 'family' is neither."),
        ({"duration_minutes": 0}, "A session lasts 1 to 480 minutes; 0 is outside that."),
        ({"duration_minutes": 481}, "A session lasts 1 to 480 minutes; 481 is outside that."),
    ],
)
def test_a_session_out_of_its_limits_is_refused(
    world: World, body: dict[str, object], message: str
) -> None:
    response = schedule(world, **body)
    assert (response.status_code, response.json()) == (400, {"detail": message})
    assert not CounsellingSession.objects.exists()


@pytest.mark.parametrize("result", ["attended", "missed"])
def test_a_scheduled_session_is_marked_attended_or_missed(world: World, result: str) -> None:
    session_id = int(schedule(world).json()["id"])
    response = outcome(world, session_id, outcome=result)
    assert response.status_code == 200  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert (body["status"], body["outcome_by"], body["reason"]) == (result, "lee", "")
    assert body["outcome_at"] is not None
    event = AuditEvent.objects.get(action="session.outcome")
    assert (event.actor_username, event.detail) == ("lee", {"status": result})


def test_a_cancellation_keeps_its_reason(world: World) -> None:
    session_id = int(schedule(world).json()["id"])
    response = outcome(world, session_id, outcome="cancelled", reason=" Counsellor unwell. ")
    body = response.json()  # type: ignore[attr-defined]
    assert (body["status"], body["reason"]) == ("cancelled", "Counsellor unwell.")


def test_a_cancellation_needs_a_reason(world: World) -> None:
    session_id = int(schedule(world).json()["id"])
    response = outcome(world, session_id, outcome="cancelled", reason="  ")
    assert (response.status_code, response.json()) == (  # type: ignore[attr-defined]
        400,
        {"detail": "Say why the session is cancelled."},
    )
    assert CounsellingSession.objects.get().status == "scheduled"


def test_an_unknown_outcome_is_refused(world: World) -> None:
    session_id = int(schedule(world).json()["id"])
    response = outcome(world, session_id, outcome="late")
    assert (response.status_code, response.json()) == (  # type: ignore[attr-defined]
        400,
        {"detail": "A session's outcome is attended, missed or cancelled; 'late' is none of them."},
    )


def test_a_future_session_is_not_marked_attended(world: World) -> None:
    at = (timezone.now() + dt.timedelta(days=1)).replace(second=0, microsecond=0)
    session_id = int(schedule(world, scheduled_at=at.isoformat()).json()["id"])
    response = outcome(world, session_id, outcome="attended")
    assert (response.status_code, response.json()) == (  # type: ignore[attr-defined]
        400,
        {
            "detail": f"The session is at {at:%Y-%m-%d %H:%M} UTC; it is marked attended only "
            "once that time has come."
        },
    )
    cancelled = outcome(world, session_id, outcome="cancelled", reason="Moved to Friday.")
    assert cancelled.status_code == 200  # type: ignore[attr-defined]


def test_only_a_scheduled_session_changes(world: World) -> None:
    session_id = int(schedule(world).json()["id"])
    outcome(world, session_id, outcome="missed")
    response = outcome(world, session_id, outcome="attended")
    assert (response.status_code, response.json()) == (  # type: ignore[attr-defined]
        409,
        {"detail": "This session is missed already; only a scheduled session changes."},
    )
    assert AuditEvent.objects.filter(action="session.outcome").count() == 1


@pytest.mark.parametrize("persona", ["kim", "riverside_admin", "alex_user"])
def test_others_may_not_record_an_outcome(world: World, persona: str) -> None:
    session_id = int(schedule(world).json()["id"])
    response = outcome(world, session_id, getattr(world, persona), outcome="attended")
    assert (response.status_code, response.json()) == (  # type: ignore[attr-defined]
        403,
        {"detail": OUTCOME_NOT_ALLOWED},
    )


def test_a_session_of_another_patient_is_answered_not_found(world: World) -> None:
    session_id = int(schedule(world).json()["id"])
    path = f"/patients/{world.blair.pk}/sessions/{session_id}/outcome"
    response = ApiClient(world.avery).post(path, {"outcome": "attended"})
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "Counselling session not found."},
    )
    event = AuditEvent.objects.get(action="sessions.write.denied")
    assert event.detail == {"session_id": session_id}


@pytest.mark.parametrize("persona", ["lee", "avery", "kim", "riverside_admin", "alex_user"])
def test_whoever_sees_the_record_lists_its_sessions_without_notes(
    world: World, persona: str
) -> None:
    session_with_note(world)
    response = ApiClient(getattr(world, persona)).get(f"/patients/{world.alex.pk}/sessions")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert (body["items"][0]["status"], body["items"][0]["counsellor"]) == ("attended", "lee")
    assert "notes" not in body["items"][0]
    assert NOTE_TEXT not in response.content.decode()


@pytest.mark.parametrize("persona", ["brook", "site_admin", "blair_user"])
def test_who_may_not_see_the_patient_lists_nothing(world: World, persona: str) -> None:
    response = ApiClient(getattr(world, persona)).get(f"/patients/{world.alex.pk}/sessions")
    assert (response.status_code, response.json()) == (404, {"detail": "Patient not found."})


def test_a_note_is_never_edited_an_addendum_is_a_new_note(world: World) -> None:
    session_id = session_with_note(world)
    path = f"/patients/{world.alex.pk}/sessions/{session_id}/notes"
    response = ApiClient(world.lee).post(path, {"text": "Addendum: the walk is after dinner."})
    assert (response.status_code, response.json()["author"]) == (201, "lee")
    texts = [n["text"] for n in ApiClient(world.lee).get(path).json()]
    assert texts == [NOTE_TEXT, "Addendum: the walk is after dinner."]
    event = AuditEvent.objects.filter(action="session-note.write").last()
    assert event is not None
    assert event.detail == {"session": session_id}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "A counselling note needs its text."),
        ("x" * 10001, "A counselling note is at most 10000 characters; this one has 10001."),
    ],
)
def test_an_empty_or_too_long_note_is_refused(world: World, text: str, message: str) -> None:
    session_id = int(schedule(world).json()["id"])
    path = f"/patients/{world.alex.pk}/sessions/{session_id}/notes"
    response = ApiClient(world.lee).post(path, {"text": text})
    assert (response.status_code, response.json()) == (400, {"detail": message})
    assert not SessionNote.objects.exists()


@pytest.mark.parametrize("persona", ["kim", "riverside_admin", "alex_user"])
def test_others_may_not_write_a_note(world: World, persona: str) -> None:
    session_id = int(schedule(world).json()["id"])
    path = f"/patients/{world.alex.pk}/sessions/{session_id}/notes"
    response = ApiClient(getattr(world, persona)).post(path, {"text": "A note."})
    assert (response.status_code, response.json()) == (403, {"detail": NOTE_NOT_ALLOWED})
    assert not SessionNote.objects.exists()
