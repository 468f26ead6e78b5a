"""``/patients/{id}/safety-plan``: the patient's personal safety plan (docs/safety-plan.md).

``GET`` answers the plan in force (or an earlier version with ``?version=``), the
program's crisis lines beside it and the history of versions; ``PUT`` saves the whole
plan as its next version. Whoever may see the record reads it; a prescriber, nurse or
counsellor on the care team writes it with the patient, and the patient adds to it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from clonacare.api.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut
from clonacare.api.security import caller
from clonacare.audit.log import Actor
from clonacare.patients.access import access_patient_by_id
from clonacare.patients.models import Patient
from clonacare.therapy.access import access_safety_plan_version, safety_plan_versions
from clonacare.therapy.actions import do_save_safety_plan
from clonacare.therapy.models import SafetyPlanVersion
from clonacare.therapy.safety_plan import SECTIONS, changed_sections, crisis_lines

router = Router(tags=["Safety plan"])


class CrisisLineOut(Schema):
    name: str
    contact: str
    how: str
    tel: str


class SafetyPlanSectionOut(Schema):
    id: str
    title: str
    contact: bool = Field(
        ..., description='Entries are people or services: {"name": ..., "reach": ...}.'
    )
    optional: bool
    entries: list[Any]


class VersionOut(Schema):
    version: int
    saved_by: str
    role: str
    by_patient: bool = Field(
        ..., description="Added by the patient on their own; false: written with a clinician."
    )
    saved_at: dt.datetime
    sections_changed: list[str] = Field(
        ..., description="The sections that differ from the version before."
    )


class SafetyPlanOut(Schema):
    patient_id: int
    version: int | None = Field(..., description="null while the patient has no plan yet.")
    saved_by: str | None
    role: str | None
    by_patient: bool | None
    saved_at: dt.datetime | None
    sections: list[SafetyPlanSectionOut]
    crisis_lines: list[CrisisLineOut] = Field(
        ..., description="The program's crisis lines, always shown with the plan; not stored."
    )
    history: list[VersionOut] = Field(..., description="Every version, newest first.")


class SafetyPlanIn(Schema):
    model_config = ConfigDict(extra="forbid")

    sections: dict[str, Any] = Field(
        ...,
        description="Section id to its list of entries: text, or for people-to-ask and "
        'professionals {"name": ..., "reach": ...}. A section left out is saved empty.',
    )
    based_on: int | None = Field(
        None,
        description="The version the writer had open (0 for none): a newer one saved in "
        "between is a 409. Left out: not checked.",
    )


class VersionQuery(Schema):
    version: int | None = Field(None, ge=1, description="An earlier version by its number.")


def _history(versions: list[SafetyPlanVersion]) -> list[dict[str, object]]:
    """Each version (newest first) with what changed from the one before it."""
    rows = []
    for i, v in enumerate(versions):
        before = versions[i + 1].content if i + 1 < len(versions) else None
        rows.append(
            {
                "version": v.number,
                "saved_by": v.saved_by.get_username(),
                "role": v.role,
                "by_patient": v.by_patient,
                "saved_at": v.saved_at,
                "sections_changed": changed_sections(before, v.content),
            }
        )
    return rows


def _answer(patient: Patient, shown: SafetyPlanVersion | None) -> dict[str, object]:
    versions = list(safety_plan_versions(patient))
    content = shown.content if shown is not None else {}
    return {
        "patient_id": patient.pk,
        "version": shown.number if shown else None,
        "saved_by": shown.saved_by.get_username() if shown else None,
        "role": shown.role if shown else None,
        "by_patient": shown.by_patient if shown else None,
        "saved_at": shown.saved_at if shown else None,
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                "contact": s.contact,
                "optional": s.optional,
                "entries": content.get(s.id, []),
            }
            for s in SECTIONS
        ],
        "crisis_lines": [r.as_dict() for r in crisis_lines()],
        "history": _history(versions),
    }


def _shown(actor: Actor, patient: Patient, number: int | None) -> SafetyPlanVersion | None:
    if number is None:
        return safety_plan_versions(patient).first()
    return access_safety_plan_version(actor, patient, number, purpose="safety-plan.view")


@router.get(
    "/patients/{int:patient_id}/safety-plan",
    response={200: SafetyPlanOut, **READ_ERRORS},
    summary="A patient's safety plan, its crisis lines and its versions",
)
def safety_plan(
    request: HttpRequest, patient_id: int, query: Query[VersionQuery]
) -> dict[str, object]:
    """The plan in force, or version ``?version=N`` (404 for one the plan does not
    have). A patient without a plan gets ``version: null``, empty sections and the
    crisis lines."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="safety-plan.view")
    return _answer(patient, _shown(actor, patient, query.version))


@router.put(
    "/patients/{int:patient_id}/safety-plan",
    response={200: SafetyPlanOut, **WRITE_ERRORS, 409: ErrorOut},
    summary="Save the safety plan as its next version",
)
def save_safety_plan(
    request: HttpRequest, patient_id: int, payload: SafetyPlanIn
) -> dict[str, object]:
    """A prescriber, nurse or counsellor on the care team writes it with the patient;
    the patient adds to a plan that exists (409 before the first version). 403 for
    anyone else who can see the record. Earlier versions are kept."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="safety-plan.write")
    stored = do_save_safety_plan(
        actor, patient, content=payload.sections, based_on=payload.based_on, now=timezone.now()
    )
    return _answer(patient, safety_plan_versions(patient).get(pk=stored.pk))
