"""Writes for assessments: each action validates, writes and audits in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from clonacare.accounts.models import Role
from clonacare.assessments.models import InstrumentResponse, LevelOfCareAssessment, SafetyAlert
from clonacare.audit.log import Actor, record
from clonacare.core.assessment import assess, load_settings, parse_assessment
from clonacare.core.crisis import CrisisResources, load_crisis_resources
from clonacare.core.drugs import equivalence_table
from clonacare.core.errors import ClinicalError
from clonacare.core.instruments import (
    Alert,
    Instrument,
    incomplete_message,
    instrument,
    score,
    shipped_ids,
)
from clonacare.patients.access import may_record_clinical_data
from clonacare.patients.models import Patient


class IncompleteResponse(ClinicalError):
    """An incomplete form: no total, nothing stored, except the safety alerts that the
    answers given already fired (stored, and carried here with the crisis resources so
    the page or the API shows them whatever else it says)."""

    def __init__(
        self,
        message: str,
        *,
        alerts: tuple[dict[str, str], ...],
        crisis_resources: tuple[dict[str, str], ...],
    ) -> None:
        super().__init__("incomplete", message)
        self.alerts = alerts
        self.crisis_resources = crisis_resources


def crisis_resources() -> CrisisResources:
    return load_crisis_resources(settings.CRISIS_FILE or None)


def is_self_report(definition: Instrument) -> bool:
    """Every item is answered by the patient (PHQ-9, GAD-7, ASQ, SDS)."""
    return all(item.rater == "self" for item in definition.items)


def instruments_for(actor: Actor) -> list[Instrument]:
    """The shipped instruments ``actor`` may complete: patients self-report ones only."""
    definitions = [instrument(i) for i in shipped_ids()]
    if actor.role == Role.PATIENT:
        return [d for d in definitions if is_self_report(d)]
    if may_record_clinical_data(actor):
        return definitions
    return []


def _signed_in(actor: Actor) -> int:
    """The acting user's id; an anonymous actor writes nothing."""
    if actor.user_id is None:
        raise ClinicalError("not-allowed", "Sign in to record assessments.")
    return actor.user_id


def _raise_alerts(
    actor: Actor,
    patient: Patient,
    alerts: Sequence[Alert],
    now: dt.datetime,
    *,
    response: InstrumentResponse | None = None,
    level_of_care: LevelOfCareAssessment | None = None,
) -> None:
    """Store each alert the core fired, for the care team, and audit it."""
    for fired in alerts:
        alert = SafetyAlert.objects.create(
            patient=patient,
            code=fired.code,
            message=fired.message,
            response=response,
            level_of_care=level_of_care,
            raised_at=now,
        )
        record(actor, "alert.raise", patient=patient, target=alert, detail={"code": fired.code})


def _declared_conditions(definition: Instrument, conditions: Collection[str]) -> frozenset[str]:
    """``conditions`` as a set, each one declared by ``definition``; ClinicalError
    ("unknown-condition") names the first that is not, and the ones it declares."""
    if isinstance(conditions, str):  # one id, not its letters
        conditions = (conditions,)
    declared = sorted(c.id for c in definition.conditions)
    for condition in conditions:
        if condition not in declared:
            takes = (
                f"choose from: {', '.join(declared)}"
                if declared
                else f"{definition.id} declares no conditions"
            )
            raise ClinicalError(
                "unknown-condition",
                f"Unknown condition {condition!r} for {definition.id}; {takes}.",
            )
    return frozenset(conditions)


def do_submit_response(
    actor: Actor,
    patient: Patient,
    instrument_id: str,
    answers: Mapping[str, Any],
    *,
    now: dt.datetime,
    conditions: Collection[str] = (),
) -> InstrumentResponse:
    """Score and store one completed instrument, raising its safety alerts.

    ``conditions`` are ids of circumstances the instrument declares (``taken-as-prescribed``
    for dsm5-sud); they are stored with the response. Refuses (ClinicalError, nothing
    written) an instrument the actor may not complete, then a condition the instrument
    does not declare (``unknown-condition``, naming it), an answer that is not one of an
    item's options, and an incomplete form.
    """
    user_id = _signed_in(actor)
    allowed = {d.id: d for d in instruments_for(actor)}
    if not allowed:
        raise ClinicalError(
            "not-allowed", "Only patients and clinical staff submit questionnaires."
        )
    if instrument_id not in allowed:
        if instrument_id in shipped_ids():
            raise ClinicalError(
                "not-allowed", f"{instrument_id} is completed by a clinician, not by the patient."
            )
        raise ClinicalError(
            "unknown-instrument",
            f"Unknown instrument {instrument_id!r}; choose one of: {', '.join(sorted(allowed))}.",
        )
    definition = allowed[instrument_id]
    applied = _declared_conditions(definition, conditions)
    crisis = crisis_resources()
    result = score(
        definition,
        {k: (None if v in ("", None) else str(v)) for k, v in answers.items()},
        crisis=crisis,
        settings=load_settings().instrument_settings(),
        conditions=applied,
    )
    if not result.complete:
        if result.alerts:
            # Safety first: the answers given already call for a safety alert. The
            # incomplete response is not stored, but the alert is, for the care team.
            with transaction.atomic():
                _raise_alerts(actor, patient, result.alerts, now)
        raise IncompleteResponse(
            incomplete_message(definition, result.missing),
            alerts=tuple(a.as_dict() for a in result.alerts),
            crisis_resources=tuple(r.as_dict() for r in result.crisis_resources),
        )
    with transaction.atomic():
        response = InstrumentResponse.objects.create(
            patient=patient,
            instrument=definition.id,
            answers={k: str(v) for k, v in answers.items() if v not in ("", None)},
            complete=True,
            total=result.total,
            band=result.band or "",
            result=result.as_dict(),
            conditions=sorted(applied),
            self_reported=actor.role == Role.PATIENT,
            entered_by_id=user_id,
            submitted_at=now,
        )
        _raise_alerts(actor, patient, result.alerts, now, response=response)
        record(
            actor,
            "assessment.submit",
            patient=patient,
            target=response,
            detail={
                "instrument": definition.id,
                "total": result.total,
                "band": result.band,
                "conditions": sorted(applied),
            },
        )
    return response


def do_record_level_of_care(
    actor: Actor, patient: Patient, data: Mapping[str, Any], *, equivalence: str, now: dt.datetime
) -> LevelOfCareAssessment:
    """Evaluate an assessment record with the core and store it with its reasons.

    Refuses (ClinicalError naming the field, nothing written) a malformed record, and
    actors who are not clinical staff.
    """
    user_id = _signed_in(actor)
    if not may_record_clinical_data(actor):
        raise ClinicalError("not-allowed", "Only clinical staff record a level-of-care assessment.")
    parsed = parse_assessment(dict(data))
    result = assess(
        parsed,
        table=equivalence_table(equivalence),
        settings=load_settings(),
        crisis=crisis_resources(),
    )
    with transaction.atomic():
        assessment = LevelOfCareAssessment.objects.create(
            patient=patient,
            record={k: float(v) if isinstance(v, Decimal) else v for k, v in data.items()},
            level=result.level,
            withdrawal_risk=result.withdrawal.level,
            result=result.as_dict(),
            assessed_by_id=user_id,
            assessed_at=now,
        )
        _raise_alerts(actor, patient, result.alerts, now, level_of_care=assessment)
        record(
            actor,
            "level-of-care.record",
            patient=patient,
            target=assessment,
            detail={"level": result.level, "withdrawal_risk": result.withdrawal.level},
        )
    return assessment


def do_acknowledge_alert(
    actor: Actor, alert: SafetyAlert, *, note: str, now: dt.datetime
) -> SafetyAlert:
    """A clinician acknowledges an open alert; refuses patients and closed alerts.

    Refused (``already-acknowledged``) also when another clinician acknowledged it a
    moment earlier: the acknowledgement is written only on an alert that has none, so
    the first one's name, time and note stand and it is audited once.
    """
    if not may_record_clinical_data(actor):
        raise ClinicalError("not-allowed", "Only clinical staff acknowledge safety alerts.")
    already = ClinicalError("already-acknowledged", "This alert has already been acknowledged.")
    if not alert.is_open:
        raise already
    with transaction.atomic():
        acknowledged = SafetyAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
            acknowledged_by_id=actor.user_id, acknowledged_at=now, acknowledgement_note=note[:400]
        )
        if not acknowledged:
            raise already
        alert.acknowledged_by_id = actor.user_id
        alert.acknowledged_at = now
        alert.acknowledgement_note = note[:400]
        record(actor, "alert.acknowledge", patient=alert.patient, target=alert)
    return alert
