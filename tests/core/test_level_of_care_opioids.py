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


def test_both_together_are_one_finding_not_a_combination() -> None:
    # Both are the same risk (an opioid overdose with a benzodiazepine): counted once.
    result = care(opioid_nonprescribed=True, opioid_use_disorder_untreated=True)
    assert result.level == "intensive-outpatient"
    assert "combined-findings" not in {r.code for r in result.reasons}


def test_the_opioid_overdose_risk_and_another_finding_are_a_combination() -> None:
    found = reasons(
        opioid_nonprescribed=True, opioid_use_disorder_untreated=True, other_sedatives=True
    )
    assert found["combined-findings"][:2] == (
        "inpatient",
        "Combined findings: 2 findings each call for closer monitoring (other-sedatives, "
        "opioid overdose risk: opioid-nonprescribed + opioid-use-disorder-untreated); "
        "together they raise the recommendation one level, to inpatient (a Clonacare "
        "rule: 2 or more, a site setting).",
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
    # The lowest-effective-doses reason (Rec 16, 18) is only for a prescribed opioid.
    assert ("opioid-use" in found) is ("opioid_use" in changes)


def test_a_prescribed_opioid_is_reviewed_at_the_lowest_effective_doses() -> None:
    assert reasons(opioid_use=True)["opioid-use"] == (
        "outpatient",
        "Opioid: a prescribed opioid taken with the benzodiazepine (FDA boxed warning: "
        "profound sedation, respiratory depression, coma, death); review more often, at "
        "least every 3 months, with the benzodiazepine and the prescribed opioid each at its "
        "lowest effective dose.",
        "FDA 2020 boxed warning; ASAM 2025 Rec 16, 18 (clinical reference, Level of care)",
    )


@pytest.mark.parametrize("treatment", ["methadone", "buprenorphine"])
def test_opioid_treatment_is_never_told_to_reduce_it(treatment: str) -> None:
    found = reasons(opioid_agonist_treatment=treatment)
    assert sorted(found) == ["naloxone", "opioid-treatment-program"]
    assert not any("lowest effective" in message for _, message, _ in found.values())


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
