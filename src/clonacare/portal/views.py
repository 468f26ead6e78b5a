"""The patient's portal: their own record, questionnaires to complete, and results."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clonacare.accounts.decorators import patient_required
from clonacare.assessments.access import ResultNotFound, access_result_by_id, results_visible_to
from clonacare.assessments.actions import (
    IncompleteResponse,
    do_submit_response,
    instruments_for,
)
from clonacare.assessments.forms import item_fields, posted_answers
from clonacare.assessments.history import score_history
from clonacare.audit.log import Actor, actor_from_request
from clonacare.core.errors import ClinicalError
from clonacare.patients.access import (
    ConsentNotFound,
    PatientNotFound,
    access_patient_by_id,
    access_record_by_id,
    patients_visible_to,
)
from clonacare.patients.actions import do_revoke_consent
from clonacare.patients.models import Consent, Patient


def _own_patient(request: HttpRequest, purpose: str) -> Patient:
    actor = actor_from_request(request)
    own = patients_visible_to(actor).values_list("pk", flat=True).first()
    if own is None:
        raise Http404("No record.")
    try:
        return access_patient_by_id(actor, own, purpose=purpose)
    except PatientNotFound:
        raise Http404("No record.") from None


@require_GET
@patient_required
def home(request: HttpRequest) -> HttpResponse:
    patient = _own_patient(request, "portal.view")
    actor = actor_from_request(request)
    own = Patient.objects.filter(pk=patient.pk)
    responses = list(results_visible_to(actor, own).order_by("submitted_at"))
    history = score_history(responses, instruments_for(actor))
    context = {
        "patient": patient,
        "benzo": patient.benzo_uses.filter(ended_on__isnull=True).first(),
        "care_team": patient.care_team.select_related("user__membership"),
        "questionnaires": instruments_for(actor),
        "history": history,
        "consents": patient.consents.all(),
        "disclosures": patient.disclosures.all(),
        "today": timezone.now().date(),
    }
    return render(request, "portal/home.html", context)


def _own_consent(actor: Actor, consent_id: int, purpose: str) -> Consent:
    """The patient's own consent ``consent_id``, with the read recorded as ``purpose``;
    another patient's consent or a missing one is recorded as ``<purpose>.denied``
    naming only the id asked for, and answered with the same 404."""
    consents = Consent.objects.filter(patient__in=patients_visible_to(actor))
    try:
        return access_record_by_id(
            actor,
            consents.select_related("patient"),
            consent_id,
            purpose=purpose,
            id_name="consent_id",
            not_found=ConsentNotFound,
        )
    except ConsentNotFound:
        raise Http404("No such consent.") from None


@require_POST
@patient_required
def revoke_consent(request: HttpRequest, consent_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    consent = _own_consent(actor, consent_id, "portal.consent")
    try:
        do_revoke_consent(actor, consent, now=timezone.now())
    except ClinicalError as exc:
        return render(request, "clinic/error.html", {"message": exc.message}, status=409)
    return redirect("portal:home")


@require_http_methods(["GET", "POST"])
@patient_required
def questionnaire(request: HttpRequest, instrument_id: str) -> HttpResponse:
    actor = actor_from_request(request)
    definitions = {d.id: d for d in instruments_for(actor)}
    if instrument_id not in definitions:
        raise Http404("No such questionnaire.")
    definition = definitions[instrument_id]
    patient = _own_patient(request, "portal.questionnaire")
    error = None
    safety: IncompleteResponse | None = None
    if request.method == "POST":
        try:
            response = do_submit_response(
                actor,
                patient,
                instrument_id,
                posted_answers(definition, request.POST),
                now=timezone.now(),
            )
        except ClinicalError as exc:
            error = exc.message
            safety = exc if isinstance(exc, IncompleteResponse) and exc.alerts else None
        else:
            return redirect("portal:response", response_id=response.pk)
    context = {
        "definition": definition,
        "fields": item_fields(definition, request.POST if request.method == "POST" else None),
        "error": error,
        "safety": safety,
    }
    return render(request, "portal/questionnaire.html", context, status=400 if error else 200)


@require_GET
@patient_required
def response(request: HttpRequest, response_id: int) -> HttpResponse:
    try:
        found = access_result_by_id(
            actor_from_request(request), response_id, purpose="portal.result"
        )
    except ResultNotFound:
        raise Http404("No such result.") from None
    return render(request, "portal/response.html", {"response": found, "result": found.result})
