"""``/alerts`` and ``/patients/{id}/alerts``: safety alerts and their acknowledgement;
``/patients/{id}/seizure-reports``: a patient reports a seizure, which raises one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from clonacare.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    CrisisResourceOut,
    ErrorOut,
    PageQuery,
    page_of,
)
from clonacare.api.security import caller
from clonacare.assessments.access import (
    access_alert_by_id,
    alerts_visible_to,
    shows_acknowledgement_note,
)
from clonacare.assessments.actions import (
    SeizureReportRefused,
    crisis_resources,
    do_acknowledge_alert,
    do_report_seizure,
)
from clonacare.assessments.models import SafetyAlert, SeizureReport
from clonacare.assessments.notice import what_the_patient_is_told
from clonacare.audit.log import Actor
from clonacare.patients.access import access_patient_by_id, list_patients
from clonacare.patients.models import Patient

router = Router(tags=["Safety alerts"])


class AlertOut(Schema):
    id: int
    patient_id: int
    code: str
    message: str
    source: str = Field(..., description="Where the alert rule comes from.")
    raised_at: dt.datetime
    open: bool
    assessment_id: int | None = Field(..., description="The instrument response that raised it.")
    level_of_care_id: int | None = Field(..., description="The level-of-care assessment.")
    acknowledged_by: str | None = Field(
        ..., description="Who acknowledged it; null while open, and always for a patient."
    )
    acknowledged_at: dt.datetime | None
    acknowledgement_note: str = Field(
        ..., description="What was done about it; empty for a patient (the care team's note)."
    )
    trigger: str = Field(
        ...,
        description="Which answer raised it: the item and its answer, the level-of-care "
        "reason, or the patient's seizure report; empty when not recorded.",
    )
    seizure_report_id: int | None = Field(..., description="The patient's seizure report.")
    repeats: int = Field(..., description="Times it was raised again while open (joined).")
    last_raised_at: dt.datetime | None = Field(..., description="The newest repeat.")
    last_trigger: str = Field(..., description="Which answer raised the newest repeat.")
    notified_at: dt.datetime | None = Field(
        ..., description="When the care team's mails were queued (the escalation clock starts)."
    )
    escalated_at: dt.datetime | None = Field(
        ..., description="When it was sent to the on-call address and the program admins."
    )

    @staticmethod
    def resolve_open(alert: SafetyAlert) -> bool:
        return alert.is_open

    @staticmethod
    def resolve_assessment_id(alert: SafetyAlert) -> int | None:
        return alert.response_id

    @staticmethod
    def resolve_acknowledged_by(alert: SafetyAlert, context: dict[str, Any]) -> str | None:
        if alert.acknowledged_by is None or not shows_acknowledgement_note(_actor(context)):
            return None
        return alert.acknowledged_by.get_username()

    @staticmethod
    def resolve_acknowledgement_note(alert: SafetyAlert, context: dict[str, Any]) -> str:
        return alert.acknowledgement_note if shows_acknowledgement_note(_actor(context)) else ""


def _actor(context: dict[str, Any]) -> Actor:
    return caller(context["request"]).actor


class AlertPage(Schema):
    items: list[AlertOut]
    count: int


class AlertQuery(PageQuery):
    open: bool | None = Field(None, description="true: only open alerts; false: only closed.")


class AcknowledgeIn(Schema):
    note: str = Field(
        "",
        description="What was done about it: required, not empty, at most 400 characters "
        "(a longer one is refused, never cut).",
    )


class SeizureReportIn(Schema):
    # Loose on purpose: any report raises ``seizure`` first, and a bad field is refused
    # after (do_report_seizure), with the alert and the crisis resources.
    happening_now: Any = Field(
        None,
        description="true: the seizure is happening now; false: it has stopped. Missing "
        "or anything else: treated as possibly happening now, and refused after the "
        "alert is raised.",
    )
    note: Any = Field("", description="What happened (optional, at most 400 characters).")


class SeizureReportOut(Schema):
    id: int
    patient_id: int
    happening_now: bool | None = Field(..., description="null: not said.")
    reported_at: dt.datetime
    alert: AlertOut | None = Field(
        ...,
        description="The alert it raised, or the open one it joined; null when it joined "
        "an alert the care team raised from a clinician's record, which the patient does "
        "not see.",
    )
    what_happens: list[str] = Field(
        ..., description="What the patient is told happens next, each sentence true of the alert."
    )
    crisis_resources: list[CrisisResourceOut]


class SeizureRefusalOut(SeizureReportOut):
    detail: str = Field(..., description="The field that was refused; the report is stored.")


def _alerts(actor: Actor, patients: QuerySet[Patient], filters: AlertQuery) -> Any:
    alerts = alerts_visible_to(actor, patients).select_related(
        "acknowledged_by", "response", "level_of_care"
    )
    if filters.open is not None:
        alerts = alerts.filter(acknowledged_at__isnull=filters.open)
    return alerts


@router.get(
    "/alerts", response={200: AlertPage, **READ_ERRORS}, summary="Alerts of all your patients"
)
def all_alerts(request: HttpRequest, filters: Query[AlertQuery]) -> dict[str, object]:
    """The alerts of every patient you may see, newest first (``?open=true``: open only).
    A patient gets those their own questionnaires raised, without the care team's note."""
    actor = caller(request).actor
    patients = list_patients(actor, purpose="alerts.list")
    return page_of(_alerts(actor, patients, filters), filters)


@router.get(
    "/patients/{int:patient_id}/alerts",
    response={200: AlertPage, **READ_ERRORS},
    summary="A patient's safety alerts",
)
def patient_alerts(
    request: HttpRequest, patient_id: int, filters: Query[AlertQuery]
) -> dict[str, object]:
    """A patient calling for their own record gets the alerts their questionnaires raised,
    without the care team's note."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="alerts.list")
    return page_of(_alerts(actor, Patient.objects.filter(pk=patient.pk), filters), filters)


@router.post(
    "/alerts/{int:alert_id}/acknowledge",
    response={200: AlertOut, 409: ErrorOut, **WRITE_ERRORS},
    summary="Acknowledge an open alert",
)
def acknowledge(request: HttpRequest, alert_id: int, payload: AcknowledgeIn) -> SafetyAlert:
    """Clinical staff on the patient's care team only (403 for others who can see it);
    409 when it has already been acknowledged."""
    actor = caller(request).actor
    alert = access_alert_by_id(actor, alert_id, purpose="alerts.write")
    return do_acknowledge_alert(actor, alert, note=payload.note, now=timezone.now())


@router.post(
    "/patients/{int:patient_id}/seizure-reports",
    response={201: SeizureReportOut, **WRITE_ERRORS, 400: SeizureRefusalOut | ErrorOut},
    summary="Report a seizure (the patient)",
)
def report_seizure(
    request: HttpRequest, patient_id: int, payload: SeizureReportIn
) -> Status[dict[str, object]]:
    """The patient reports a seizure on their own record: raises ``seizure`` at once
    and emails the care team (or joins their open ``seizure`` alert). 403 for anyone
    but the patient. A seizure happening now: call emergency services first. Any report
    raises the alert: a missing or unreadable ``happening_now`` is stored as not said
    (possibly happening now), a bad note is left out; then 400 names the field, with
    the stored report, its alert, the crisis resources and ``what_happens``."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="seizure-reports.write")
    now = timezone.now()
    try:
        report, alert = do_report_seizure(
            actor, patient, happening_now=payload.happening_now, note=payload.note, now=now
        )
    except SeizureReportRefused as refused:
        body = _report_body(actor, patient, refused.report, refused.alert, now)
        return Status(400, {"detail": refused.message, **body})
    return Status(201, _report_body(actor, patient, report, alert, now))


def _report_body(
    actor: Actor, patient: Patient, report: SeizureReport, alert: SafetyAlert, now: dt.datetime
) -> dict[str, object]:
    return {
        "id": report.pk,
        "patient_id": patient.pk,
        "happening_now": report.happening_now,
        "reported_at": report.reported_at,
        "alert": alerts_visible_to(actor, Patient.objects.filter(pk=patient.pk))
        .select_related("acknowledged_by")
        .filter(pk=alert.pk)
        .first(),
        "what_happens": what_the_patient_is_told(
            [alert], now, seizure_report=report, possibly_now=report.happening_now is None
        ),
        "crisis_resources": [r.as_dict() for r in crisis_resources().resources],
    }
