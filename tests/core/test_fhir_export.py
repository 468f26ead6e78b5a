"""FHIR R4B export: Questionnaire, QuestionnaireResponse and score Observation, built and
validated with fhir.resources, plus our own checks of code values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from clonacare.core.crisis import load_crisis_resources
from clonacare.core.errors import ClinicalError
from clonacare.core.fhir import (
    check_codes,
    is_loinc,
    questionnaire,
    questionnaire_response,
    score_observation,
)
from clonacare.core.instruments import (
    ScoreResult,
    answers_from_tokens,
    instrument,
    score,
    shipped_ids,
)

WHEN = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def scored(instrument_id: str, tokens: str) -> ScoreResult:
    chosen = instrument(instrument_id)
    return score(
        chosen,
        answers_from_tokens(chosen, tokens.split(",")),
        crisis=load_crisis_resources(),
        settings={"sds_dependence_cutoff": 6},
    )


@pytest.mark.parametrize("instrument_id", shipped_ids())
def test_every_instrument_becomes_a_valid_questionnaire(instrument_id: str) -> None:
    resource = questionnaire(instrument(instrument_id)).model_dump(mode="json")
    assert resource["resourceType"] == "Questionnaire"
    assert resource["status"] == "active"
    assert len(resource["item"]) == len(instrument(instrument_id).items)
    check_codes(resource)


def test_the_phq9_questionnaire_carries_the_loinc_codes_of_the_reference() -> None:
    resource = questionnaire(instrument("phq9")).model_dump(mode="json")
    assert resource["code"] == [
        {
            "system": "http://loinc.org",
            "code": "44249-1",
            "display": "Patient Health Questionnaire-9",
        }
    ]
    assert resource["item"][8]["code"] == [{"system": "http://loinc.org", "code": "44260-8"}]


def test_the_asq_acuity_question_is_enabled_by_any_yes() -> None:
    item = questionnaire(instrument("asq")).model_dump(mode="json")["item"][4]
    assert item["enableBehavior"] == "any"
    assert [
        (w["question"], w["operator"], w["answerCoding"]["code"]) for w in item["enableWhen"]
    ] == [
        ("asq-1", "=", "yes"),
        ("asq-2", "=", "yes"),
        ("asq-3", "=", "yes"),
        ("asq-4", "=", "yes"),
    ]


def test_answers_carry_their_scores_as_ordinal_values() -> None:
    option = questionnaire(instrument("gad7")).model_dump(mode="json")["item"][0]["answerOption"][3]
    assert option["valueCoding"]["extension"] == [
        {"url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": 3}
    ]


def test_a_response_holds_the_answers_that_counted() -> None:
    result = scored("asq", "no,no,no,no,no")
    resource = questionnaire_response(
        instrument("asq"), result, subject="Patient/alice", authored=WHEN
    ).model_dump(mode="json")
    assert resource["status"] == "completed"
    assert [i["linkId"] for i in resource["item"]] == ["asq-1", "asq-2", "asq-3", "asq-4"]
    assert resource["authored"] == "2025-03-01T09:30:00Z"


def test_an_acuity_yes_after_four_nos_is_kept_in_the_response() -> None:
    # Issue 8: a safety answer counts even where the skip logic would not have asked it.
    result = scored("asq", "no,no,no,no,yes")
    resource = questionnaire_response(
        instrument("asq"), result, subject="Patient/alice", authored=WHEN
    ).model_dump(mode="json")
    assert resource["item"][-1]["linkId"] == "asq-5"
    assert resource["item"][-1]["answer"][0]["valueCoding"]["code"] == "yes"


def test_an_acuity_yes_after_four_nos_is_an_acute_positive_observation() -> None:
    resource = score_observation(
        instrument("asq"),
        scored("asq", "no,no,no,no,yes"),
        subject="Patient/alice",
        effective=WHEN,
    ).model_dump(mode="json")
    assert resource["valueString"] == "acute positive"
    assert resource["note"] == [
        {"text": "Safety alert: suicide-risk"},
        {"text": "Safety alert: suicide-risk-imminent"},
    ]


def test_an_incomplete_response_is_in_progress() -> None:
    result = scored("phq9", "1,1")
    resource = questionnaire_response(
        instrument("phq9"), result, subject="Patient/alice", authored=WHEN
    ).model_dump(mode="json")
    assert resource["status"] == "in-progress"


def test_the_phq9_total_is_a_loinc_coded_observation() -> None:
    result = scored("phq9", "1,2,0,3,1,0,2,1,1")
    resource = score_observation(
        instrument("phq9"), result, subject="Patient/alice", effective=WHEN
    ).model_dump(mode="json")
    assert resource["code"]["coding"][0]["code"] == "44261-6"
    assert resource["valueInteger"] == 11
    assert resource["interpretation"] == [{"text": "moderate"}]
    assert resource["category"][0]["coding"][0]["code"] == "survey"
    assert resource["note"] == [{"text": "Safety alert: suicide-risk"}]


def test_an_instrument_without_a_loinc_total_uses_our_own_code() -> None:
    resource = score_observation(
        instrument("sds"), scored("sds", "1,1,1,1,1"), subject="Patient/alice", effective=WHEN
    ).model_dump(mode="json")
    assert resource["code"]["coding"][0]["system"] == "urn:clonacare:score"
    assert resource["valueInteger"] == 5


def test_a_classification_is_recorded_as_its_result() -> None:
    resource = score_observation(
        instrument("asq"), scored("asq", "no,no,no,no"), subject="Patient/alice", effective=WHEN
    ).model_dump(mode="json")
    assert resource["valueString"] == "negative"


def test_an_incomplete_result_has_no_observation() -> None:
    with pytest.raises(ClinicalError) as exc:
        score_observation(
            instrument("phq9"), scored("phq9", "1"), subject="Patient/alice", effective=WHEN
        )
    assert exc.value.message == "phq9: an incomplete result has no score."


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ClinicalError) as exc:
        score_observation(
            instrument("gad7"),
            scored("gad7", "0,0,0,0,0,0,0"),
            subject="Patient/alice",
            effective=datetime(2025, 3, 1),  # noqa: DTZ001 - the naive datetime under test
        )
    assert exc.value.message == "effective must be an aware datetime (UTC)."


@pytest.mark.parametrize("code", ["44249-1", "44261-6", "44260-8", "69737-5", "70274-6"])
def test_the_reference_loinc_codes_pass_the_check_digit(code: str) -> None:
    assert is_loinc(code)


@pytest.mark.parametrize("code", ["44261-5", "44261", "LA6568-5", "4426a-6"])
def test_malformed_loinc_codes_fail(code: str) -> None:
    assert not is_loinc(code)


def checked(resource: dict[str, Any]) -> str:
    with pytest.raises(ClinicalError) as exc:
        check_codes(resource)
    assert exc.value.code == "fhir-code"
    return exc.value.message


def test_our_checks_catch_code_values_fhir_resources_lets_through() -> None:
    assert checked({"resourceType": "Observation", "status": "done"}) == (
        "Observation.status: 'done' is not one of amended, cancelled, corrected, "
        "entered-in-error, final, preliminary, registered, unknown."
    )
    assert checked(
        {
            "resourceType": "Questionnaire",
            "status": "active",
            "item": [{"linkId": "a", "type": "likert"}],
        }
    ).startswith("Questionnaire.item[0].type: 'likert' is not one of attachment, boolean,")
    assert checked(
        {
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "44261-5"}]},
        }
    ) == ("Observation.code.coding[0].code: '44261-5' is not a valid LOINC code.")
    assert checked(
        {
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "item": [{"answer": [{"valueCoding": {"system": "loinc", "code": "x"}}]}],
        }
    ) == (
        "QuestionnaireResponse.item[0].answer[0].valueCoding.system: 'loinc' is not an "
        "absolute URI."
    )
