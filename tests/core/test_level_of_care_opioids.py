"""Opioids and the level of care (issue 8; clinical reference, Level of care): opioids
not prescribed or an untreated opioid use disorder call for closer monitoring (FDA 2020
boxed warning; ASAM 2025 Rec 19–20); every opioid co-use, prescribed too, prompts
naloxone (Rec 17); methadone or buprenorphine is coordinated, never stopped or reduced to
taper the benzodiazepine (Rec 21).
"""

from __future__ import annotations

from typing import Any

import pytest

from clonacare.core.assessment import LevelOfCare, level_of_care, load_settings, parse_assessment
from clonacare.core.errors import ClinicalError
from tests.samples import ALICE_RECORD

SETTINGS = load_settings()
NALOXONE = ("naloxone", "Naloxone: offer to provide or prescribe naloxone (opioid co-use).")
NALOXONE_SOURCE = "ASAM 2025 Rec 17 (clinical reference, Level of care)"


def care(**changes: Any) -> LevelOfCare:
    return level_of_care(parse_assessment({**ALICE_RECORD, **changes}), SETTINGS)


def reasons(**changes: Any) -> dict[str, tuple[str, str, str]]:
    return {r.code: (r.level, r.message, r.source) for r in care(**changes).reasons}


def test_opioids_not_prescribed_call_for_closer_monitoring() -> None:
    result = care(opioid_nonprescribed=True)
    assert result.level == "intensive-outpatient"
    assert reasons(opioid_nonprescribed=True)["opioid-nonprescribed"] == (
        "intensive-outpatient",
        "Opioid, not prescribed: opioids taken that were not prescribed (overdose risk with "
        "a benzodiazepine); closer monitoring.",
        "FDA 2020 boxed warning; ASAM 2025 Rec 19–20 (clinical reference, Level of care)",
    )


def test_an_untreated_opioid_use_disorder_calls_for_closer_monitoring() -> None:
    assert care(opioid_use_disorder_untreated=True).level == "intensive-outpatient"
    level, message, source = reasons(opioid_use_disorder_untreated=True)[
        "opioid-use-disorder-untreated"
    ]
    assert level == "intensive-outpatient"
    assert message == (
        "Opioid use disorder, untreated: an opioid use disorder without treatment (overdose "
        "risk with a benzodiazepine); closer monitoring, and treat it during the taper."
    )
    assert source == (
        "FDA 2020 boxed warning; ASAM 2025 Rec 19–20 (clinical reference, Level of care)"
    )


def test_both_together_are_a_combination() -> None:
    assert care(opioid_nonprescribed=True, opioid_use_disorder_untreated=True).level == (
        "inpatient"
    )


def test_prescribed_opioids_keep_outpatient_with_the_naloxone_prompt() -> None:
    result = care(opioid_use=True)
    assert result.level == "outpatient"
    assert [(r.code, r.message) for r in result.reasons][1] == NALOXONE
    assert result.reasons[1].source == NALOXONE_SOURCE


@pytest.mark.parametrize(
    "changes",
    [
        {"opioid_use": True},
        {"opioid_nonprescribed": True},
        {"opioid_use_disorder_untreated": True},
        {"opioid_agonist_treatment": "methadone"},
        {"opioid_agonist_treatment": "buprenorphine"},
    ],
)
def test_every_opioid_co_use_shows_the_naloxone_prompt(changes: dict[str, Any]) -> None:
    found = reasons(**changes)
    assert found["naloxone"] == ("outpatient", NALOXONE[1], NALOXONE_SOURCE)
    assert "opioid-use" in found


def test_no_opioid_no_naloxone_prompt() -> None:
    assert "naloxone" not in reasons()


@pytest.mark.parametrize("treatment", ["methadone", "buprenorphine"])
def test_a_patient_on_opioid_treatment_is_flagged_to_coordinate(treatment: str) -> None:
    result = care(opioid_agonist_treatment=treatment)
    assert result.level == "outpatient"
    assert reasons(opioid_agonist_treatment=treatment)["opioid-treatment-program"] == (
        "outpatient",
        f"Opioid treatment, {treatment}: coordinate with the opioid treatment program; do not "
        "stop or reduce it to taper the benzodiazepine.",
        "ASAM 2025 Rec 21 (clinical reference, Level of care)",
    )


def test_opioid_treatment_is_one_of_a_list() -> None:
    with pytest.raises(ClinicalError) as exc:
        parse_assessment({**ALICE_RECORD, "opioid_agonist_treatment": "naltrexone"})
    assert exc.value.message == (
        "field 'opioid_agonist_treatment' must be one of: none, methadone, buprenorphine; "
        'got "naltrexone".'
    )
