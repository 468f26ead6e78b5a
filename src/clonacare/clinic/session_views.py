"""The clinic's page of a patient's counselling sessions: book one, record its outcome,
and write and read SUD counselling notes for those the note rule allows
(docs/counselling.md). Read through the patient's gate (``sessions.view``); every write
through one ``therapy.sessions`` action."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import staff_required
from clonacare.audit.log import Actor
from clonacare.core.errors import ClinicalError
from clonacare.patients.access import PatientNotFound, RecordNotFound, access_patient_by_id
from clonacare.patients.models import Patient
from clonacare.therapy.notes_access import may_read_counselling_notes
from clonacare.therapy.session_models import NOTE_MAX, REASON_MAX, SESSION_MINUTES_MAX
from clonacare.therapy.sessions import (
    access_session_of,
    do_record_session_outcome,
    do_schedule_session,
    do_write_session_note,
    may_hold_sessions,
    notes_shown_to,
    sessions_of,
)

NOT_ON_A_CONSENT = (
    "Counselling notes are kept apart under 42 CFR Part 2; you are not on a consent that "
    "includes them."
)


def _posted_id(posted: QueryDict, name: str) -> int:
    """The posted id ``name``; 0 (found by no gate) when it is not one."""
    value = posted.get(name, "")
    return int(value) if value.isdigit() else 0


def _posted_time(posted: QueryDict) -> dt.datetime:
    """The form's date and time, in the site's time zone; refused when not one."""
    try:
        value = dt.datetime.fromisoformat(posted.get("scheduled_at", "").strip())
    except ValueError:
        raise ClinicalError(
            "session", "Enter the session's date and time, like 2026-12-04 10:00."
        ) from None
    return value if value.tzinfo else timezone.make_aware(value)


def _posted_minutes(posted: QueryDict) -> int:
    value = posted.get("duration_minutes", "").strip()
    if not value.isdigit():
        raise ClinicalError(
            "session", f"Enter how long the session lasts, 1 to {SESSION_MINUTES_MAX} minutes."
        )
    return int(value)


def _write(actor: Actor, patient: Patient, posted: QueryDict) -> str:
    """Carry out the posted action; the anchor to go back to. Raises ClinicalError."""
    now = timezone.now()
    action = posted.get("action")
    if action == "schedule":
        stored = do_schedule_session(
            actor,
            patient,
            kind=posted.get("kind", ""),
            scheduled_at=_posted_time(posted),
            duration_minutes=_posted_minutes(posted),
            counsellor_id=None,
            now=now,
        )
        return f"session-{stored.pk}"
    session = access_session_of(
        actor, patient, _posted_id(posted, "session"), purpose="sessions.write"
    )
    if action == "outcome":
        do_record_session_outcome(
            actor,
            session,
            outcome=posted.get("outcome", ""),
            reason=posted.get("reason", ""),
            now=now,
        )
        return f"session-{session.pk}"
    if action == "note":
        do_write_session_note(actor, session, text=posted.get("text", ""), now=now)
        return f"session-{session.pk}"
    raise ClinicalError("missing", "Choose what to do: schedule, record an outcome or add a note.")


@require_http_methods(["GET", "POST"])
@staff_required
def patient_sessions(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    purpose = "sessions.write" if request.method == "POST" else "sessions.view"
    try:
        patient = access_patient_by_id(actor, patient_id, purpose=purpose)
    except PatientNotFound:
        raise Http404("No such patient.") from None
    error, status, error_at = "", 200, ""
    posted = request.POST if request.method == "POST" else None
    if posted is not None:
        try:
            anchor = _write(actor, patient, posted)
            return redirect(reverse("clinic:sessions", args=[patient.pk]) + f"#{anchor}")
        except RecordNotFound:
            raise Http404("No such record.") from None
        except ClinicalError as exc:
            error, status = exc.message, exc.kind.status
            error_at = posted.get("session", "")
    today = timezone.now().date()
    sessions = list(sessions_of(patient))
    shown = notes_shown_to(actor, sessions, day=today)
    context = {
        "patient": patient,
        "rows": [(s, shown.get(s.pk, [])) for s in sessions],
        "reads_all_notes": may_read_counselling_notes(actor, patient, today),
        "not_on_a_consent": NOT_ON_A_CONSENT,
        "may_hold": may_hold_sessions(actor, patient),
        "kinds": [("individual", "Individual"), ("group", "Group")],
        "minutes_max": SESSION_MINUTES_MAX,
        "note_max": NOTE_MAX,
        "reason_max": REASON_MAX,
        "error": error,
        "error_at": error_at,
        "posted": posted,
    }
    return render(request, "clinic/sessions.html", context, status=status)
