"""The gates to assessment data: results, level-of-care assessments and safety alerts.

Staff see a patient's assessment data exactly when they may see the patient (through
``patients.access``). A patient sees less of their own: the results of the
questionnaires they answer themselves (self-report) and the safety alerts those raised,
without the care team's acknowledgement note; clinician-rated results and
level-of-care assessments are the clinicians' working records, which the clinician goes
through with the patient (docs/records.md, "What a patient sees"). The portal and the
API both read through these functions. A record an actor may not see is answered like
one that does not exist, and every read, allowed or refused, is audited.
"""

from __future__ import annotations

from functools import cache

from django.db.models import Q, QuerySet

from clonacare.accounts.models import Role
from clonacare.assessments.actions import is_self_report
from clonacare.assessments.models import (
    InstrumentResponse,
    LevelOfCareAssessment,
    SafetyAlert,
    SeizureReport,
)
from clonacare.audit.log import Actor
from clonacare.core.instruments import instrument, shipped_ids
from clonacare.patients.access import RecordNotFound, access_record_by_id, patients_visible_to
from clonacare.patients.models import Patient


class AlertNotFound(RecordNotFound):
    """No alert with that id on a patient this actor may see (missing and forbidden alike)."""

    refusal_code = "alert-not-found"
    refusal_message = "Alert not found."


class SeizureReportNotFound(RecordNotFound):
    """No seizure report with that id that this actor may see (missing and forbidden alike)."""

    refusal_code = "seizure-report-not-found"
    refusal_message = "Seizure report not found."


class ResultNotFound(RecordNotFound):
    """No result with that id that this actor may see (missing and forbidden alike)."""

    refusal_code = "result-not-found"
    refusal_message = "Result not found."


@cache
def self_report_instruments() -> frozenset[str]:
    """The ids of the shipped instruments the patient answers themselves."""
    return frozenset(i for i in shipped_ids() if is_self_report(instrument(i)))


@cache
def self_report_alert_codes() -> frozenset[str]:
    """Alert codes only self-report instruments raise. An alert stored without its
    result (an incomplete form) shows the patient's own answers only if its code says so."""
    definitions = [instrument(i) for i in shipped_ids()]
    theirs = {r.code for d in definitions if is_self_report(d) for r in d.alerts}
    others = {r.code for d in definitions if not is_self_report(d) for r in d.alerts}
    return frozenset(theirs - others)


def is_patient(actor: Actor) -> bool:
    """A patient sees only part of their own assessment data (the module's docstring)."""
    return actor.role == Role.PATIENT


def results_visible_to(actor: Actor, patients: QuerySet[Patient]) -> QuerySet[InstrumentResponse]:
    """The results of ``patients`` (which ``actor`` may see) that ``actor`` may see:
    every one for staff, the self-report ones for a patient."""
    results = InstrumentResponse.objects.filter(patient__in=patients)
    if is_patient(actor):
        return results.filter(instrument__in=self_report_instruments())
    return results


def level_of_care_visible_to(
    actor: Actor, patients: QuerySet[Patient]
) -> QuerySet[LevelOfCareAssessment]:
    """The level-of-care assessments of ``patients`` that ``actor`` may see: every one
    for staff, none for a patient."""
    assessments = LevelOfCareAssessment.objects.filter(patient__in=patients)
    if is_patient(actor):
        return assessments.none()
    return assessments


def alcohol_use_disorder_recorded(actor: Actor, patient: Patient) -> bool:
    """Whether the latest level-of-care assessment of ``patient`` that ``actor`` may see
    records alcohol use disorder (the medication list's alcohol flags); False when it
    does not, or when there is none the actor may see (a patient sees none)."""
    latest = (
        level_of_care_visible_to(actor, Patient.objects.filter(pk=patient.pk))
        .order_by("-assessed_at", "-id")
        .values_list("record", flat=True)
        .first()
    )
    return isinstance(latest, dict) and latest.get("alcohol_use_disorder") is True


def alerts_visible_to(actor: Actor, patients: QuerySet[Patient]) -> QuerySet[SafetyAlert]:
    """The safety alerts of ``patients`` that ``actor`` may see: every one for staff;
    for a patient, those raised by their own self-report answers (stored with the
    result, or without one for an incomplete form), by their own seizure reports and by
    their check-ins (``from_check_in``: the patient's own report, even when a clinician
    entered it on their word)."""
    alerts = SafetyAlert.objects.filter(patient__in=patients)
    if not is_patient(actor):
        return alerts
    with_their_result = Q(response__instrument__in=self_report_instruments())
    from_an_incomplete_form = Q(
        response__isnull=True,
        level_of_care__isnull=True,
        seizure_report__isnull=True,
        code__in=self_report_alert_codes(),
    )
    from_their_report = Q(seizure_report__isnull=False) | Q(from_check_in=True)
    return alerts.filter(with_their_result | from_an_incomplete_form | from_their_report)


def shows_acknowledgement_note(actor: Actor) -> bool:
    """Who acknowledged an alert and their note are the care team's: staff see them; a
    patient sees only that, and when, it was acknowledged."""
    return not is_patient(actor)


def access_result_by_id(actor: Actor, result_id: int, *, purpose: str) -> InstrumentResponse:
    """The result (instrument response) ``result_id`` if ``actor`` may see it; records
    the read as ``purpose`` with the patient and the result.

    A result that does not exist, or that the actor may not see, raises ResultNotFound
    and is recorded as ``<purpose>.denied`` naming only the result id asked for.
    """
    visible = results_visible_to(actor, patients_visible_to(actor))
    return access_record_by_id(
        actor,
        visible.select_related("patient", "entered_by"),
        result_id,
        purpose=purpose,
        id_name="response_id",
        not_found=ResultNotFound,
    )


def access_alert_by_id(actor: Actor, alert_id: int, *, purpose: str) -> SafetyAlert:
    """The alert with ``alert_id`` if ``actor`` may see it; records the read as
    ``purpose`` with the patient and the alert.

    An alert that does not exist, or that the actor may not see, raises AlertNotFound
    and is recorded as ``<purpose>.denied`` naming only the alert id asked for.
    """
    visible = alerts_visible_to(actor, patients_visible_to(actor))
    return access_record_by_id(
        actor,
        visible.select_related("patient", "acknowledged_by"),
        alert_id,
        purpose=purpose,
        id_name="alert_id",
        not_found=AlertNotFound,
    )


def access_seizure_report_by_id(actor: Actor, report_id: int, *, purpose: str) -> SeizureReport:
    """The seizure report ``report_id`` if ``actor`` may see its patient; records the
    read as ``purpose``. Missing and forbidden alike raise SeizureReportNotFound and are
    recorded as ``<purpose>.denied`` naming only the id asked for."""
    visible = SeizureReport.objects.filter(patient__in=patients_visible_to(actor))
    return access_record_by_id(
        actor,
        visible.select_related("patient__program"),
        report_id,
        purpose=purpose,
        id_name="seizure_report_id",
        not_found=SeizureReportNotFound,
    )


def alerts_of_seizure_report(report: SeizureReport) -> list[SafetyAlert]:
    """The ``seizure`` alert ``report`` (already read through its gate) raised or
    joined, as a list (empty when neither is found). For what the patient is told
    happened to their report (emailed, escalated); when it joined an alert the care team
    raised from a clinician's record, the pages show its delivery only, not the alert."""
    return list(
        SafetyAlert.objects.select_related("patient__program")
        .filter(Q(seizure_report=report) | Q(repeat_log__seizure_report=report))
        .distinct()
    )
