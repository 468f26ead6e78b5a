"""The clinic's 42 CFR Part 2 pages beyond the consent form: disclosing under a consent
(with the package that is sent), downloading that package, recording a medical-emergency
disclosure, the accounting of disclosures (page and CSV) and answering a patient's
restriction request."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import staff_required
from clonacare.audit.log import Actor
from clonacare.clinic.forms import DisclosureForm, EmergencyDisclosureForm, RestrictionAnswerForm
from clonacare.core.errors import ClinicalError, Refusal
from clonacare.exchange.bundle import patient_bundle
from clonacare.patients.access import ConsentNotFound, PatientNotFound, access_patient_by_id
from clonacare.patients.accounting import (
    DisclosureNotFound,
    access_package_of,
    accounting_csv,
    accounting_of_disclosures,
    accounting_since,
    package_name,
    package_zip,
)
from clonacare.patients.actions import (
    CONSENT_WRITERS,
    EmergencyDisclosure,
    do_answer_restriction,
    do_disclose,
    do_record_emergency_disclosure,
)
from clonacare.patients.models import Patient, RestrictionRequest
from clonacare.patients.part2 import part2


def _patient(actor: Actor, patient_id: int, purpose: str) -> Patient:
    try:
        return access_patient_by_id(actor, patient_id, purpose=purpose)
    except PatientNotFound:
        raise Http404("No such patient.") from None


def _refused(request: HttpRequest, exc: Refusal) -> HttpResponse:
    return render(request, "refused.html", {"message": exc.message}, status=exc.kind.status)


@require_POST
@staff_required
def disclose(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Discloses under the consent that covers the recipient and shows what was sent."""
    actor = actor_from_request(request)
    found = _patient(actor, patient_id, "record.disclose-form")
    form = DisclosureForm(request.POST, consents=found.consents.all())
    if not form.is_valid():
        message = "Choose the recipient class and, for a named recipient, its consent."
        return render(request, "refused.html", {"message": message}, status=400)
    try:
        disclosure = do_disclose(
            actor, found, form.request(), bundle_of=patient_bundle, now=timezone.now()
        )
    except ConsentNotFound:
        raise Http404("No such consent.") from None
    except ClinicalError as exc:
        return _refused(request, exc)
    context = {"patient": found, "disclosure": disclosure, "part2": part2()}
    return render(request, "clinic/disclosure.html", context)


@require_GET
@staff_required
def disclosure_package(request: HttpRequest, patient_id: int, disclosure_id: int) -> HttpResponse:
    """The zip of what a disclosure sent (the PDF and the FHIR Bundle, as stored);
    audited as ``disclosure.package``."""
    actor = actor_from_request(request)
    found = _patient(actor, patient_id, "disclosures.view")
    if actor.role not in CONSENT_WRITERS:
        raise Http404("No such disclosure.")
    try:
        package = access_package_of(actor, found, disclosure_id, purpose="disclosure.package")
    except DisclosureNotFound:
        raise Http404("No such disclosure.") from None
    response = HttpResponse(package_zip(package), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{package_name(package)}"'
    return response


@require_http_methods(["GET", "POST"])
@staff_required
def emergency_disclosure(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Records, after the fact, a disclosure made without consent in a medical
    emergency (42 CFR § 2.51)."""
    actor = actor_from_request(request)
    found = _patient(actor, patient_id, "emergency-disclosure.form")
    form = EmergencyDisclosureForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            do_record_emergency_disclosure(
                actor, found, EmergencyDisclosure(**form.cleaned_data), now=timezone.now()
            )
        except ClinicalError as exc:
            error = exc.message
        else:
            return redirect("clinic:accounting", patient_id=found.pk)
    status = 400 if request.method == "POST" else 200
    context = {"patient": found, "form": form, "error": error}
    return render(request, "clinic/emergency_disclosure.html", context, status=status)


@require_GET
@staff_required
def accounting(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The accounting of disclosures of the last ``accounting_years`` years, with the
    patient's restriction requests and their answers."""
    actor = actor_from_request(request)
    found = _patient(actor, patient_id, "disclosures.view")
    now = timezone.now()
    context = {
        "patient": found,
        "disclosures": accounting_of_disclosures(found, now=now),
        "since": accounting_since(now),
        "years": part2().accounting_years,
        "restrictions": found.restriction_requests.select_related("answered_by"),
        "answer_form": RestrictionAnswerForm(),
        "covers": RestrictionRequest.Covers.choices,
        "can_write": actor.role in CONSENT_WRITERS,
    }
    return render(request, "clinic/accounting.html", context)


@require_GET
@staff_required
def accounting_export(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The accounting of disclosures as CSV; audited as ``disclosures.export``."""
    actor = actor_from_request(request)
    found = _patient(actor, patient_id, "disclosures.export")
    text = accounting_csv(accounting_of_disclosures(found, now=timezone.now()))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = f"accounting-of-disclosures-{found.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@staff_required
def answer_restriction(request: HttpRequest, patient_id: int, request_id: int) -> HttpResponse:
    """Agrees to or declines a patient's request to restrict disclosures."""
    actor = actor_from_request(request)
    found = _patient(actor, patient_id, "restriction.answer-form")
    asked = found.restriction_requests.filter(pk=request_id).first()
    if asked is None:
        raise Http404("No such request.")
    form = RestrictionAnswerForm(request.POST)
    if not form.is_valid():
        message = "Choose an answer; a note is at most 600 characters."
        return render(request, "refused.html", {"message": message}, status=400)
    try:
        do_answer_restriction(
            actor,
            asked,
            agreed=form.cleaned_data["answer"] == "agreed",
            note=form.cleaned_data["note"],
            now=timezone.now(),
            covers=form.cleaned_data["covers"] or RestrictionRequest.Covers.ALL,
        )
    except ClinicalError as exc:
        return _refused(request, exc)
    return redirect("clinic:accounting", patient_id=found.pk)
