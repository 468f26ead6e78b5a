"""FHIR R4B export of instruments and scores (Questionnaire, QuestionnaireResponse,
Observation), validated with fhir.resources plus our own code-value checks."""

from __future__ import annotations

from clonacare.core.fhir.codes import check_codes, is_loinc, loinc_check_digit
from clonacare.core.fhir.resources import (
    CODE_SYSTEM_BASE,
    questionnaire,
    questionnaire_response,
    questionnaire_url,
    score_observation,
)

__all__ = [
    "CODE_SYSTEM_BASE",
    "check_codes",
    "is_loinc",
    "loinc_check_digit",
    "questionnaire",
    "questionnaire_response",
    "questionnaire_url",
    "score_observation",
]
