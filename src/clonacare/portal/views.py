"""The patient's portal: their own record, questionnaires to complete, and results."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import patient_required
from clonacare.assessments.access import (
    ResultNotFound,
    SeizureReportNotFound,
    access_result_by_id,
    access_seizure_report_by_id,
    alerts_of_seizure_report,
    results_visible_to,
)
from clonacare.assessments.actions import (
    FirstStepAlerts,
    IncompleteResponse,
    SeizureReportRefused,
    do_raise_first_step_alerts,
    do_report_seizure,
    do_submit_response,
    instruments_for,
)
from clonacare.assessments.forms import posted_answers
from clonacare.assessments.history import score_history
from clonacare.audit.log import Actor
from clonacare.core.errors import ClinicalError
from clonacare.patients.access import (
    ConsentNotFound,
    access_record_by_id,
    patients_visible_to,
)
from clonacare.patients.actions import check_revocable, do_revoke_consent
from clonacare.patients.models import Consent, Patient
from clonacare.portal import steps
from clonacare.portal.forms import SeizureReportForm
from clonacare.portal.own import own_patient


@require_GET
@patient_required
def home(request: HttpRequest) -> HttpResponse:
    patient = own_patient(request, "portal.view")
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


@require_http_methods(["GET", "POST"])
@patient_required
def revoke_consent(request: HttpRequest, consent_id: int) -> HttpResponse:
    """Says what revoking will do, then revokes on the page's button (a POST with
    ``confirm=yes``); any other request gets the page first."""
    actor = actor_from_request(request)
    consent = _own_consent(actor, consent_id, "portal.consent")
    try:
        if not (request.method == "POST" and request.POST.get("confirm") == "yes"):
            check_revocable(consent)
            return render(request, "portal/revoke_consent.html", {"consent": consent})
        do_revoke_consent(actor, consent, now=timezone.now())
    except ClinicalError as exc:
        return render(request, "refused.html", {"message": exc.message}, status=exc.kind.status)
    return redirect("portal:home")


@require_http_methods(["GET", "POST"])
@patient_required
def questionnaire(request: HttpRequest, instrument_id: str) -> HttpResponse:
    """Asks the questions that always apply; when an answer calls for a follow-up
    question (the ASQ's acuity question after a yes), asks it on a second step with the
    first answers kept. Works without JavaScript (``portal.steps``)."""
    actor = actor_from_request(request)
    definitions = {d.id: d for d in instruments_for(actor)}
    if instrument_id not in definitions:
        raise Http404("No such questionnaire.")
    definition = definitions[instrument_id]
    patient = own_patient(request, "portal.questionnaire")
    error = None
    status = 200
    retry_after_s = None
    safety: IncompleteResponse | FirstStepAlerts | None = None
    posted = request.POST if request.method == "POST" else None
    step = posted.get(steps.STEP_FIELD) if posted is not None else None
    follow_up = False
    if posted is not None and step != steps.CHANGE:
        answers = posted_answers(definition, posted)
        follow_up = step == steps.FOLLOW_UP or steps.needs_follow_up(definition, answers)
        try:
            if step == steps.FOLLOW_UP or not follow_up:
                response = do_submit_response(
                    actor,
                    patient,
                    instrument_id,
                    answers,
                    now=timezone.now(),
                    first_step=steps.first_step_alert_ids(posted),
                )
                return redirect("portal:response", response_id=response.pk)
            # A yes calls for the follow-up question: its alerts are raised now.
            first_step = do_raise_first_step_alerts(
                actor,
                patient,
                instrument_id,
                answers,
                now=timezone.now(),
                first_step=steps.first_step_alert_ids(posted),
            )
            safety = first_step if first_step.alerts else None
        except ClinicalError as exc:
            error = _for_the_patient(exc)
            status = exc.kind.status
            safety = exc if isinstance(exc, IncompleteResponse) and exc.alerts else None
            if isinstance(exc, IncompleteResponse):
                retry_after_s = exc.retry_after_s
    kept: list[steps.KeptAnswer] = []
    fields = steps.follow_up_fields(definition, posted) if follow_up else []
    if fields and posted is not None:
        kept = steps.kept_answers(definition, posted_answers(definition, posted))
    else:
        fields = steps.first_step_fields(definition, posted)
    context = {
        "definition": definition,
        "fields": fields,
        "kept": kept,
        "step_field": steps.STEP_FIELD,
        "follow_up_step": steps.FOLLOW_UP,
        "change_step": steps.CHANGE,
        "error": error,
        "safety": safety,
        "first_step_field": steps.FIRST_STEP_ALERTS_FIELD,
        "first_step_alerts": ",".join(
            str(i)
            for i in (
                safety.alert_ids
                if isinstance(safety, FirstStepAlerts)
                else steps.first_step_alert_ids(posted)
            )
        ),
    }
    page = render(request, "portal/questionnaire.html", context, status=status)
    if retry_after_s is not None:  # too many questionnaires this hour (429)
        page["Retry-After"] = str(retry_after_s)
    return page


def _for_the_patient(refusal: ClinicalError) -> str:
    """A refused questionnaire in words for the person answering it: which questions
    are still to answer, by their numbers on the page, and what to do; never the item
    ids and codes the staff pages and the API give (those stay as they are)."""
    unanswered = refusal.unanswered if isinstance(refusal, IncompleteResponse) else ()
    if refusal.code == "incomplete" and unanswered:
        numbers = get_text_list([str(n) for n in unanswered], gettext("and"))
        return ngettext(
            "Question %(numbers)s is not answered yet. Please answer it, then send again.",
            "Questions %(numbers)s are not answered yet. Please answer them, then send again.",
            len(unanswered),
        ) % {"numbers": numbers}
    if refusal.code in UNREADABLE:
        return gettext(
            "One of the answers could not be read. Please choose one answer for each "
            "question, then send again."
        )
    return refusal.message


# A tampered or stale form: an answer that is not one of its question's choices, or a
# question the questionnaire does not have (the codes of core/instruments/engine.py).
UNREADABLE = frozenset({"answer-out-of-range", "unknown-item", "too-many-answers"})


@require_GET
@patient_required
def response(request: HttpRequest, response_id: int) -> HttpResponse:
    try:
        found = access_result_by_id(
            actor_from_request(request), response_id, purpose="portal.result"
        )
    except ResultNotFound:
        raise Http404("No such result.") from None
    actor = actor_from_request(request)
    definition = next((d for d in instruments_for(actor) if d.id == found.instrument), None)
    context = {"response": found, "result": found.result, "definition": definition}
    return render(request, "portal/response.html", context)


# Reporting a seizure ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@patient_required
def report_seizure(request: HttpRequest) -> HttpResponse:
    """The patient reports a seizure: any report sent raises ``seizure`` for the care
    team at once; a missing answer to "happening now?" or a note too long is then
    refused (400) on the form, with the alert's notice and the crisis resources."""
    actor = actor_from_request(request)
    patient = own_patient(request, "portal.seizure-form")
    if request.method != "POST":
        return render(request, "portal/seizure.html", {"form": SeizureReportForm()})
    when = request.POST.get("when")
    try:
        report, _alert = do_report_seizure(
            actor,
            patient,
            happening_now={"now": True, "stopped": False}.get(when or "", when),
            note=request.POST.get("note", ""),
            now=timezone.now(),
        )
    except SeizureReportRefused as refused:
        context = {
            "form": SeizureReportForm(request.POST),
            "error": refused.message,
            "seizure_report": refused.report,
            "seizure_alerts": [refused.alert],
            "possibly_now": refused.report.happening_now is None,
        }
        return render(request, "portal/seizure.html", context, status=400)
    except ClinicalError as exc:
        context = {"form": SeizureReportForm(request.POST), "error": exc.message}
        return render(request, "portal/seizure.html", context, status=400)
    return redirect("portal:seizure-reported", report_id=report.pk)


@require_GET
@patient_required
def seizure_reported(request: HttpRequest, report_id: int) -> HttpResponse:
    """What happens now: the crisis resources and what the care team was sent."""
    try:
        report = access_seizure_report_by_id(
            actor_from_request(request), report_id, purpose="portal.seizure-report"
        )
    except SeizureReportNotFound:
        raise Http404("No such report.") from None
    context = {
        "seizure_report": report,
        "seizure_alerts": alerts_of_seizure_report(report),
        "possibly_now": report.happening_now is None,
    }
    return render(request, "portal/seizure_reported.html", context)
