"""What another program sent, as people read it on the clinic's record page: its plans
(``outside_plans_of``), and the scores and consents kept as received
(``received_records_of``).

It reads the resources as they were received and checks no access: the caller has
passed the record's gate. Nothing here treats a plan as a Clonacare plan, a score as
answered here or a consent as covering this program's disclosures; the page says
where each came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from clonacare.core.fhir import record as fhir
from clonacare.exchange.models import OutsidePlan, ReceivedResource
from clonacare.patients.models import Patient

# The record's dose times, in the order of a day, by their FHIR event-timing code.
_DAY_ORDER = list(fhir.EVENT_TIMING.values())


@dataclass(frozen=True)
class OutsideStep:
    """One step of a received request: its text, first and last day, and the doses
    ("morning 5 mg") as sent. Days are None when the sender gave none."""

    text: str
    first_day: str | None
    last_day: str | None
    doses: tuple[str, ...]


@dataclass(frozen=True)
class OutsideRequest:
    medication: str
    status: str
    steps: tuple[OutsideStep, ...]


@dataclass(frozen=True)
class OutsidePlanView:
    received_from: str
    imported_at: dt.datetime
    title: str
    status: str
    period_start: str | None
    period_end: str | None
    author: str
    notes: tuple[str, ...]
    requests: tuple[OutsideRequest, ...]


def _dose(dosage: Mapping[str, Any]) -> tuple[int, str]:
    """The dose's place in the day and its words, e.g. (0, "morning 5 mg")."""
    when = ((dosage.get("timing") or {}).get("repeat") or {}).get("when") or []
    code = when[0] if when else ""
    time = fhir.DOSE_TIME_OF_EVENT.get(code, code or "at a time not given")
    quantity = ((dosage.get("doseAndRate") or [{}])[0]).get("doseQuantity") or {}
    amount = quantity.get("value")
    unit = quantity.get("unit") or quantity.get("code") or ""
    words = f"{time} {amount:g} {unit}".strip() if isinstance(amount, int | float) else time
    order = _DAY_ORDER.index(code) if code in _DAY_ORDER else len(_DAY_ORDER)
    return order, words


def _steps(request: Mapping[str, Any]) -> tuple[OutsideStep, ...]:
    """The request's Dosages grouped by ``sequence`` (concurrent instructions), in order."""
    groups: dict[object, list[Mapping[str, Any]]] = {}
    for n, dosage in enumerate(request.get("dosageInstruction") or []):
        groups.setdefault(dosage.get("sequence", f"#{n}"), []).append(dosage)
    steps = []
    for dosages in groups.values():
        first = dosages[0]
        bounds = ((first.get("timing") or {}).get("repeat") or {}).get("boundsPeriod") or {}
        steps.append(
            OutsideStep(
                text=str(first.get("text") or ""),
                first_day=bounds.get("start"),
                last_day=bounds.get("end"),
                doses=tuple(words for _, words in sorted(_dose(d) for d in dosages)),
            )
        )
    return tuple(steps)


def _medication(request: Mapping[str, Any]) -> str:
    concept = request.get("medicationCodeableConcept") or {}
    coding = (concept.get("coding") or [{}])[0]
    reference = (request.get("medicationReference") or {}).get("display")
    return str(concept.get("text") or coding.get("display") or coding.get("code") or reference)


def outside_plans_of(patient: Patient) -> list[OutsidePlanView]:
    """``patient``'s outside plans, oldest import first, as the page shows them; [] for
    a record without one."""
    views = []
    for plan in OutsidePlan.objects.filter(patient=patient):
        care_plan = plan.care_plan
        period = care_plan.get("period") or {}
        views.append(
            OutsidePlanView(
                received_from=plan.received_from,
                imported_at=plan.imported_at,
                title=str(care_plan.get("title") or "A plan without a title"),
                status=str(care_plan.get("status", "")),
                period_start=period.get("start"),
                period_end=period.get("end"),
                author=str((care_plan.get("author") or {}).get("display") or "not named"),
                notes=tuple(str(n.get("text", "")) for n in care_plan.get("note") or []),
                requests=tuple(
                    OutsideRequest(
                        medication=_medication(r),
                        status=str(r.get("status", "")),
                        steps=_steps(r),
                    )
                    for r in plan.medication_requests
                ),
            )
        )
    return views


@dataclass(frozen=True)
class ReceivedScore:
    """A score (an Observation) as sent: what was measured, the value and band, the day."""

    received_from: str
    measured: str
    value: str
    band: str
    on: str


@dataclass(frozen=True)
class ReceivedConsent:
    """A consent given to the sending program, as sent."""

    received_from: str
    to_whom: str
    purpose: str
    signed_on: str
    status: str
    until: str


def _score(item: ReceivedResource) -> ReceivedScore:
    resource = item.resource
    code = resource.get("code") or {}
    coding = (code.get("coding") or [{}])[0]
    if "valueInteger" in resource:
        value = str(resource["valueInteger"])
    elif "valueQuantity" in resource:
        quantity = resource["valueQuantity"]
        value = f"{quantity.get('value', '')} {quantity.get('unit', '')}".strip()
    else:
        value = str(resource.get("valueString", ""))
    return ReceivedScore(
        received_from=item.received_from,
        measured=str(code.get("text") or coding.get("display") or coding.get("code") or ""),
        value=value,
        band=str(((resource.get("interpretation") or [{}])[0]).get("text", "")),
        on=str(resource.get("effectiveDateTime", ""))[:10],
    )


def _consent(item: ReceivedResource) -> ReceivedConsent:
    resource = item.resource
    provision = resource.get("provision") or {}
    actor = ((provision.get("actor") or [{}])[0]).get("reference") or {}
    purpose = (provision.get("purpose") or [{}])[0]
    return ReceivedConsent(
        received_from=item.received_from,
        to_whom=str(actor.get("display", "")),
        purpose=str(purpose.get("display") or purpose.get("code") or ""),
        signed_on=str(resource.get("dateTime", ""))[:10],
        status=str(resource.get("status", "")),
        until=str((provision.get("period") or {}).get("end", "")),
    )


def received_records_of(
    patient: Patient,
) -> tuple[list[ReceivedScore], list[ReceivedConsent]]:
    """``patient``'s scores (Observations) and consents kept as received, in the order
    they came; two empty lists for a record without any."""
    scores: list[ReceivedScore] = []
    consents: list[ReceivedConsent] = []
    kinds = ("Observation", "Consent")
    for item in ReceivedResource.objects.filter(patient=patient, resource_type__in=kinds):
        if item.resource_type == "Observation":
            scores.append(_score(item))
        else:
            consents.append(_consent(item))
    return scores, consents
