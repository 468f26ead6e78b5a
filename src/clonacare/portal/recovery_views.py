"""The patient's own recovery page: days without a benzodiazepine, the milestones with
their dates, and their timeline in plain words, newest first (docs/recovery.md). Read
through the patient's own gate; what the patient may not see (the care team's
checklists, draft plans, notes) is not on it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import patient_required
from clonacare.portal.own import own_patient
from clonacare.recovery.timeline import recovery_record


@require_GET
@patient_required
def my_recovery(request: HttpRequest) -> HttpResponse:
    patient = own_patient(request, "recovery.timeline")
    actor = actor_from_request(request)
    found = recovery_record(actor, patient, today=timezone.localdate())
    context = {
        "patient": patient,
        "record": found,
        "events": found.newest_first(),
        "past_runs": [r for r in found.runs if r.ended_on is not None],
    }
    return render(request, "portal/recovery.html", context)
