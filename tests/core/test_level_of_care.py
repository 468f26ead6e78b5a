"""Level of care, each rule against the clinical reference (Level of care):
ASAM 2025 Rec 5 (outpatient default), Rec 5c and Table 3 (inpatient for withdrawal
seizures or delirium), Rec 5b (unstable medical conditions), NIMH ASQ pathway and Rec 5a
(emergency for imminent suicide risk), ASAM 2025 Rec 5, 19–20 and ASAM Criteria
dimension 1 (alcohol, other sedatives), Rec 5, 24 and dimensions 3, 5, 6 (closer
monitoring), FDA 2020 boxed warning and Rec 16, 18 (opioids), FDA labels (pregnancy),
Rec 24–27 (age ≥ 65), NHS Scotland (seizure-disorder indication).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clonacare.core.assessment import (
    AssessmentSettings,
    LevelOfCare,
    assess,
    level_of_care,
    level_of_care_rules,
    load_settings,
    parse_assessment,
)
from clonacare.core.crisis import load_crisis_resources
from clonacare.core.drugs import equivalence_table
from tests.samples import ALICE_RECORD

ALICE = ALICE_RECORD
SETTINGS = load_settings()
LEVELS = ("outpatient", "intensive-outpatient", "inpatient", "emergency")


def care(settings: AssessmentSettings = SETTINGS, **changes: Any) -> LevelOfCare:
    return level_of_care(parse_assessment({**ALICE, **changes}), settings)


def test_with_no_finding_it_is_outpatient_with_the_default_reason() -> None:
    result = care()
    assert result.level == "outpatient"
    assert [(r.code, r.source) for r in result.reasons] == [
        ("outpatient-default", "ASAM 2025 Rec 5 (clinical reference, Level of care)")
    ]


@pytest.mark.parametrize(
    ("changes", "level", "code", "source_names"),
    [
        ({"suicide_screen": "acute positive"}, "emergency", "suicide-risk-acute", "NIMH ASQ"),
        ({"suicide_screen": "non-acute positive"}, "outpatient", "suicide-risk", "NIMH ASQ"),
        ({"history_withdrawal_seizure": True}, "inpatient", "withdrawal-seizure", "Rec 5c"),
        ({"history_withdrawal_delirium": True}, "inpatient", "withdrawal-delirium", "Rec 5c"),
        ({"unstable_medical": True}, "inpatient", "unstable-medical", "Rec 5b"),
        (
            {"alcohol_use_disorder": True},
            "intensive-outpatient",
            "alcohol-use-disorder",
            "Rec 5, 19–20; ASAM Criteria 3rd ed. dimension 1",
        ),
        (
            {"other_sedatives": True},
            "intensive-outpatient",
            "other-sedatives",
            "Rec 5, 19–20; ASAM Criteria 3rd ed. dimension 1",
        ),
        (
            {"unstable_psychiatric": True},
            "intensive-outpatient",
            "unstable-psychiatric",
            "Rec 5, 24",
        ),
        ({"pregnant": True}, "outpatient", "pregnancy", "FDA labels"),
        ({"age": 65}, "outpatient", "older-adult", "Rec 24–27"),
        ({"indication": "epilepsy"}, "outpatient", "seizure-disorder", "NHS Scotland"),
        ({"indication": "seizure disorder"}, "outpatient", "seizure-disorder", "NHS Scotland"),
        ({"support_at_home": False}, "intensive-outpatient", "no-support-at-home", "dimension 6"),
        ({"previous_failed_tapers": 2}, "intensive-outpatient", "failed-tapers", "dimension 5"),
    ],
)
def test_each_rule_sets_its_level_and_gives_its_sourced_reason(
    changes: dict[str, Any], level: str, code: str, source_names: str
) -> None:
    result = care(**changes)
    assert result.level == level
    assert [r.code for r in result.reasons] == [code]
    assert source_names in result.reasons[0].source
    assert result.reasons[0].message


@pytest.mark.parametrize(
    ("code", "names"),
    [
        ("suicide-risk-acute", "Suicide risk"),
        ("suicide-risk", "Suicide risk"),
        ("withdrawal-seizure", "Seizure"),
        ("withdrawal-delirium", "Delirium"),
        ("unstable-medical", "Medical"),
        ("alcohol-use-disorder", "Alcohol"),
        ("other-sedatives", "Sedatives"),
        ("unstable-psychiatric", "Psychiatric"),
        ("opioid-use", "Opioid"),
        ("pregnancy", "Pregnancy"),
        ("older-adult", "Older adult"),
        ("seizure-disorder", "Seizure disorder, neurologist"),
        ("no-support-at-home", "Support"),
        ("failed-tapers", "Failed tapers"),
    ],
)
def test_each_reason_names_what_the_issue_table_says(code: str, names: str) -> None:
    rule = next(r for r in level_of_care_rules().rules if r.code == code)
    assert rule.message.startswith(f"{names}:")


def test_the_opioid_reason_names_the_fda_boxed_warning() -> None:
    result = care(opioid_use=True)
    assert result.level == "outpatient"
    assert [r.code for r in result.reasons] == ["opioid-use", "naloxone"]
    assert "FDA boxed warning" in result.reasons[0].message
    assert result.reasons[0].source == (
        "FDA 2020 boxed warning; ASAM 2025 Rec 16, 18 (clinical reference, Level of care)"
    )


def test_extra_notes_of_the_plan_shaping_reasons() -> None:
    assert "review more often" in care(opioid_use=True).reasons[0].message
    assert "obstetric care" in care(pregnant=True).reasons[0].message
    assert "neurologist" in care(indication="epilepsy").reasons[0].message
    assert "falls" in care(age=70).reasons[0].message


def test_the_seizure_disorder_reason_names_the_drug_assessed() -> None:
    result = care(drug="lorazepam", daily_dose_mg=Decimal(2), indication="seizure disorder")
    (reason,) = [r for r in result.reasons if r.code == "seizure-disorder"]
    assert reason.message.startswith(
        "Seizure disorder, neurologist: lorazepam treats a seizure disorder here;"
    )


def test_age_just_under_65_adds_no_reason() -> None:
    assert [r.code for r in care(age=64.9).reasons] == ["outpatient-default"]


def test_the_suicide_screen_raises_its_alerts() -> None:
    assert care(suicide_screen="acute positive").alert_codes == (
        "suicide-risk-imminent",
        "suicide-risk",
    )
    assert care(suicide_screen="non-acute positive").alert_codes == ("suicide-risk",)
    assert care().alert_codes == ()


def test_every_rule_that_fires_adds_a_reason_even_below_the_level() -> None:
    result = care(history_withdrawal_seizure=True, opioid_use=True, age=72, pregnant=True)
    assert result.level == "inpatient"
    assert [r.code for r in result.reasons] == [
        "withdrawal-seizure",
        "opioid-use",
        "naloxone",
        "pregnancy",
        "older-adult",
    ]


def test_the_failed_taper_count_is_a_setting() -> None:
    assert SETTINGS.failed_tapers_at_least == 2
    assert [r.code for r in care(previous_failed_tapers=1).reasons] == ["outpatient-default"]
    strict = dataclasses.replace(SETTINGS, failed_tapers_at_least=1)
    result = care(strict, previous_failed_tapers=1)
    assert result.level == "intensive-outpatient"
    assert result.reasons[0].message == (
        "Failed tapers: 1 previous failed tapers (repeated: 1 or more, a site setting); "
        "closer monitoring."
    )
    assert "the count is configuration; threshold: " in result.reasons[0].source


@given(
    changes=st.fixed_dictionaries(
        {},
        optional={
            "suicide_screen": st.sampled_from(["negative", "non-acute positive", "acute positive"]),
            "history_withdrawal_seizure": st.booleans(),
            "history_withdrawal_delirium": st.booleans(),
            "unstable_medical": st.booleans(),
            "alcohol_use_disorder": st.booleans(),
            "other_sedatives": st.booleans(),
            "unstable_psychiatric": st.booleans(),
            "opioid_use": st.booleans(),
            "pregnant": st.booleans(),
            "age": st.integers(min_value=0, max_value=110),
            "indication": st.sampled_from(
                ["panic disorder", "epilepsy", "seizure disorder", "other"]
            ),
            "support_at_home": st.booleans(),
            "previous_failed_tapers": st.integers(min_value=0, max_value=9),
            "seizure_now": st.booleans(),
            "delirium_or_psychosis_now": st.booleans(),
            "falls_past_year": st.booleans(),
            "opioid_nonprescribed": st.booleans(),
            "opioid_use_disorder_untreated": st.booleans(),
            "opioid_agonist_treatment": st.sampled_from(["none", "methadone", "buprenorphine"]),
        },
    )
)
def test_the_level_is_the_highest_any_fired_rule_asks_for(changes: dict[str, Any]) -> None:
    result = care(**changes)
    assert result.reasons
    assert result.level == max((r.level for r in result.reasons), key=LEVELS.index)
    fired = {
        r.code
        for r in level_of_care_rules().rules
        if r.fires(parse_assessment({**ALICE, **changes}), SETTINGS)
    }
    # Distinct findings: rules naming the same finding count once.
    counted = {
        rule.finding
        for rule in level_of_care_rules().rules
        if rule.code in fired and rule.level == "intensive-outpatient"
    }
    if len(counted) >= SETTINGS.combined_findings_at_least:
        fired.add("combined-findings")
    assert {r.code for r in result.reasons} == (fired or {"outpatient-default"})


def test_assess_puts_it_together_with_the_table_used() -> None:
    record = parse_assessment({**ALICE, "suicide_screen": "non-acute positive"})
    result = assess(
        record, table=equivalence_table("ashton"), settings=SETTINGS, crisis=load_crisis_resources()
    )
    assert result.level == "outpatient"
    assert result.withdrawal.level == "likely"
    assert result.equivalence_table == "ashton"
    assert result.diazepam_equivalent_mg == Decimal(30)
    assert [a.code for a in result.alerts] == ["suicide-risk"]
    assert result.crisis_resources == load_crisis_resources().resources


def test_assess_without_alerts_has_no_crisis_resources() -> None:
    result = assess(
        parse_assessment(ALICE),
        table=equivalence_table("vadod"),
        settings=SETTINGS,
        crisis=load_crisis_resources(),
    )
    assert (result.alerts, result.crisis_resources) == ((), ())
    assert result.diazepam_equivalent_mg == Decimal(15)
