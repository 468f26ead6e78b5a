"""The clinic's pages for staff: caseload, patient record, ratings, alerts, audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import staff_required
from clonacare.accounts.models import Role
from clonacare.assessments.access import (
    AlertNotFound,
    access_alert_by_id,
    alcohol_use_disorder_recorded,
)
from clonacare.assessments.actions import (
    IncompleteResponse,
    do_acknowledge_alert,
    do_record_level_of_care,
    do_submit_response,
    instruments_for,
)
from clonacare.assessments.caseload import caseload as build_caseload
from clonacare.assessments.forms import (
    condition_fields,
    item_fields,
    posted_answers,
    posted_conditions,
)
from clonacare.assessments.history import score_history
from clonacare.assessments.models import LevelOfCareAssessment
from clonacare.assessments.schedule import instrument_intervals, level_of_care_interval
from clonacare.assessments.screen_prefill import suicide_screen_prefill
from clonacare.audit.export import csv_response
from clonacare.audit.log import Actor
from clonacare.audit.models import AuditEvent
from clonacare.audit.names import action_name
from clonacare.clinic.forms import (
    AcknowledgeForm,
    AuditFilterForm,
    ConsentForm,
    DisclosureForm,
    LevelOfCareForm,
    drugs_not_prefilled_note,
    initial_for,
)
from clonacare.clinic.record_forms import EndMedicationForm
from clonacare.core.assessment import label_indications_of, parse_assessment
from clonacare.core.errors import ClinicalError, Refusal
from clonacare.core.instruments import instrument, licensed_ids, licensed_instrument
from clonacare.exchange.outside import outside_plans_of, received_records_of
from clonacare.monitoring.access import proposals_visible_to
from clonacare.monitoring.models import Proposal
from clonacare.patients.access import (
    ConsentNotFound,
    PatientNotFound,
    access_consent_of,
    access_patient_by_id,
    list_patients,
    may_change_record,
    may_manage_care_team,
    may_record_clinical_data,
    may_record_dose_change,
    may_register_patients,
)
from clonacare.patients.actions import (
    ConsentTerms,
    agreed_restrictions,
    check_revocable,
    do_add_consent,
    do_revoke_consent,
)
from clonacare.patients.audit_access import (
    AuditLogNotFound,
    may_read_audit_log,
    names_for_entries,
    search_audit_log,
)
from clonacare.patients.medications import medication_list
from clonacare.patients.models import Consent, Patient, label_maximum_exceeded
from clonacare.patients.orders import orders_no_one_can_cosign
from clonacare.patients.part2 import part2


def _refused(request: HttpRequest, exc: Refusal) -> HttpResponse:
    """An action's refusal, with the status of its kind, as in the API (core/refusals.py:
    403 not allowed, 409 a conflict with the record, 400 bad input)."""
    return render(request, "refused.html", {"message": exc.message}, status=exc.kind.status)


def _patient(actor: Actor, patient_id: int, purpose: str) -> Patient:
    try:
        return access_patient_by_id(actor, patient_id, purpose=purpose)
    except PatientNotFound:
        raise Http404("No such patient.") from None


def open_proposals_of(actor: Actor, patient: Patient) -> list[Proposal]:
    """The proposals to pause or slow awaiting a decision for ``patient`` (read through
    their gate), as the record and the plan page list them: one at most."""
    return list(proposals_visible_to(actor).filter(patient=patient, status=Proposal.Status.OPEN))


@require_GET
@staff_required
def caseload(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if actor.role == Role.SITE_ADMIN:
        return redirect("clinic:audit")
    rows = build_caseload(list_patients(actor, purpose="caseload.view"), timezone.now())
    context = {
        "rows": rows,
        "intervals": [*instrument_intervals(), level_of_care_interval()],
        "instrument_ids": [i.what for i in instrument_intervals()],
        "can_register": may_register_patients(actor),
    }
    return render(request, "clinic/caseload.html", context)


def _label_indications(latest: LevelOfCareAssessment | None) -> dict[str, str]:
    """Each drug's indication, as the label data names it, from a level-of-care record
    (empty without one, or for a record this version no longer reads)."""
    if latest is None:
        return {}
    try:
        return label_indications_of(parse_assessment(latest.record))
    except ClinicalError:
        return {}


@require_GET
@staff_required
def patient(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    found = _patient(actor, patient_id, "patient.view")
    responses = list(found.responses.select_related("entered_by").order_by("submitted_at"))
    given = sorted({r.instrument for r in responses})
    definitions = [instrument(i) for i in given if i not in licensed_ids()]
    history = score_history(responses, definitions)
    # A licensed instrument's results (stored where the site loads its pack) are listed
    # with its shipped metadata: no chart, as its bands come with the pack.
    licensed = [
        (licensed_instrument(i), [r for r in reversed(responses) if r.instrument == i])
        for i in given
        if i in licensed_ids()
    ]
    latest = found.level_of_care_assessments.select_related("assessed_by").first()
    uses = list(found.benzo_uses.select_related("dose_change__ordered_by"))
    indications = _label_indications(latest)
    for use in uses:
        # The label maximum of the indication the latest level-of-care assessment gives
        # the drug; without one, the drug's highest (the same rule as the level of care).
        use.label_maximum = label_maximum_exceeded(  # type: ignore[attr-defined]
            use.drug, use.daily_mg, indications.get(use.drug)
        )
    context: dict[str, Any] = {
        "patient": found,
        "benzo_uses": uses,
        "medications": medication_list(
            found,
            alcohol_use_disorder=alcohol_use_disorder_recorded(actor, found),
            today=timezone.localdate(),
        ),
        "conditions": found.conditions.all(),
        "care_team": found.care_team.select_related("user__membership"),
        "consents": found.consents.all(),
        "disclosures": found.disclosures.select_related("disclosed_by").all(),
        "disclosure_form": DisclosureForm(consents=found.consents.all()),
        "restrictions": agreed_restrictions(found, timezone.now()),
        "alerts": found.alerts.select_related("acknowledged_by")
        .prefetch_related("notifications__recipient")
        .all()[:50],
        "history": history,
        "licensed_history": licensed,
        "level_of_care": latest,
        "can_record": may_record_clinical_data(actor),
        "can_change": may_change_record(actor, found),
        "can_change_dose": may_record_dose_change(actor, found),
        "dose_changes": found.dose_changes.select_related("ordered_by", "recorded_by")[:20],
        "orders_no_one_can_cosign": orders_no_one_can_cosign(found),
        "can_manage_team": may_manage_care_team(actor, found),
        "end_medication_form": EndMedicationForm(initial={"ended_on": timezone.now().date()}),
        "instruments": instruments_for(actor),
        "today": timezone.now().date(),
        "age": found.age_on(timezone.now().date()),
        "open_proposals": open_proposals_of(actor, found),
        "outside_plans": outside_plans_of(found),
    }
    context["received_scores"], context["received_consents"] = received_records_of(found)
    return render(request, "clinic/patient.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def rate_instrument(request: HttpRequest, patient_id: int, instrument_id: str) -> HttpResponse:
    actor = actor_from_request(request)
    definitions = {d.id: d for d in instruments_for(actor)}
    if instrument_id not in definitions:
        raise Http404("No such instrument.")
    found = _patient(actor, patient_id, "assessment.form")
    definition = definitions[instrument_id]
    error = None
    status = 200
    retry_after_s = None
    safety: IncompleteResponse | None = None
    if request.method == "POST":
        try:
            do_submit_response(
                actor,
                found,
                instrument_id,
                posted_answers(definition, request.POST),
                now=timezone.now(),
                conditions=posted_conditions(request.POST),
            )
        except ClinicalError as exc:
            error = exc.message
            status = exc.kind.status
            safety = exc if isinstance(exc, IncompleteResponse) and exc.alerts else None
            if isinstance(exc, IncompleteResponse):
                retry_after_s = exc.retry_after_s
        else:
            return redirect("clinic:patient", patient_id=found.pk)
    posted = request.POST if request.method == "POST" else None
    context = {
        "patient": found,
        "definition": definition,
        "fields": item_fields(definition, posted),
        "condition_fields": condition_fields(definition, posted),
        "error": error,
        "safety": safety,
    }
    page = render(request, "clinic/rate.html", context, status=status)
    if retry_after_s is not None:  # too many questionnaires this hour (429)
        page["Retry-After"] = str(retry_after_s)
    return page


@require_http_methods(["GET", "POST"])
@staff_required
def level_of_care(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    if not may_record_clinical_data(actor):
        raise Http404("No such page.")
    found = _patient(actor, patient_id, "level-of-care.form")
    screen = suicide_screen_prefill(found)
    initial = initial_for(found, timezone.now().date(), screen)
    form = LevelOfCareForm(request.POST or None, initial=initial)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            do_record_level_of_care(
                actor,
                found,
                form.record(),
                equivalence=form.cleaned_data["equivalence"],
                now=timezone.now(),
            )
        except ClinicalError as exc:
            error = exc.message
        else:
            return redirect("clinic:patient", patient_id=found.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "clinic/level_of_care.html",
        {
            "patient": found,
            "form": form,
            "error": error,
            "screen_notes": screen.notes,
            "drugs_note": drugs_not_prefilled_note(found, timezone.now().date()),
        },
        status=status,
    )


@require_POST
@staff_required
def acknowledge_alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        alert = access_alert_by_id(actor, alert_id, purpose="alert.view")
    except AlertNotFound:
        raise Http404("No such alert.") from None
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        # The note as typed comes back with the message, to shorten and send again.
        context = {"alert": alert, "patient": alert.patient, "form": form}
        return render(request, "clinic/acknowledge.html", context, status=400)
    try:
        do_acknowledge_alert(actor, alert, note=form.cleaned_data["note"], now=timezone.now())
    except ClinicalError as exc:
        return _refused(request, exc)
    return redirect("clinic:patient", patient_id=alert.patient_id)


@require_http_methods(["GET", "POST"])
@staff_required
def add_consent(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    found = _patient(actor, patient_id, "consent.form")
    form = ConsentForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            do_add_consent(actor, found, ConsentTerms(**form.cleaned_data), now=timezone.now())
        except ClinicalError as exc:
            error = exc.message
        else:
            return redirect("clinic:patient", patient_id=found.pk)
    status = 400 if request.method == "POST" else 200
    context = {"patient": found, "form": form, "error": error, "part2": part2()}
    return render(request, "clinic/consent.html", context, status=status)


def confirmed(request: HttpRequest) -> bool:
    """A confirmation page's button was pressed: a POST carrying ``confirm=yes``. Any
    other request (a GET, or a POST from a page that did not ask) gets the page first."""
    return request.method == "POST" and request.POST.get("confirm") == "yes"


@require_http_methods(["GET", "POST"])
@staff_required
def revoke_consent(request: HttpRequest, patient_id: int, consent_id: int) -> HttpResponse:
    """Says what revoking will do, then revokes on the confirmation page's button."""
    actor = actor_from_request(request)
    found = _patient(actor, patient_id, "consent.view")
    try:
        consent = access_consent_of(actor, found, consent_id, purpose="consent.revoke")
    except ConsentNotFound:
        raise Http404("No such consent.") from None
    try:
        if not confirmed(request):
            check_revocable(consent)
            return render(request, "clinic/confirm.html", _revocation_page(found, consent))
        do_revoke_consent(actor, consent, now=timezone.now())
    except ClinicalError as exc:
        return _refused(request, exc)
    return redirect("clinic:patient", patient_id=found.pk)


def _revocation_page(patient: Patient, consent: Consent) -> dict[str, Any]:
    return {
        "patient": patient,
        "heading": "Revoke this consent?",
        "subject": f"Consent to disclose to {consent.to_whom}, for {consent.purpose} "
        f"({consent.information}); signed by {consent.signed_by} on "
        f"{consent.signed_on:%d %b %Y}.",
        "consequences": [
            f"From now on nothing is disclosed to {consent.to_whom} under this consent; "
            "a disclosure to them needs a new consent the patient signs.",
            "What was already disclosed stays in the accounting of disclosures: revoking "
            "does not take it back.",
            "The revocation is recorded with your name and the time, and cannot be undone.",
            "Record it only on the patient's word.",
        ],
        "action": reverse("clinic:revoke-consent", args=[patient.pk, consent.pk]),
        "confirm": "Revoke the consent",
        "form": None,
    }


def _audit_filters(request: HttpRequest, actor: Actor) -> AuditFilterForm:
    """The filters of an audit search or export; 404 for anyone who may not read the
    log, before the filters are even read."""
    if not may_read_audit_log(actor):
        raise Http404("No such page.")
    return AuditFilterForm(request.GET)


def _audit_search(actor: Actor, form: AuditFilterForm, purpose: str) -> QuerySet[AuditEvent]:
    """The search of a valid form, through the audit gate (which records it)."""
    try:
        return search_audit_log(actor, form.search(), purpose=purpose)
    except AuditLogNotFound:
        raise Http404("No such page.") from None


@require_GET
@staff_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Program and site admins search the log. A filter that is not valid refuses the
    search as a whole (400, each filter's message): it never runs on the others alone."""
    actor = actor_from_request(request)
    form = _audit_filters(request, actor)
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {"form": form, "query": query.urlencode(), "page": None}
    if not form.is_valid():
        context["refusal"] = form.refusal("searched")
        return render(request, "clinic/audit.html", context, status=400)
    events = _audit_search(actor, form, "audit.search")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    names = names_for_entries(actor, page)
    context["page"] = page
    context["entries"] = [
        AuditRow(
            event=e,
            action=action_name(e.action),
            person=names.people.get(e.actor_id) if e.actor_id is not None else None,
            patient=names.patients.get(e.patient_id) if e.patient_id is not None else None,
        )
        for e in page
    ]
    return render(request, "clinic/audit.html", context)


@dataclass(frozen=True)
class AuditRow:
    """An audit entry as the page shows it: the action by name, who acted and the
    patient by name where known (the codes and ids stay beside them)."""

    event: AuditEvent
    action: str
    person: str | None
    patient: str | None


@require_GET
@staff_required
def audit_export(request: HttpRequest) -> HttpResponseBase:
    """The search as CSV, every match; refused as the page refuses (400), exporting
    nothing, when a filter is not valid."""
    actor = actor_from_request(request)
    form = _audit_filters(request, actor)
    if not form.is_valid():
        message = form.refusal("exported")
        return render(request, "refused.html", {"message": message}, status=400)
    return csv_response(_audit_search(actor, form, "audit.export"))
