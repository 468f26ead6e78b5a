"""Medications and taper plans as FHIR R4B resources: MedicationStatement (what the
patient takes), MedicationRequest (the plan's doses with their timing) and CarePlan
(the plan, its activities and revisions). Pure: no Django.

The record's dose times are FHIR event-timing codes (http://hl7.org/fhir/event-timing)
and doses are in UCUM mg. Drugs carry Clonacare's own ``urn:clonacare:drug`` codes: the
clinical reference gives no RxNorm codes (docs/fhir.md, "Not mapped").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.medicationstatement import MedicationStatement

from clonacare.core.errors import ClinicalError
from clonacare.core.fhir.common import aware, validated
from clonacare.core.fhir.resources import CODE_SYSTEM_BASE

UCUM_SYSTEM = "http://unitsofmeasure.org"
DRUG_SYSTEM = f"{CODE_SYSTEM_BASE}:drug"
PLAN_IDENTIFIER_SYSTEM = f"{CODE_SYSTEM_BASE}:taper-plan"

# The record's dose times as FHIR event timing codes (http://hl7.org/fhir/event-timing).
EVENT_TIMING = {"morning": "MORN", "midday": "NOON", "evening": "EVE", "night": "NIGHT"}
DOSE_TIME_OF_EVENT = {code: time for time, code in EVENT_TIMING.items()}


def _drug_concept(drug: str, text: str | None = None) -> dict[str, Any]:
    return {"coding": [{"system": DRUG_SYSTEM, "code": drug}], "text": text or drug}


def _mg(amount: float) -> dict[str, Any]:
    return {"value": amount, "unit": "mg", "system": UCUM_SYSTEM, "code": "mg"}


@dataclass(frozen=True)
class TimedDose:
    """A dose at one of the record's dose times (morning, midday, evening, night)."""

    time: str
    mg: float


def _dosage(
    dose: TimedDose,
    *,
    sequence: int | None = None,
    period: Mapping[str, str] | None = None,
    text: str | None = None,
) -> dict[str, Any]:
    if dose.time not in EVENT_TIMING:
        raise ClinicalError("fhir-code", f"{dose.time!r} is not a dose time.")
    repeat: dict[str, Any] = {
        "frequency": 1,
        "period": 1,
        "periodUnit": "d",
        "when": [EVENT_TIMING[dose.time]],
    }
    if period is not None:
        repeat["boundsPeriod"] = dict(period)
    dosage: dict[str, Any] = {
        "timing": {"repeat": repeat},
        "doseAndRate": [{"doseQuantity": _mg(dose.mg)}],
    }
    if sequence is not None:
        dosage = {"sequence": sequence, **dosage}
    if text:
        dosage = {"text": text, **dosage}
    return dosage


def benzodiazepine_statement(
    rid: str,
    *,
    subject: Mapping[str, str],
    drug: str,
    doses: Sequence[TimedDose],
    since: dt.date,
    ended_on: dt.date | None,
    prescriber: str,
) -> dict[str, Any]:
    """A benzodiazepine use as a MedicationStatement: ``active`` while current, else
    ``completed``; each dose time a Dosage with its event-timing code."""
    period: dict[str, str] = {"start": since.isoformat()}
    if ended_on is not None:
        period["end"] = ended_on.isoformat()
    resource: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": rid,
        "status": "active" if ended_on is None else "completed",
        "category": {"text": "benzodiazepine"},
        "medicationCodeableConcept": _drug_concept(drug),
        "subject": dict(subject),
        "effectivePeriod": period,
        "dosage": [_dosage(d) for d in doses],
    }
    if prescriber:
        resource["informationSource"] = {"display": prescriber}
    return validated(MedicationStatement, resource)


def medication_statement(
    rid: str,
    *,
    subject: Mapping[str, str],
    name: str,
    drug: str,
    dose: str,
    reason: str,
    started_on: dt.date | None,
    ended_on: dt.date | None,
) -> dict[str, Any]:
    """Another medication as a MedicationStatement; its dose is free text on the record."""
    concept: dict[str, Any] = {"text": name}
    if drug:
        concept["coding"] = [{"system": DRUG_SYSTEM, "code": drug}]
    resource: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": rid,
        "status": "active" if ended_on is None else "completed",
        "medicationCodeableConcept": concept,
        "subject": dict(subject),
    }
    if started_on is not None or ended_on is not None:
        period = {}
        if started_on is not None:
            period["start"] = started_on.isoformat()
        if ended_on is not None:
            period["end"] = ended_on.isoformat()
        resource["effectivePeriod"] = period
    if dose:
        resource["dosage"] = [{"text": dose}]
    if reason:
        resource["reasonCode"] = [{"text": reason}]
    return validated(MedicationStatement, resource)


def _last_day(step: Mapping[str, Any]) -> str:
    # The plan's "end" is the first day of the next step; FHIR periods include their end.
    return (dt.date.fromisoformat(step["end"]) - dt.timedelta(days=1)).isoformat()


def plan_drugs(plan: Mapping[str, Any]) -> list[str]:
    """The drugs a plan doses, in the order they first appear."""
    drugs: list[str] = []
    for step in plan["steps"]:
        for dose in step["doses"]:
            if dose["drug"] not in drugs:
                drugs.append(dose["drug"])
    return drugs


def medication_request(
    rid: str,
    *,
    subject: Mapping[str, str],
    plan: Mapping[str, Any],
    drug: str,
    requester: Mapping[str, str] | None,
    authored_on: dt.datetime,
    status: str,
    intent: str,
    based_on: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The doses of one drug of a taper plan as a MedicationRequest.

    One Dosage per step and dose time: ``sequence`` is the step number plus one (the
    Dosages of a step share it), ``timing.repeat`` is once a day at the dose time's
    event-timing code, within ``boundsPeriod`` (the step's first and last day, both
    included). A step of no days (the stop) has no Dosage. Raises ClinicalError when the
    plan does not dose ``drug``.
    """
    dosages = [
        _dosage(
            TimedDose(dose["time"], float(dose["mg"])),
            sequence=int(step["number"]) + 1,
            period={"start": step["start"], "end": _last_day(step)},
            text=f"step {step['number']} ({step['kind']})",
        )
        for step in plan["steps"]
        if int(step["days"]) > 0
        for dose in step["doses"]
        if dose["drug"] == drug
    ]
    if not dosages:
        raise ClinicalError("fhir-code", f"The plan has no dose of {drug}.")
    resource: dict[str, Any] = {
        "resourceType": "MedicationRequest",
        "id": rid,
        "status": status,
        "intent": intent,
        "medicationCodeableConcept": _drug_concept(drug),
        "subject": dict(subject),
        "authoredOn": aware(authored_on, "authored_on"),
        "dosageInstruction": dosages,
    }
    if requester is not None:
        resource["requester"] = dict(requester)
    if based_on is not None:
        resource["basedOn"] = [dict(based_on)]
    return validated(MedicationRequest, resource)


def care_plan(
    rid: str,
    *,
    subject: Mapping[str, str],
    plan: Mapping[str, Any],
    plan_identifier: str,
    requests: Sequence[Mapping[str, str]],
    author: Mapping[str, str] | None,
    created: dt.datetime,
    status: str,
) -> dict[str, Any]:
    """A taper plan as a CarePlan: its period, one activity per MedicationRequest, and
    each revision (the drafted plan is revision 1) as a note in order."""
    start = plan["steps"][0]["start"]
    notes = [
        {
            "text": f"Revision {r['revision']} on {r['on']}: {r['action']}"
            + (f" ({r['reason']})" if r.get("reason") else "")
        }
        for r in plan.get("revisions", [])
    ]
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": rid,
        "identifier": [{"system": PLAN_IDENTIFIER_SYSTEM, "value": plan_identifier}],
        "status": status,
        "intent": "plan",
        "title": f"{plan['drug']} taper plan"
        + (
            f", switching to {plan['taper_drug']}"
            if plan.get("taper_drug") not in (None, plan["drug"])
            else ""
        ),
        "subject": dict(subject),
        "period": {"start": start, "end": plan["end_date"]},
        "created": aware(created, "created"),
        "activity": [{"reference": dict(r)} for r in requests],
    }
    if author is not None:
        resource["author"] = dict(author)
    if notes:
        resource["note"] = notes
    return validated(CarePlan, resource)
