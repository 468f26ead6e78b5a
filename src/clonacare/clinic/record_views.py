"""The clinic's pages that register a patient and change their record.

Each view parses its form, calls one action and redirects to the record; a refused
change shows the action's message on the form (400). Who may change what is decided in
patients/access.py; a page the actor may not use answers 404, like a missing page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import staff_required
from clonacare.audit.log import Actor
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
from clonacare.core.drugs import plain_mg
from clonacare.core.errors import ClinicalError, Refusal
from clonacare.patients.access import (
    PatientNotFound,
    access_patient_by_id,
    may_change_record,
    may_manage_care_team,
    may_order_dose_change,
    may_record_dose_change,
    may_register_patients,
)
from clonacare.patients.actions import (
    BenzodiazepineChange,
    check_benzodiazepine_change,
    do_add_care_team_member,
    do_add_condition,
    do_add_medication,
    do_change_benzodiazepine,
    do_change_status,
    do_cosign_dose_change,
    do_end_medication,
    do_register_patient,
    do_remove_care_team_member,
    medication_to_end,
)
from clonacare.patients.models import Medication, Patient


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


def _refused(request: HttpRequest, exc: Refusal) -> HttpResponse:
    """An action's refusal on its own page, with the status of its kind, as in the API."""
    return render(request, "refused.html", {"message": exc.message}, status=exc.kind.status)


@require_http_methods(["GET", "POST"])
@staff_required
def change_benzodiazepine(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A prescriber on the care team records their order; a nurse on it records a
    prescriber's verbal or telephone order. Anyone else: 404, like a missing page."""
    actor = actor_from_request(request)
    try:
        patient = access_patient_by_id(actor, patient_id, purpose="benzo-change.form")
    except PatientNotFound:
        raise Http404("No such patient.") from None
    if not may_record_dose_change(actor, patient):
        raise Http404("No such page.")
    taking_order = not may_order_dose_change(actor, patient)
    today = timezone.now().date()
    form = BenzodiazepineChangeForm(
        request.POST or None,
        initial=dose_change_initial(patient, today),
        patient=patient,
        taking_order=taking_order,
    )
    if request.method == "POST" and form.is_valid():
        change = form.change()
        confirming = change.doses.daily_mg == 0 and request.POST.get("confirm") != "yes"
        try:
            if confirming:
                # A stop is confirmed first, once it would be accepted.
                check_benzodiazepine_change(actor, patient, change, now=timezone.now())
                return _stop_benzodiazepine_page(request, patient, change)
            do_change_benzodiazepine(actor, patient, change, now=timezone.now())
        except ClinicalError as exc:
            form.show_refusal(exc)
        else:
            return redirect("clinic:patient", patient_id=patient.pk)
    intro = (
        "The current doses of the drug end the day before the new ones start; the earlier "
        "doses stay in the record. A dose above the label maximum is recorded and shown "
        "with a warning; a cut above the ceiling needs a reason."
    )
    if taking_order:
        intro = (
            "Record a prescriber's verbal or telephone order after reading it back to them. "
            "It is in effect from its date and shows as awaiting their co-signature until "
            "they co-sign it. " + intro
        )
    return _form_page(
        request,
        form,
        patient=patient,
        heading="Record a dose change",
        intro=intro,
        submit="Record the change",
    )


def _stop_benzodiazepine_page(
    request: HttpRequest, patient: Patient, change: BenzodiazepineChange
) -> HttpResponse:
    """0 mg at every dose time stops the drug: say what that does before recording it.
    The form's values go back as they were sent, with ``confirm=yes``."""
    current = patient.benzo_uses.filter(drug=change.drug, ended_on__isnull=True).first()
    taken = f" {plain_mg(current.daily_mg)} mg/day" if current is not None else ""
    day_before = change.on - dt.timedelta(days=1)
    sent = [(k, v) for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "confirm")]
    context = {
        "patient": patient,
        "heading": f"Stop {change.drug}?",
        "subject": f"{change.drug}{taken}: 0 mg at every dose time from {change.on:%-d %b %Y}",
        "consequences": [
            f"{change.drug.capitalize()} is recorded as stopped: the current doses end on "
            f"{day_before:%-d %b %Y} and the patient takes none from {change.on:%-d %b %Y}.",
            "A stop from above the discontinuation dose is a cut of the whole dose, measured "
            "against the ceiling like any cut (a reason given on the form is kept with it); "
            "from at or below that dose it needs no reason.",
            "The dose history stays on the record; a stop is not undone (to start the drug "
            "again, record a new dose). The change is recorded with your name and the time.",
        ],
        "action": request.path,
        "confirm": f"Stop {change.drug}",
        "hidden": sent,
    }
    return render(request, "clinic/confirm.html", context)


@require_POST
@staff_required
def cosign_dose_change(request: HttpRequest, patient_id: int, change_id: int) -> HttpResponse:
    """The prescriber named in a verbal or telephone order co-signs it."""
    actor = actor_from_request(request)
    try:
        patient = access_patient_by_id(actor, patient_id, purpose="benzo-change.cosign")
    except PatientNotFound:
        raise Http404("No such patient.") from None
    try:
        do_cosign_dose_change(actor, patient, change_id, now=timezone.now())
    except ClinicalError as exc:
        return _refused(request, exc)
    return redirect("clinic:patient", patient_id=patient.pk)


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
        intro="Another medication the patient takes. Choose its drug from the list when "
        "it is there, so that its combinations with the benzodiazepine and the other "
        "medications are flagged. The benzodiazepine being tapered is recorded as a dose "
        "change instead.",
        submit="Add medication",
    )


@require_http_methods(["GET", "POST"])
@staff_required
def end_medication(request: HttpRequest, patient_id: int, medication_id: int) -> HttpResponse:
    """Says what stopping will do (the date as given on the record, to check), then
    records it on the confirmation page's button (a POST with ``confirm=yes``)."""
    actor = actor_from_request(request)
    patient = _editable(actor, patient_id, "medication.form")
    try:
        medication = medication_to_end(patient, medication_id)
    except ClinicalError as exc:
        return _refused(request, exc)
    if not (request.method == "POST" and request.POST.get("confirm") == "yes"):
        given = EndMedicationForm(request.GET or request.POST or None)
        day = given.cleaned_data["ended_on"] if given.is_valid() else timezone.now().date()
        form = EndMedicationForm(initial={"ended_on": day})
        return _stop_page(request, patient, medication, form, status=200)
    form = EndMedicationForm(request.POST)
    if not form.is_valid():
        return _stop_page(request, patient, medication, form, status=400)
    try:
        do_end_medication(
            actor, patient, medication_id, form.cleaned_data["ended_on"], now=timezone.now()
        )
    except ClinicalError as exc:
        if exc.code in ("date", "missing"):
            form.add_error("ended_on", exc.message)
            return _stop_page(request, patient, medication, form, status=400)
        return _refused(request, exc)
    return redirect("clinic:patient", patient_id=patient.pk)


def _stop_page(
    request: HttpRequest,
    patient: Patient,
    medication: Medication,
    form: EndMedicationForm,
    *,
    status: int,
) -> HttpResponse:
    context = {
        "patient": patient,
        "heading": f"Stop {medication.name}?",
        "subject": f"{medication}{f' ({medication.reason})' if medication.reason else ''}",
        "consequences": [
            f"{medication.name} is recorded as stopped on the date below; it no longer "
            "shows as a medication the patient takes.",
            "It stays listed on the record with its dates; a stop cannot be undone (if the "
            "patient starts it again, add it again).",
            "The change is recorded with your name and the time.",
        ],
        "action": reverse("clinic:end-medication", args=[patient.pk, medication.pk]),
        "confirm": "Stop the medication",
        "form": form,
        "error": "Enter the date the medication was stopped." if form.errors else None,
    }
    return render(request, "clinic/confirm.html", context, status=status)


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
        return _refused(request, exc)
    return redirect("clinic:care-team", patient_id=patient.pk)
