"""Instruments and scores as FHIR R4B resources, built and validated with fhir.resources.

R4B (4.3.0) is used rather than R5 because R4-family servers are what clinics run; R4B
is wire-compatible with R4 for these three resources. fhir.resources checks structure
and datatypes; :func:`clonacare.core.fhir.codes.check_codes` checks code values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from clonacare.core.errors import ClinicalError
from clonacare.core.fhir.codes import LOINC_SYSTEM, OBSERVATION_CATEGORY_SYSTEM, check_codes
from clonacare.core.instruments import Instrument, Item, ScoreResult

# Our own code systems, for what LOINC does not cover (or the reference gives no code for).
CODE_SYSTEM_BASE = "urn:clonacare"
SCORE_SYSTEM = f"{CODE_SYSTEM_BASE}:score"
ORDINAL_VALUE_URL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"


def questionnaire_url(instrument: Instrument) -> str:
    return f"{CODE_SYSTEM_BASE}:questionnaire:{instrument.id}"


def answer_system(instrument: Instrument) -> str:
    return f"{CODE_SYSTEM_BASE}:instrument:{instrument.id}"


def _aware(moment: datetime, name: str) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ClinicalError("naive-datetime", f"{name} must be an aware datetime (UTC).")
    return moment.isoformat()


def _item(instrument: Instrument, item: Item) -> dict[str, Any]:
    system = answer_system(instrument)
    entry: dict[str, Any] = {
        "linkId": item.id,
        "prefix": str(item.number),
        "text": item.text,
        "type": "choice",
        "required": item.required,
        "answerOption": [
            {
                "valueCoding": {
                    "system": system,
                    "code": option.code,
                    "display": option.label,
                    "extension": [{"url": ORDINAL_VALUE_URL, "valueDecimal": option.score}],
                }
            }
            for option in item.options
        ],
    }
    if item.loinc:
        entry["code"] = [{"system": LOINC_SYSTEM, "code": item.loinc}]
    if item.enabled_when is not None:
        condition = item.enabled_when
        # "any of these items scored above N" is, in FHIR, one `=` test per qualifying answer.
        entry["enableBehavior"] = "any"
        entry["enableWhen"] = [
            {
                "question": source.id,
                "operator": "=",
                "answerCoding": {"system": system, "code": option.code},
            }
            for source in (instrument.item(i) for i in condition.any_of)
            for option in source.options
            if option.score > condition.above
        ]
    return entry


def questionnaire(instrument: Instrument) -> Questionnaire:
    """The instrument as a FHIR Questionnaire (status active, subject Patient).

    The panel's LOINC code is used where the reference gives one; item 9 of the PHQ-9
    carries its LOINC code. Raises ClinicalError("fhir-code") if a code value is invalid.
    """
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": instrument.id,
        "url": questionnaire_url(instrument),
        "name": instrument.id.replace("-", "_").upper(),
        "title": instrument.title,
        "status": "active",
        "subjectType": ["Patient"],
        "description": f"{instrument.stem} Source: {instrument.source}",
        "copyright": instrument.licence,
        "item": [_item(instrument, item) for item in instrument.items],
    }
    if instrument.loinc and instrument.loinc.panel:
        resource["code"] = [
            {"system": LOINC_SYSTEM, "code": instrument.loinc.panel, "display": instrument.title}
        ]
    check_codes(resource)
    return Questionnaire.model_validate(resource)


def questionnaire_response(
    instrument: Instrument, result: ScoreResult, *, subject: str, authored: datetime
) -> QuestionnaireResponse:
    """The answers that counted, as a QuestionnaireResponse.

    ``subject`` is a FHIR reference (``Patient/123``); ``authored`` an aware datetime.
    Status is ``completed`` when the result is complete, otherwise ``in-progress``.
    """
    system = answer_system(instrument)
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": questionnaire_url(instrument),
        "status": "completed" if result.complete else "in-progress",
        "subject": {"reference": subject},
        "authored": _aware(authored, "authored"),
        "item": [
            {
                "linkId": item.id,
                "text": item.text,
                "answer": [
                    {
                        "valueCoding": {
                            "system": system,
                            "code": option.code,
                            "display": option.label,
                        }
                    }
                ],
            }
            for item, option in result.answers
        ],
    }
    check_codes(resource)
    return QuestionnaireResponse.model_validate(resource)


def score_observation(
    instrument: Instrument, result: ScoreResult, *, subject: str, effective: datetime
) -> Observation:
    """The total (or, for a classification such as the ASQ, the result) as an Observation.

    Coded with the LOINC total code where the reference gives one, else our own score
    system. The band goes in ``interpretation`` as text. Raises ClinicalError("incomplete")
    for an incomplete result: there is no score to record.
    """
    if not result.complete:
        raise ClinicalError("incomplete", f"{instrument.id}: an incomplete result has no score.")
    if instrument.loinc and instrument.loinc.total:
        coding = {"system": LOINC_SYSTEM, "code": instrument.loinc.total}
    else:
        coding = {"system": SCORE_SYSTEM, "code": instrument.id}
    what = "total" if result.total is not None else "result"
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY_SYSTEM, "code": "survey"}]}],
        "code": {
            "coding": [
                {
                    **coding,
                    "display": f"{instrument.short_title} {what}",
                }
            ]
        },
        "subject": {"reference": subject},
        "effectiveDateTime": _aware(effective, "effective"),
    }
    if result.total is not None:
        resource["valueInteger"] = result.total
    else:
        resource["valueString"] = result.band
    if result.band is not None and result.total is not None:
        resource["interpretation"] = [{"text": result.band}]
    if result.alerts:
        resource["note"] = [{"text": f"Safety alert: {a.code}"} for a in result.alerts]
    check_codes(resource)
    return Observation.model_validate(resource)
