"""``/patients/{id}/sessions``: counselling sessions and their SUD counselling notes
(docs/counselling.md). Sessions are listed to whoever may see the record, without their
notes; the notes have their own path and their own rule (``therapy.notes_access``):
their author, and staff a consent of the patient's that includes counselling notes
names. A refused read of notes answers 404 like a session without notes."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from clonacare.api.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut, PageQuery, page_of
from clonacare.api.security import caller
from clonacare.patients.access import access_patient_by_id
from clonacare.therapy.session_models import (
    NOTE_MAX,
    REASON_MAX,
    SESSION_MINUTES_MAX,
    CounsellingSession,
    SessionNote,
)
from clonacare.therapy.sessions import (
    access_notes_of,
    access_session_of,
    do_record_session_outcome,
    do_schedule_session,
    do_write_session_note,
    sessions_of,
)

router = Router(tags=["Counselling sessions"])


class SessionOut(Schema):
    id: int
    patient_id: int
    kind: str = Field(..., description="individual or group.")
    counsellor: str = Field(..., description="The username of who holds the session.")
    scheduled_at: dt.datetime
    duration_minutes: int
    status: str = Field(..., description="scheduled, attended, missed or cancelled.")
    reason: str = Field(..., description="Why it was cancelled; empty otherwise.")
    scheduled_by: str
    outcome_by: str | None
    outcome_at: dt.datetime | None

    @staticmethod
    def resolve_counsellor(session: CounsellingSession) -> str:
        return session.counsellor.get_username()

    @staticmethod
    def resolve_scheduled_by(session: CounsellingSession) -> str:
        return session.scheduled_by.get_username()

    @staticmethod
    def resolve_outcome_by(session: CounsellingSession) -> str | None:
        return session.outcome_by.get_username() if session.outcome_by else None


class SessionPage(Schema):
    items: list[SessionOut]
    count: int


class SessionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(..., description="individual or group.")
    scheduled_at: dt.datetime = Field(..., description="With its time zone.")
    duration_minutes: int = Field(..., description=f"1 to {SESSION_MINUTES_MAX}.")
    counsellor: int | None = Field(
        None,
        description="The user id of a counsellor or prescriber on the care team; "
        "default: the caller.",
    )


class OutcomeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    outcome: str = Field(..., description="attended, missed or cancelled.")
    reason: str = Field(
        "", description=f"Why it is cancelled (required then); at most {REASON_MAX} characters."
    )


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., description=f"At most {NOTE_MAX} characters; never edited.")


class NoteOut(Schema):
    id: int
    session_id: int
    author: str
    text: str
    written_at: dt.datetime

    @staticmethod
    def resolve_author(note: SessionNote) -> str:
        return note.author.get_username()


@router.get(
    "/patients/{int:patient_id}/sessions",
    response={200: SessionPage, **READ_ERRORS},
    summary="A patient's counselling sessions, newest first (never their notes)",
)
def sessions(request: HttpRequest, patient_id: int, page: Query[PageQuery]) -> dict[str, object]:
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="sessions.list")
    return page_of(sessions_of(patient), page)


@router.post(
    "/patients/{int:patient_id}/sessions",
    response={201: SessionOut, **WRITE_ERRORS},
    summary="Schedule a counselling session",
)
def schedule(
    request: HttpRequest, patient_id: int, payload: SessionIn
) -> Status[CounsellingSession]:
    """A counsellor or prescriber on the care team (403 for anyone else who can see the
    record)."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="sessions.write")
    stored = do_schedule_session(
        actor,
        patient,
        kind=payload.kind,
        scheduled_at=payload.scheduled_at,
        duration_minutes=payload.duration_minutes,
        counsellor_id=payload.counsellor,
        now=timezone.now(),
    )
    return Status(201, sessions_of(patient).get(pk=stored.pk))


@router.post(
    "/patients/{int:patient_id}/sessions/{int:session_id}/outcome",
    response={200: SessionOut, **WRITE_ERRORS, 409: ErrorOut},
    summary="Record that a session was attended, missed or cancelled",
)
def outcome(
    request: HttpRequest, patient_id: int, session_id: int, payload: OutcomeIn
) -> CounsellingSession:
    """A counsellor or prescriber on the care team (403 for anyone else who can see the
    record). 409 for a session that is not scheduled any more."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="sessions.write")
    session = access_session_of(actor, patient, session_id, purpose="sessions.write")
    do_record_session_outcome(
        actor, session, outcome=payload.outcome, reason=payload.reason, now=timezone.now()
    )
    return sessions_of(patient).get(pk=session.pk)


@router.get(
    "/patients/{int:patient_id}/sessions/{int:session_id}/notes",
    response={200: list[NoteOut], **READ_ERRORS},
    summary="The session's SUD counselling notes the caller may read (42 CFR Part 2)",
)
def notes(request: HttpRequest, patient_id: int, session_id: int) -> list[SessionNote]:
    """The notes' author reads their own; other staff read all of them only while a
    consent of the patient's that includes counselling notes names them. Anyone else,
    and a session without notes, answers 404 ``session-notes-not-found``."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="sessions.view")
    session = access_session_of(actor, patient, session_id, purpose="sessions.view")
    return access_notes_of(actor, session, day=timezone.now().date())


@router.post(
    "/patients/{int:patient_id}/sessions/{int:session_id}/notes",
    response={201: NoteOut, **WRITE_ERRORS},
    summary="Add an SUD counselling note to a session (an addendum is a new note)",
)
def write_note(
    request: HttpRequest, patient_id: int, session_id: int, payload: NoteIn
) -> Status[SessionNote]:
    """A counsellor or prescriber on the care team (403 for anyone else who can see the
    record), as the note's author."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="sessions.write")
    session = access_session_of(actor, patient, session_id, purpose="sessions.write")
    note = do_write_session_note(actor, session, text=payload.text, now=timezone.now())
    return Status(201, note)
