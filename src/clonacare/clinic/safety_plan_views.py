"""The clinic's page of a patient's safety plan (docs/safety-plan.md): the plan in force
and its history of versions (any one opened with ``?version=N``), and the form a
prescriber, nurse or counsellor on the care team fills in with the patient. Read
through the patient's gate (``safety-plan.view``); written through
``do_save_safety_plan``."""

from __future__ import annotations

from itertools import takewhile

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import staff_required
from clonacare.core.errors import ClinicalError
from clonacare.patients.access import PatientNotFound, access_patient_by_id
from clonacare.therapy.access import (
    SafetyPlanVersionNotFound,
    access_safety_plan_version,
    may_write_safety_plan_with,
    safety_plan_versions,
)
from clonacare.therapy.actions import do_save_safety_plan
from clonacare.therapy.safety_plan import (
    FORM_LIMITS,
    SECTIONS,
    changed_sections,
    content_from_form,
    form_rows,
    sections_of,
)

TITLES = {s.id: s.title for s in SECTIONS}


@require_http_methods(["GET", "POST"])
@staff_required
def patient_safety_plan(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    purpose = "safety-plan.write" if request.method == "POST" else "safety-plan.view"
    try:
        patient = access_patient_by_id(actor, patient_id, purpose=purpose)
    except PatientNotFound:
        raise Http404("No such patient.") from None
    error, status = "", 200
    typed: dict[str, object] | None = None
    if request.method == "POST":
        typed = content_from_form(request.POST)
        based_on = request.POST.get("based_on", "")
        try:
            stored = do_save_safety_plan(
                actor,
                patient,
                content=typed,
                based_on=int(based_on) if based_on.isdigit() else None,
                now=timezone.now(),
            )
            here = reverse("clinic:safety-plan", args=[patient.pk])
            return redirect(f"{here}?saved={stored.number}")
        except ClinicalError as exc:
            error, status = exc.message, exc.kind.status
    versions = list(safety_plan_versions(patient))
    latest = versions[0] if versions else None
    shown = latest
    asked = request.GET.get("version", "")
    if asked:
        try:
            shown = access_safety_plan_version(
                actor, patient, int(asked) if asked.isdigit() else 0, purpose="safety-plan.view"
            )
        except SafetyPlanVersionNotFound:
            raise Http404("No such version.") from None
    history = []
    for i, v in enumerate(versions):
        before = versions[i + 1].content if i + 1 < len(versions) else None
        history.append((v, [TITLES[c] for c in changed_sections(before, v.content)]))
    # The patient's own additions since a clinician last went through the plan.
    unreviewed = list(takewhile(lambda v: v.by_patient, versions))
    context = {
        "patient": patient,
        "latest": latest,
        "shown": shown,
        "plan_sections": sections_of(shown.content if shown else None),
        "history": history,
        "unreviewed": unreviewed,
        "may_write": may_write_safety_plan_with(actor, patient),
        "form_sections": form_rows(
            typed if typed is not None else (latest.content if latest else None)
        ),
        "based_on": request.POST.get("based_on", "")
        if typed is not None
        else (latest.number if latest else 0),
        "limits": FORM_LIMITS,
        "error": error,
        "saved": request.GET.get("saved", ""),
    }
    return render(request, "clinic/safety_plan.html", context, status=status)
