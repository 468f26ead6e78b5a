"""``/patients/{id}/level-of-care``: the assessment record behind a level of care."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import BaseModel, ConfigDict, create_model

from clonacare.api.schemas import READ_ERRORS, WRITE_ERRORS, PageQuery, page_of
from clonacare.api.security import caller
from clonacare.assessments.access import level_of_care_visible_to
from clonacare.assessments.actions import do_record_level_of_care
from clonacare.assessments.models import LevelOfCareAssessment
from clonacare.core.assessment import (
    FIELDS,
    INDICATIONS,
    OPIOID_AGONIST_TREATMENTS,
    OPTIONAL,
    SUICIDE_SCREENS,
)
from clonacare.core.drugs import EQUIVALENCE_TABLES
from clonacare.patients.access import access_patient_by_id
from clonacare.patients.models import Patient

router = Router(tags=["Level of care"])

# How each kind of field of the core's assessment record reads in the OpenAPI document.
# The core (parse_assessment) does the validating, with its own messages, so that the
# API and `clonacare assess` accept exactly the same records.
_KIND_SCHEMA: dict[str, dict[str, Any]] = {
    "text": {"type": "string", "description": "The benzodiazepine (e.g. clonazepam)."},
    "positive": {"type": "number", "exclusiveMinimum": 0},
    "days": {"type": "number", "exclusiveMinimum": 0, "maximum": 7},
    "non-negative": {"type": "number", "minimum": 0},
    "indication": {"type": "string", "enum": list(INDICATIONS)},
    "bool": {"type": "boolean"},
    "suicide_screen": {"type": "string", "enum": list(SUICIDE_SCREENS)},
    "count": {"type": "integer", "minimum": 0},
    "opioid_agonist_treatment": {
        "type": "string",
        "enum": list(OPIOID_AGONIST_TREATMENTS),
        "description": "Methadone or buprenorphine the patient takes (default: none).",
    },
    "benzodiazepines": {
        "type": "array",
        "minItems": 1,
        "description": "Instead of drug and daily_dose_mg: every benzodiazepine taken, each "
        "drug once; an entry without an indication has the record's.",
        "items": {
            "type": "object",
            "required": ["drug", "daily_dose_mg"],
            "properties": {
                "drug": {"type": "string"},
                "daily_dose_mg": {"type": "number", "exclusiveMinimum": 0},
                "indication": {"type": "string", "enum": list(INDICATIONS)},
            },
            "additionalProperties": False,
        },
    },
}
# Fields a body may leave out: the one-drug fields (when it gives `benzodiazepines`),
# the list, and the fields added after the first release (each with a safe default).
_NOT_REQUIRED = {*OPTIONAL, "benzodiazepines", "drug", "daily_dose_mg"}


def _field(name: str, kind: str) -> tuple[Any, Any]:
    # Not required here: the core names every missing field, in its own words (one
    # message for the page, the API and the CLI); the document says what is required.
    extra = dict(_KIND_SCHEMA[kind])
    if name in OPTIONAL:
        extra["default"] = OPTIONAL[name]
    return (Any, Field(None, json_schema_extra=extra))


def _required(schema: dict[str, Any]) -> None:
    """The document's required fields: always the first release's fields but the drug,
    and either the one-drug fields or the list."""
    schema["required"] = [name for name in FIELDS if name not in _NOT_REQUIRED]
    schema["anyOf"] = [{"required": ["drug", "daily_dose_mg"]}, {"required": ["benzodiazepines"]}]


class LevelOfCareBase(BaseModel):
    # A plain pydantic model: ninja's Schema drops unknown fields, and the core should
    # see them, to name them.
    model_config = ConfigDict(extra="allow", json_schema_extra=_required)

    equivalence: Literal[EQUIVALENCE_TABLES] = Field(  # type: ignore[valid-type]
        "ashton", description="The dose equivalence table."
    )


# The record's fields are the core's FIELDS, so the document cannot drift from the core.
if TYPE_CHECKING:
    LevelOfCareIn = LevelOfCareBase
else:
    LevelOfCareIn = create_model(
        "LevelOfCareIn",
        __base__=LevelOfCareBase,
        __doc__="The assessment record of `clonacare assess` (docs/assessment.md), plus "
        "the equivalence table to use.",
        **{name: _field(name, kind) for name, kind in FIELDS.items()},
    )


class LevelOfCareOut(Schema):
    id: int
    patient_id: int
    assessed_at: dt.datetime
    assessed_by: str
    level: str
    withdrawal_risk: str
    result: dict[str, Any] = Field(
        ..., description="The core's evaluation: level, reasons with sources, alerts..."
    )
    record: dict[str, Any] = Field(..., description="The assessment record as submitted.")

    @staticmethod
    def resolve_assessed_by(assessment: LevelOfCareAssessment) -> str:
        return assessment.assessed_by.get_username()


class LevelOfCarePage(Schema):
    items: list[LevelOfCareOut]
    count: int


def _assessments(patient_id: int) -> Any:
    return LevelOfCareAssessment.objects.filter(patient_id=patient_id).select_related("assessed_by")


@router.get(
    "/patients/{int:patient_id}/level-of-care",
    response={200: LevelOfCarePage, **READ_ERRORS},
    summary="A patient's level-of-care assessments, newest first",
)
def level_of_care_list(
    request: HttpRequest, patient_id: int, filters: Query[PageQuery]
) -> dict[str, object]:
    """Staff only: a patient calling for their own record gets an empty list (these are
    the clinicians' working records; the clinician goes through them with the patient)."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="level-of-care.list")
    visible = level_of_care_visible_to(actor, Patient.objects.filter(pk=patient.pk))
    return page_of(visible.select_related("assessed_by"), filters)


@router.post(
    "/patients/{int:patient_id}/level-of-care",
    response={201: LevelOfCareOut, **WRITE_ERRORS},
    summary="Record an assessment and get the recommended level of care",
)
def record_level_of_care(
    request: HttpRequest, patient_id: int, payload: LevelOfCareIn
) -> Status[LevelOfCareAssessment]:
    """Clinical staff only (403 for others). The record is checked by the clinical core;
    a wrong field is refused (400) with a message naming it, and nothing is stored.
    The fields added later (current withdrawal, opioids, a list of benzodiazepines) are
    optional: a body written before them is still valid, and is stored as sent."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="level-of-care.write")
    # Only what the body sent: the core applies the defaults, and the stored record is
    # the body as submitted.
    data = payload.model_dump(exclude={"equivalence"}, exclude_unset=True)
    assessment = do_record_level_of_care(
        actor, patient, data, equivalence=payload.equivalence, now=timezone.now()
    )
    return Status(201, _assessments(patient.pk).get(pk=assessment.pk))
