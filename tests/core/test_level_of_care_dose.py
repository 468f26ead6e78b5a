"""Level of care uses the dose (issue 8): a daily dose above the label maximum of its
indication (without a labelled indication, the drug's highest label maximum; each drug's
FDA label) calls for closer monitoring; ASAM 2025 Table 2's
withdrawal risk is shown beside the level with its source and never raises it (Rec 5).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from clonacare.core.assessment import (
    AssessmentResult,
    assess,
    level_of_care,
    load_settings,
    parse_assessment,
)
from clonacare.core.crisis import load_crisis_resources
from clonacare.core.drugs import equivalence_table
from tests.samples import ALICE_RECORD

SETTINGS = load_settings()
LABEL_SOURCE = (
    "Closer monitoring above the label maximum is a Clonacare rule, not a guideline value; "
    "FDA label for clonazepam, maximum daily dose (DailyMed prescribing information; "
    "clinical reference, label maximum daily doses)"
)


def assessed(**changes: Any) -> AssessmentResult:
    return assess(
        parse_assessment({**ALICE_RECORD, **changes}),
        table=equivalence_table("ashton"),
        settings=SETTINGS,
        crisis=load_crisis_resources(),
    )


def dose_reasons(**changes: Any) -> list[tuple[str, str]]:
    data = {**ALICE_RECORD, **changes}
    if "benzodiazepines" in changes:
        del data["drug"], data["daily_dose_mg"]
    record = parse_assessment(data)
    return [
        (r.level, r.message)
        for r in level_of_care(record, SETTINGS).reasons
        if r.code == "above-label-maximum"
    ]


def test_a_dose_above_the_label_maximum_of_its_indication_calls_for_closer_monitoring() -> None:
    result = assessed(daily_dose_mg=4.5)
    assert result.level == "intensive-outpatient"
    (reason,) = result.reasons
    assert reason.code == "above-label-maximum"
    assert reason.message == (
        "Dose above the label maximum: clonazepam 4.5 mg/day is above the 4 mg/day label "
        "maximum (for panic disorder); closer monitoring."
    )
    assert reason.source == LABEL_SOURCE


def test_a_dose_at_the_label_maximum_is_not_above_it() -> None:
    assert dose_reasons(daily_dose_mg=4) == []


def test_the_seizure_indication_has_its_own_label_maximum() -> None:
    assert dose_reasons(daily_dose_mg=6, indication="epilepsy") == []
    assert dose_reasons(daily_dose_mg=21, indication="seizure disorder") == [
        (
            "intensive-outpatient",
            "Dose above the label maximum: clonazepam 21 mg/day is above the 20 mg/day label "
            "maximum (for seizure disorders); closer monitoring.",
        )
    ]


def test_without_a_labelled_indication_the_highest_label_maximum_counts() -> None:
    assert dose_reasons(daily_dose_mg=6, indication="insomnia") == []
    assert dose_reasons(daily_dose_mg=20.5, indication="insomnia") == [
        (
            "intensive-outpatient",
            "Dose above the label maximum: clonazepam 20.5 mg/day is above the 20 mg/day "
            "label maximum (the drug's highest, for seizure disorders; its label gives no "
            "maximum for insomnia); closer monitoring.",
        )
    ]


def test_a_label_maximum_for_all_indications_holds_for_any() -> None:
    assert dose_reasons(drug="lorazepam", daily_dose_mg=11, indication="other") == [
        (
            "intensive-outpatient",
            "Dose above the label maximum: lorazepam 11 mg/day is above the 10 mg/day label "
            "maximum (for all indications); closer monitoring.",
        )
    ]


def test_a_drug_whose_label_data_gives_no_maximum_is_not_checked() -> None:
    assert dose_reasons(drug="chlordiazepoxide", daily_dose_mg=100) == []


def test_each_drug_of_a_list_is_checked_against_its_own_indication() -> None:
    # The record's indication (anxiety) holds for an entry that names none.
    reasons = dose_reasons(
        indication="anxiety",
        benzodiazepines=[
            {"drug": "clonazepam", "daily_dose_mg": 6, "indication": "epilepsy"},
            {"drug": "alprazolam", "daily_dose_mg": 5},
        ],
    )
    assert reasons == [
        (
            "intensive-outpatient",
            "Dose above the label maximum: alprazolam 5 mg/day is above the 4 mg/day label "
            "maximum (for anxiety); closer monitoring.",
        )
    ]


def test_the_withdrawal_risk_is_given_beside_the_level_with_its_source() -> None:
    result = assessed()
    assert (result.level, result.withdrawal.level) == ("outpatient", "likely")
    assert result.withdrawal.message == (
        "Withdrawal risk likely: 3 months or more; it rises with dose and duration."
    )
    assert result.withdrawal.source == (
        "ASAM 2025 Joint Guideline on Benzodiazepine Tapering, Table 2 "
        "(clinical reference, Tapering rules)"
    )
    assert result.as_dict()["withdrawal"]["source"] == result.withdrawal.source


def test_a_likely_withdrawal_risk_alone_keeps_outpatient_and_says_why() -> None:
    result = assessed(daily_dose_mg=4, duration_months=120)
    assert (result.level, result.withdrawal.level, result.withdrawal.dose_tier) == (
        "outpatient",
        "likely",
        "high",
    )
    assert [r.code for r in result.reasons] == ["outpatient-default"]
    assert result.notes[-1] == (
        "Withdrawal risk (ASAM Table 2) is shown beside the level and shapes the pace and "
        "monitoring of the taper; it does not raise the level of care by itself. "
        "[ASAM 2025 Rec 5: outpatient by default (clinical reference, Level of care); "
        "Table 2 (clinical reference, Tapering rules)]"
    )


@pytest.mark.parametrize("dose", [Decimal("4.001"), Decimal(8)])
def test_the_dose_reason_is_one_finding_of_closer_monitoring(dose: Decimal) -> None:
    result = assessed(daily_dose_mg=dose, alcohol_use_disorder=True)
    assert result.level == "inpatient"
    assert [r.code for r in result.reasons] == [
        "alcohol-use-disorder",
        "above-label-maximum",
        "combined-findings",
    ]
