"""The patient's counselling sessions in the portal: date, kind, counsellor and status,
never the counselling notes (docs/counselling.md)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clonacare.accounts.decorators import patient_required
from clonacare.portal.own import own_patient
from clonacare.therapy.sessions import sessions_of


@require_GET
@patient_required
def my_sessions(request: HttpRequest) -> HttpResponse:
    patient = own_patient(request, "portal.sessions")
    context = {"patient": patient, "sessions": list(sessions_of(patient))}
    return render(request, "portal/sessions.html", context)
