"""The clinic's pages that register a patient and change their record.

Each view parses its form, calls one action and redirects to the record; a refused
change shows the action's message on the form (400). Who may change what is decided in
patients/access.py; a page the actor may not use answers 404, like a missing page.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from clonacare.accounts.decorators import staff_required
from clonacare.audit.log import Actor, actor_from_request
from clonacare.clinic.record_forms import (
    BenzodiazepineChangeForm,
    CareTeamForm,
    ConditionForm,
    EndMedicationForm,
    MedicationForm,
    RecordForm,
    RegisterPatientForm,
    StatusForm,
    dose_change_initial,
)
from clonacare.core.errors import ClinicalError
from clonacare.patients.access import (
    PatientNotFound,
    access_patient_by_id,
    may_change_record,
    may_manage_care_team,
    may_register_patients,
)
from clonacare.patients.actions import (
    do_add_care_team_member,
    do_add_condition,
    do_add_medication,
    do_change_benzodiazepine,
    do_change_status,
    do_end_medication,
    do_register_patient,
    do_remove_care_team_member,
)
from clonacare.patients.models import Patient


def _editable(actor: Actor, patient_id: int, purpose: str) -> Patient:
    """The patient, if the actor may see and change the record; 404 otherwise."""
    try:
        patient = access_patient_by_id(actor, patient_id, purpose=purpose)
    except PatientNotFound:
        raise Http404("No such patient.") from None
    if not may_change_record(actor, patient):
        raise Http404("No such page.")
    return patient


def _form_page(
    request: HttpRequest,
    form: RecordForm,
    *,
    patient: Patient | None,
    heading: str,
    intro: str,
    submit: str,
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "patient": patient,
        "heading": heading,
        "intro": intro,
        "submit": submit,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "clinic/record_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def register_patient(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if not may_register_patients(actor) or actor.program_id is None:
        raise Http404("No such page.")
    form = RegisterPatientForm(request.POST or None, program_id=actor.program_id)
    if request.method == "POST" and form.is_valid():
        try:
            patient = do_register_patient(actor, form.registration(), now=timezone.now())
        except ClinicalError as exc:
            form.show_refusal(exc)
        else:
            return redirect("clinic:patient", patient_id=patient.pk)
    return _form_page(
        request,
        form,
        patient=None,
        heading="Register a patient",
        intro="The record starts with the patient's details, the benzodiazepine they take "
        "now and who cares for them. Everything can be changed later; nothing is deleted.",
        submit="Register patient",
    )


@require_http_methods(["GET", "POST"])
@staff_required
def change_status(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    patient = _editable(actor, patient_id, "status.form")
    form = StatusForm(request.POST or None, initial={"status": patient.status})
    if request.method == "POST" and form.is_valid():
        try:
            do_change_status(actor, patient, form.cleaned_data["status"], now=timezone.now())
        except ClinicalError as exc:
            form.show_refusal(exc)
        else:
            return redirect("clinic:patient", patient_id=patient.pk)
    return _form_page(
        request,
        form,
        patient=patient,
        heading="Change the status",
        intro=f"{patient.full_name} is now: {patient.get_status_display()}.",
        submit="Change status",
    )


@require_http_methods(["GET", "POST"])
@staff_required
def change_benzodiazepine(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    patient = _editable(actor, patient_id, "benzo-change.form")
    today = timezone.now().date()
    form = BenzodiazepineChangeForm(
        request.POST or None, initial=dose_change_initial(patient, today)
    )
    if request.method == "POST" and form.is_valid():
        try:
            do_change_benzodiazepine(actor, patient, form.change(), now=timezone.now())
        except ClinicalError as exc:
            form.show_refusal(exc)
        else:
            return redirect("clinic:patient", patient_id=patient.pk)
    return _form_page(
        request,
        form,
        patient=patient,
        heading="Record a dose change",
        intro="The current doses of the drug end the day before the new ones start; the "
        "earlier doses stay in the record. A dose above the label maximum is recorded and "
        "shown with a warning.",
        submit="Record the change",
    )


@require_http_methods(["GET", "POST"])
@staff_required
def add_medication(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    patient = _editable(actor, patient_id, "medication.form")
    form = MedicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_add_medication(actor, patient, form.entry(), now=timezone.now())
        except ClinicalError as exc:
            form.show_refusal(exc)
        else:
            return redirect("clinic:patient", patient_id=patient.pk)
    return _form_page(
        request,
        form,
        patient=patient,
        heading="Add a medication",
        intro="Another medication the patient takes (not a benzodiazepine: record those "
        "as a dose change).",
        submit="Add medication",
    )


@require_POST
@staff_required
def end_medication(request: HttpRequest, patient_id: int, medication_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    patient = _editable(actor, patient_id, "medication.form")
    form = EndMedicationForm(request.POST)
    if not form.is_valid():
        message = "Enter the date the medication was stopped."
        return render(request, "clinic/error.html", {"message": message}, status=400)
    try:
        do_end_medication(
            actor, patient, medication_id, form.cleaned_data["ended_on"], now=timezone.now()
        )
    except ClinicalError as exc:
        status = {"medication-not-found": 404, "already-ended": 409}.get(exc.code, 400)
        return render(request, "clinic/error.html", {"message": exc.message}, status=status)
    return redirect("clinic:patient", patient_id=patient.pk)


@require_http_methods(["GET", "POST"])
@staff_required
def add_condition(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    patient = _editable(actor, patient_id, "condition.form")
    form = ConditionForm(request.POST or None, initial={"noted_on": timezone.now().date()})
    if request.method == "POST" and form.is_valid():
        try:
            do_add_condition(
                actor,
                patient,
                form.cleaned_data["name"],
                form.cleaned_data["noted_on"],
                now=timezone.now(),
            )
        except ClinicalError as exc:
            form.show_refusal(exc)
        else:
            return redirect("clinic:patient", patient_id=patient.pk)
    return _form_page(
        request,
        form,
        patient=patient,
        heading="Add a condition",
        intro="A diagnosis or health condition that matters for the taper.",
        submit="Add condition",
    )


def _team_page(actor: Actor, patient_id: int) -> Patient:
    try:
        patient = access_patient_by_id(actor, patient_id, purpose="care-team.form")
    except PatientNotFound:
        raise Http404("No such patient.") from None
    if not may_manage_care_team(actor, patient):
        raise Http404("No such page.")
    return patient


@require_http_methods(["GET", "POST"])
@staff_required
def care_team(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    patient = _team_page(actor, patient_id)
    form = CareTeamForm(request.POST or None, patient=patient)
    if request.method == "POST" and form.is_valid():
        try:
            do_add_care_team_member(
                actor, patient, form.cleaned_data["user"].pk, now=timezone.now()
            )
        except ClinicalError as exc:
            form.show_refusal(exc)
        else:
            return redirect("clinic:care-team", patient_id=patient.pk)
    context = {
        "patient": patient,
        "form": form,
        "members": patient.care_team.select_related("user__membership"),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "clinic/care_team.html", context, status=status)


@require_POST
@staff_required
def remove_care_team_member(request: HttpRequest, patient_id: int, user_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    patient = _team_page(actor, patient_id)
    try:
        do_remove_care_team_member(actor, patient, user_id, now=timezone.now())
    except ClinicalError as exc:
        return render(request, "clinic/error.html", {"message": exc.message}, status=404)
    return redirect("clinic:care-team", patient_id=patient.pk)
