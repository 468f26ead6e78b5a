"""``POST /api/v1/patients/{id}/level-of-care``: issue 8's level-of-care rules through the
API. A body written before them still works and is stored as sent; the new inputs
(current withdrawal, opioids, a list of benzodiazepines) are optional."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from clonacare.assessments.models import LevelOfCareAssessment, SafetyAlert
from tests.api_client import ApiClient
from tests.personas import World
from tests.samples import ALICE_RECORD

pytestmark = pytest.mark.django_db

WITHOUT_DRUG = {k: v for k, v in ALICE_RECORD.items() if k not in ("drug", "daily_dose_mg")}
# A body exactly as the API took it before issue 8.
OLD_BODY: dict[str, Any] = {**ALICE_RECORD, "equivalence": "ashton"}


def record_for(user: User, patient_id: int, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = ApiClient(user).post(f"/patients/{patient_id}/level-of-care", body)
    return response.status_code, response.json()


def codes(body: dict[str, Any]) -> list[str]:
    return [r["code"] for r in body["result"]["reasons"]]


def test_a_body_from_before_the_new_inputs_still_works(world: World) -> None:
    status, body = record_for(world.avery, world.alex.pk, OLD_BODY)
    assert status == 201
    assert (body["level"], codes(body)) == ("outpatient", ["outpatient-default"])
    # Stored as sent: no default is written into the record.
    assert body["record"] == ALICE_RECORD
    assert LevelOfCareAssessment.objects.get().record == ALICE_RECORD


def test_the_result_gives_the_withdrawal_risk_with_its_source(world: World) -> None:
    _, body = record_for(world.avery, world.alex.pk, OLD_BODY)
    assert body["withdrawal_risk"] == "likely"
    assert body["result"]["withdrawal"] == {
        "level": "likely",
        "dose_tier": "high",
        "message": "Withdrawal risk likely: 3 months or more; it rises with dose and duration.",
        "source": "ASAM 2025 Joint Guideline on Benzodiazepine Tapering, Table 2 "
        "(clinical reference, Tapering rules)",
    }


def test_a_dose_above_the_label_maximum_calls_for_closer_monitoring(world: World) -> None:
    status, body = record_for(world.avery, world.alex.pk, {**OLD_BODY, "daily_dose_mg": 4.5})
    assert status == 201
    assert (body["level"], codes(body)) == ("intensive-outpatient", ["above-label-maximum"])
    (reason,) = body["result"]["reasons"]
    assert reason == {
        "code": "above-label-maximum",
        "level": "intensive-outpatient",
        "message": "Dose above the label maximum: clonazepam 4.5 mg/day is above the 4 mg/day "
        "label maximum (for panic disorder); closer monitoring.",
        "source": "Closer monitoring above the label maximum is a Clonacare rule, not a "
        "guideline value; FDA label for clonazepam, maximum daily dose (DailyMed prescribing "
        "information; clinical reference, label maximum daily doses)",
    }


def test_two_findings_raise_the_level_one_step(world: World) -> None:
    status, body = record_for(
        world.avery,
        world.alex.pk,
        {**OLD_BODY, "opioid_nonprescribed": True, "other_sedatives": True},
    )
    assert status == 201
    assert body["level"] == "inpatient"
    assert codes(body) == [
        "other-sedatives",
        "opioid-nonprescribed",
        "naloxone",
        "combined-findings",
    ]
    combined = body["result"]["reasons"][-1]
    assert (combined["level"], combined["message"]) == (
        "inpatient",
        "Combined findings: 2 findings each call for closer monitoring (other-sedatives, "
        "opioid overdose risk: opioid-nonprescribed); together they raise the recommendation "
        "one level, to inpatient (a Clonacare rule: 2 or more, a site setting).",
    )


def test_one_risk_shown_twice_is_not_a_combination(world: World) -> None:
    status, body = record_for(
        world.avery,
        world.alex.pk,
        {**OLD_BODY, "opioid_nonprescribed": True, "opioid_use_disorder_untreated": True},
    )
    assert status == 201
    assert body["level"] == "intensive-outpatient"
    assert codes(body) == ["opioid-nonprescribed", "opioid-use-disorder-untreated", "naloxone"]


def test_buprenorphine_is_flagged_to_coordinate_with_the_naloxone_prompt(world: World) -> None:
    status, body = record_for(
        world.kim, world.alex.pk, {**OLD_BODY, "opioid_agonist_treatment": "buprenorphine"}
    )
    assert status == 201
    messages = {r["code"]: r["message"] for r in body["result"]["reasons"]}
    assert messages["opioid-treatment-program"] == (
        "Opioid treatment, buprenorphine: coordinate with the opioid treatment program; do not "
        "stop or reduce it to taper the benzodiazepine."
    )
    assert messages["naloxone"] == (
        "Naloxone: offer to provide or prescribe naloxone (opioid co-use)."
    )


def test_a_seizure_now_is_an_emergency_and_raises_the_seizure_alert(world: World) -> None:
    status, body = record_for(world.avery, world.alex.pk, {**OLD_BODY, "seizure_now": True})
    assert status == 201
    assert body["level"] == "emergency"
    assert [a["code"] for a in body["result"]["alerts"]] == ["seizure"]
    assert body["result"]["crisis_resources"]
    assert list(SafetyAlert.objects.values_list("code", flat=True)) == ["seizure"]


def test_delirium_now_and_a_fall_at_70(world: World) -> None:
    status, body = record_for(
        world.avery,
        world.alex.pk,
        {**OLD_BODY, "delirium_or_psychosis_now": True, "falls_past_year": True, "age": 70},
    )
    assert status == 201
    assert body["level"] == "inpatient"
    assert codes(body)[:2] == ["delirium-or-psychosis-now", "falls-older-adult"]


def test_more_than_one_benzodiazepine_is_taken_as_a_list(world: World) -> None:
    drugs = [
        {"drug": "clonazepam", "daily_dose_mg": 1},
        {"drug": "alprazolam", "daily_dose_mg": 0.5, "indication": "anxiety"},
    ]
    sent = {**WITHOUT_DRUG, "benzodiazepines": drugs}
    status, body = record_for(world.avery, world.alex.pk, {**sent, "equivalence": "vadod"})
    assert status == 201
    assert body["result"]["diazepam_equivalent_mg"] == 15.0
    assert [b["drug"] for b in body["result"]["benzodiazepines"]] == ["clonazepam", "alprazolam"]
    assert body["record"] == sent


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        (
            {"opioid_agonist_treatment": "naltrexone"},
            "field 'opioid_agonist_treatment' must be one of: none, methadone, buprenorphine; "
            'got "naltrexone".',
        ),
        ({"seizure_now": "no"}, "field 'seizure_now' must be true or false; got \"no\"."),
        (
            {"benzodiazepines": [{"drug": "alprazolam", "daily_dose_mg": 1}]},
            "give the drugs either as 'benzodiazepines' or as 'drug' and 'daily_dose_mg', "
            "not both.",
        ),
    ],
)
def test_a_wrong_new_input_is_refused_naming_it(
    world: World, changes: dict[str, Any], detail: str
) -> None:
    assert record_for(world.avery, world.alex.pk, {**OLD_BODY, **changes}) == (
        400,
        {"detail": detail},
    )
    assert not LevelOfCareAssessment.objects.exists()


def test_a_wrong_list_entry_is_refused_naming_it(world: World) -> None:
    body = {**WITHOUT_DRUG, "benzodiazepines": [{"drug": "clonazepam"}]}
    assert record_for(world.avery, world.alex.pk, body) == (
        400,
        {"detail": "field 'benzodiazepines[0]': missing key 'daily_dose_mg'."},
    )
