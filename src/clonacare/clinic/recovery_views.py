"""The clinic's recovery record of a patient: the timeline from the first assessment to
now (newest first), the runs without a benzodiazepine with their milestones, DSM-5
remission with its reasons, and the form the care team records a return to use with
(docs/recovery.md). Read through ``recovery.timeline.access_recovery_record``; the one
write through ``recovery.actions.do_record_return_to_use``."""

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
from clonacare.core.drugs import known_drugs
from clonacare.core.errors import ClinicalError
from clonacare.patients.access import PatientNotFound, access_patient_by_id
from clonacare.patients.models import Patient
from clonacare.recovery.access import may_record_return_to_use
from clonacare.recovery.actions import do_record_return_to_use
from clonacare.recovery.models import NOTE_MAX
from clonacare.recovery.timeline import Event, access_recovery_record

# How each kind of event is named on the page.
KIND_LABELS = {
    "assessment": "Assessment",
    "level-of-care": "Level of care",
    "alert": "Safety alert",
    "plan-drafted": "Plan drafted",
    "plan-approved": "Plan approved",
    "plan-revised": "Plan revised",
    "dose-change": "Dose change",
    "taper-finished": "Taper finished",
    "milestone": "Milestone",
    "session": "Counselling",
    "module-assigned": "CBT module",
    "module-completed": "CBT module",
    "group": "Support group",
    "return-to-use": "Return to use",
    "remission": "Remission",
}


def _link(event: Event) -> str:
    """Where a staff member opens what the event is about; empty for the timeline's own."""
    if event.subject == "plan":
        return reverse("clinic:plan", args=[event.subject_id])
    if event.subject == "group":
        return reverse("clinic:group", args=[event.subject_id])
    pages = {
        "patient": "clinic:patient",
        "sessions": "clinic:sessions",
        "modules": "clinic:modules",
    }
    name = pages.get(event.subject)
    return reverse(name, args=[event.subject_id]) if name else ""


def _posted_day(posted: QueryDict) -> dt.date:
    try:
        return dt.date.fromisoformat(posted.get("on", "").strip())
    except ValueError:
        raise ClinicalError(
            "missing", "Enter the day use started again, like 2026-12-04."
        ) from None


def _record(actor: Actor, patient: Patient, posted: QueryDict) -> None:
    do_record_return_to_use(
        actor,
        patient,
        on=_posted_day(posted),
        drug=posted.get("drug", ""),
        note=posted.get("note", ""),
        now=timezone.now(),
    )


@require_http_methods(["GET", "POST"])
@staff_required
def patient_timeline(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    error, status = "", 200
    posted = request.POST if request.method == "POST" else None
    if posted is not None:
        try:
            patient = access_patient_by_id(actor, patient_id, purpose="recovery.write")
        except PatientNotFound:
            raise Http404("No such patient.") from None
        try:
            _record(actor, patient, posted)
            url = reverse("clinic:timeline", args=[patient.pk])
            return redirect(f"{url}?recorded=1#next-steps")
        except ClinicalError as exc:
            error, status = exc.message, exc.kind.status
    try:
        found = access_recovery_record(actor, patient_id, now=timezone.now())
    except PatientNotFound:
        raise Http404("No such patient.") from None
    events = [(e, KIND_LABELS[e.kind], _link(e)) for e in found.newest_first()]
    context = {
        "patient": found.patient,
        "record": found,
        "events": events,
        "past_runs": [r for r in found.runs if r.ended_on is not None],
        "returned": any(e.kind == "return-to-use" for e in found.events),
        "recorded": request.GET.get("recorded") == "1" and posted is None,
        "may_record": may_record_return_to_use(actor, found.patient),
        "drugs": known_drugs(),
        "note_max": NOTE_MAX,
        "error": error,
        "posted": posted,
        "today": found.today,
    }
    return render(request, "clinic/recovery.html", context, status=status)
