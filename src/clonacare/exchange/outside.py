"""Outside plans as people read them: what the clinic's record page shows of a plan
received from another program (``outside_plans_of``).

It reads the CarePlan and MedicationRequests as they were received and checks no
access: the caller has passed the record's gate. Nothing here treats the plan as a
Clonacare plan; the page says where it came from and that nobody here approved it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from clonacare.core.fhir import record as fhir
from clonacare.exchange.models import OutsidePlan
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
