"""Counselling sessions and their notes: the gates and the writes (docs/counselling.md).

A session (date, kind, counsellor, status) is read by whoever may see the patient. Its
SUD counselling notes are read only as ``therapy.notes_access`` allows; a refused read
answers like a missing note and is audited as denied. Each write checks the actor's
right and then the input, and writes with its audit entry in one transaction; a
refusal writes nothing. Audit entries never hold a note's words.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet

from clonacare.accounts.models import Role
from clonacare.audit.log import Actor, record, record_denied
from clonacare.core.errors import ClinicalError, Kind
from clonacare.patients.access import RecordNotFound, access_record_by_id
from clonacare.patients.models import Patient
from clonacare.therapy.notes_access import readable_notes
from clonacare.therapy.session_models import (
    NOTE_MAX,
    REASON_MAX,
    SESSION_MINUTES_MAX,
    CounsellingSession,
    SessionNote,
)

# Who books a session and writes its notes: the counsellor or prescriber who plans the
# psychosocial part of the taper, on the patient's care team (as for CBT modules).
SESSION_STAFF = frozenset({Role.COUNSELLOR, Role.PRESCRIBER})

SCHEDULE_NOT_ALLOWED = (
    "Only a counsellor or prescriber on the patient's care team schedules a session."
)
OUTCOME_NOT_ALLOWED = (
    "Only a counsellor or prescriber on the patient's care team records a session's outcome."
)
NOTE_NOT_ALLOWED = (
    "Only a counsellor or prescriber on the patient's care team writes a counselling note."
)
OUTCOMES = ("attended", "missed", "cancelled")


class SessionNotFound(RecordNotFound):
    """No counselling session with that id that this actor may see (missing and
    forbidden alike)."""

    refusal_code = "session-not-found"
    refusal_message = "Counselling session not found."


class SessionNotesNotFound(RecordNotFound):
    """No counselling notes on that session that this actor may read (none written and
    not allowed alike)."""

    refusal_code = "session-notes-not-found"
    refusal_message = "Counselling notes not found."


def sessions_of(patient: Patient) -> QuerySet[CounsellingSession]:
    """The counselling sessions of ``patient`` (already read through its gate), newest
    first, with who holds, booked and closed each. Never their notes."""
    return CounsellingSession.objects.filter(patient=patient).select_related(
        "counsellor", "scheduled_by", "outcome_by"
    )


def access_session_of(
    actor: Actor, patient: Patient, session_id: int, *, purpose: str
) -> CounsellingSession:
    """The session ``session_id`` of ``patient`` (whom ``actor`` may already see);
    records the read as ``purpose``. One of another patient, or none, raises
    SessionNotFound (audited as ``<purpose>.denied``)."""
    return access_record_by_id(
        actor,
        sessions_of(patient).select_related("patient"),
        session_id,
        purpose=purpose,
        id_name="session_id",
        not_found=SessionNotFound,
    )


def access_notes_of(
    actor: Actor, session: CounsellingSession, *, day: dt.date
) -> list[SessionNote]:
    """The notes of ``session`` that ``actor`` may read on ``day``
    (``notes_access.readable_notes``), oldest first; records the read as
    ``session-notes.view`` with how many. None to read (none written, or none the actor
    may read) raises SessionNotesNotFound, audited as ``session-notes.view.denied``:
    the same answer either way."""
    notes = list(readable_notes(actor, session, day))
    if not notes:
        record_denied(
            actor,
            "session-notes.view",
            object_type="CounsellingSession",
            object_id=session.pk,
            id_name="session_id",
            owner_patient_id=session.patient_id,
        )
        raise SessionNotesNotFound(session.pk)
    record(
        actor,
        "session-notes.view",
        patient=session.patient,
        target=session,
        detail={"notes": len(notes)},
    )
    return notes


def may_hold_sessions(actor: Actor, patient: Patient) -> bool:
    """Schedules sessions, records their outcome and writes their notes: a counsellor
    or prescriber on the patient's care team. Not nurses, not admins, not patients."""
    if actor.user_id is None or actor.role not in SESSION_STAFF:
        return False
    if actor.program_id != patient.program_id:
        return False
    return patient.care_team.filter(user_id=actor.user_id).exists()


def _counsellor(patient: Patient, counsellor_id: int) -> User:
    """The staff member who holds the session: a counsellor or prescriber on the
    patient's care team."""
    member = (
        patient.care_team.filter(
            user_id=counsellor_id,
            user__membership__role__in=SESSION_STAFF,
            user__is_active=True,
        )
        .select_related("user")
        .first()
    )
    if member is None:
        raise ClinicalError(
            "session",
            "The session's counsellor is a counsellor or prescriber on the patient's care team.",
        )
    return member.user


def do_schedule_session(
    actor: Actor,
    patient: Patient,
    *,
    kind: str,
    scheduled_at: dt.datetime,
    duration_minutes: int,
    counsellor_id: int | None,
    now: dt.datetime,
) -> CounsellingSession:
    """Book an individual or group session for ``patient`` at ``scheduled_at`` for
    ``duration_minutes``, held by ``counsellor_id`` (None: the actor).

    Refused (nothing written): anyone but a counsellor or prescriber on the patient's
    care team (``not-allowed``); a kind other than individual or group, a duration
    outside 1 to SESSION_MINUTES_MAX minutes, a counsellor who is not a counsellor or
    prescriber on the care team (``session``). Audited as ``session.schedule``.
    """
    if not may_hold_sessions(actor, patient) or actor.user_id is None:
        raise ClinicalError("not-allowed", SCHEDULE_NOT_ALLOWED)
    if kind not in CounsellingSession.Kind.values:
        raise ClinicalError("session", f"A session is individual or group; {kind!r} is neither.")
    if not 1 <= duration_minutes <= SESSION_MINUTES_MAX:
        raise ClinicalError(
            "session",
            f"A session lasts 1 to {SESSION_MINUTES_MAX} minutes; "
            f"{duration_minutes} is outside that.",
        )
    counsellor = _counsellor(patient, counsellor_id or actor.user_id)
    with transaction.atomic():
        session = CounsellingSession.objects.create(
            patient=patient,
            kind=kind,
            counsellor=counsellor,
            scheduled_at=scheduled_at,
            duration_minutes=duration_minutes,
            scheduled_by_id=actor.user_id,
            created_at=now,
        )
        record(
            actor,
            "session.schedule",
            patient=patient,
            target=session,
            detail={
                "kind": kind,
                "scheduled_at": scheduled_at.isoformat(),
                "counsellor": counsellor.get_username(),
            },
        )
    return session


def _closed(status: str) -> ClinicalError:
    return ClinicalError(
        "session-closed",
        f"This session is {status} already; only a scheduled session changes.",
        kind=Kind.CONFLICT,
    )


def do_record_session_outcome(
    actor: Actor,
    session: CounsellingSession,
    *,
    outcome: str,
    reason: str,
    now: dt.datetime,
) -> CounsellingSession:
    """Close a scheduled session as attended, missed or cancelled (a cancellation with
    its ``reason``), noting who and when.

    Refused (nothing written): anyone but a counsellor or prescriber on the care team
    (``not-allowed``); an outcome that is not one of the three, a cancellation without
    a reason, a reason over REASON_MAX characters, attended or missed before the
    session's time (``session-outcome``); a session no longer scheduled
    (``session-closed``, a conflict; also when another request closed it a moment
    earlier). Audited as ``session.outcome``.
    """
    patient = session.patient
    if not may_hold_sessions(actor, patient) or actor.user_id is None:
        raise ClinicalError("not-allowed", OUTCOME_NOT_ALLOWED)
    if outcome not in OUTCOMES:
        raise ClinicalError(
            "session-outcome",
            f"A session's outcome is attended, missed or cancelled; {outcome!r} is none of them.",
        )
    reason = reason.strip()
    if outcome == "cancelled" and not reason:
        raise ClinicalError("session-outcome", "Say why the session is cancelled.")
    if len(reason) > REASON_MAX:
        raise ClinicalError(
            "session-outcome",
            f"The reason is at most {REASON_MAX} characters; this one has {len(reason)}.",
        )
    if outcome != "cancelled" and now < session.scheduled_at:
        raise ClinicalError(
            "session-outcome",
            f"The session is at {session.scheduled_at:%Y-%m-%d %H:%M} UTC; it is marked "
            f"{outcome} only once that time has come.",
        )
    if session.status != CounsellingSession.Status.SCHEDULED:
        raise _closed(session.status)
    with transaction.atomic():
        changed = CounsellingSession.objects.filter(
            pk=session.pk, status=CounsellingSession.Status.SCHEDULED
        ).update(
            status=outcome,
            reason=reason if outcome == "cancelled" else "",
            outcome_by_id=actor.user_id,
            outcome_at=now,
        )
        if not changed:
            session.refresh_from_db(fields=["status"])
            raise _closed(session.status)
        session.refresh_from_db()
        record(
            actor,
            "session.outcome",
            patient=patient,
            target=session,
            detail={"status": outcome},
        )
    return session


def do_write_session_note(
    actor: Actor, session: CounsellingSession, *, text: str, now: dt.datetime
) -> SessionNote:
    """Add an SUD counselling note to ``session``, by ``actor`` as its author. Notes
    are never edited: an addendum is a new note.

    Refused (nothing written): anyone but a counsellor or prescriber on the care team
    (``not-allowed``); an empty note or one over NOTE_MAX characters
    (``session-note``). Audited as ``session-note.write`` (never its words).
    """
    if not may_hold_sessions(actor, session.patient) or actor.user_id is None:
        raise ClinicalError("not-allowed", NOTE_NOT_ALLOWED)
    text = text.strip()
    if not text:
        raise ClinicalError("session-note", "A counselling note needs its text.")
    if len(text) > NOTE_MAX:
        raise ClinicalError(
            "session-note",
            f"A counselling note is at most {NOTE_MAX} characters; this one has {len(text)}.",
        )
    with transaction.atomic():
        note = SessionNote.objects.create(
            session=session, author_id=actor.user_id, text=text, written_at=now
        )
        record(
            actor,
            "session-note.write",
            patient=session.patient,
            target=note,
            detail={"session": session.pk},
        )
    return note


def notes_shown_to(
    actor: Actor, sessions: list[CounsellingSession], *, day: dt.date
) -> dict[int, list[SessionNote]]:
    """For a page listing ``sessions`` (of one patient, already read through its gate):
    session id to the notes ``actor`` may read on ``day``
    (``notes_access.readable_notes``), only the sessions with some; each session whose
    notes are shown is recorded as ``session-notes.view`` with how many."""
    shown: dict[int, list[SessionNote]] = {}
    for session in sessions:
        notes = list(readable_notes(actor, session, day))
        if notes:
            shown[session.pk] = notes
            record(
                actor,
                "session-notes.view",
                patient=session.patient,
                target=session,
                detail={"notes": len(notes)},
            )
    return shown
