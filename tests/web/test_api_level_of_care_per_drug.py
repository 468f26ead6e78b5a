"""``POST /api/v1/patients/{id}/level-of-care``: a reason that belongs to one drug names
only that drug (a drug's own seizure-disorder indication; the label maximum with its own
drug's label), two drugs above their label maximum are one finding, a prescribed opioid
alone is told "lowest effective doses", and a fall under 65 is shown."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.personas import World
from tests.samples import ALICE_RECORD

pytestmark = pytest.mark.django_db

WITHOUT_DRUG = {k: v for k, v in ALICE_RECORD.items() if k not in ("drug", "daily_dose_mg")}


def reasons(world: World, body: dict[str, Any]) -> list[tuple[str, str]]:
    response = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/level-of-care", body)
    assert response.status_code == 201, response.json()
    return [(r["code"], r["message"]) for r in response.json()["result"]["reasons"]]


def test_a_drugs_own_epilepsy_indication_names_only_that_drug(world: World) -> None:
    found = reasons(
        world,
        {
            **WITHOUT_DRUG,
            "indication": "anxiety",
            "benzodiazepines": [
                {"drug": "lorazepam", "daily_dose_mg": 1},
                {"drug": "clonazepam", "daily_dose_mg": 1, "indication": "epilepsy"},
            ],
        },
    )
    assert found == [
        (
            "seizure-disorder",
            "Seizure disorder, neurologist: clonazepam treats a seizure disorder here; the "
            "neurologist is involved in the taper.",
        )
    ]


def test_the_records_epilepsy_is_not_put_on_a_drug_taken_for_anxiety(world: World) -> None:
    found = reasons(
        world,
        {
            **WITHOUT_DRUG,
            "indication": "epilepsy",
            "benzodiazepines": [
                {"drug": "clonazepam", "daily_dose_mg": 1},
                {"drug": "lorazepam", "daily_dose_mg": 1, "indication": "anxiety"},
            ],
        },
    )
    assert [message for _, message in found] == [
        "Seizure disorder, neurologist: clonazepam treats a seizure disorder here; the "
        "neurologist is involved in the taper."
    ]


def test_two_drugs_above_the_label_maximum_are_one_finding(world: World) -> None:
    found = reasons(
        world,
        {
            **WITHOUT_DRUG,
            "indication": "anxiety",
            "benzodiazepines": [
                {"drug": "alprazolam", "daily_dose_mg": 5},
                {"drug": "lorazepam", "daily_dose_mg": 11},
            ],
        },
    )
    assert found == [
        (
            "above-label-maximum",
            "Dose above the label maximum: alprazolam 5 mg/day is above the 4 mg/day label "
            "maximum (for anxiety); closer monitoring.",
        ),
        (
            "above-label-maximum",
            "Dose above the label maximum: lorazepam 11 mg/day is above the 10 mg/day label "
            "maximum (for all indications); closer monitoring.",
        ),
    ]


def test_methadone_with_a_prescribed_opioid_never_says_reduce_methadone(world: World) -> None:
    found = dict(
        reasons(
            world, {**ALICE_RECORD, "opioid_use": True, "opioid_agonist_treatment": "methadone"}
        )
    )
    assert found["opioid-use"] == (
        "Opioid: a prescribed opioid taken with the benzodiazepine (FDA boxed warning: "
        "profound sedation, respiratory depression, coma, death); review more often, at "
        "least every 3 months, with the benzodiazepine and the prescribed opioid each at its "
        "lowest effective dose."
    )
    assert found["opioid-treatment-program"] == (
        "Opioid treatment, methadone: coordinate with the opioid treatment program; do not "
        "stop or reduce it to taper the benzodiazepine."
    )


def test_a_fall_under_65_is_shown_at_outpatient(world: World) -> None:
    assert reasons(world, {**ALICE_RECORD, "falls_past_year": True, "age": 50}) == [
        (
            "falls",
            "Falls: a fall in the past year; weigh it when planning the pace and the "
            "monitoring (closer monitoring for falls is advised from age 65).",
        )
    ]
