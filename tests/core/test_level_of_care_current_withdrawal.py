"""Current withdrawal and falls (issue 8; clinical reference, Level of care): a seizure now
is an emergency (Table 3), delirium or psychosis now calls for inpatient or residential
medically managed withdrawal (Rec 5c), a fall in the past year calls for closer
monitoring from age 65 (Rec 5a names falls). Every new input is optional with a safe
default, so records written before them stay valid.
"""

from __future__ import annotations

from typing import Any

import pytest

from clonacare.core.assessment import (
    OPTIONAL,
    assess,
    level_of_care,
    load_settings,
    parse_assessment,
)
from clonacare.core.crisis import load_crisis_resources
from clonacare.core.drugs import equivalence_table
from clonacare.core.errors import ClinicalError
from tests.samples import ALICE_RECORD

SETTINGS = load_settings()


def codes_and_level(**changes: Any) -> tuple[list[str], str]:
    result = level_of_care(parse_assessment({**ALICE_RECORD, **changes}), SETTINGS)
    return [r.code for r in result.reasons], result.level


def test_a_seizure_now_is_an_emergency_and_raises_the_seizure_alert() -> None:
    result = assess(
        parse_assessment({**ALICE_RECORD, "seizure_now": True}),
        table=equivalence_table("ashton"),
        settings=SETTINGS,
        crisis=load_crisis_resources(),
    )
    assert (result.level, result.level_description) == ("emergency", "Emergency response now")
    (reason,) = result.reasons
    assert (reason.code, reason.message, reason.source) == (
        "seizure-now",
        "Seizure now: a seizure is happening now; emergency response now.",
        "ASAM 2025 Table 3; Rec 5c, severe or complicated withdrawal now (clinical reference, "
        "Level of care)",
    )
    assert [a.code for a in result.alerts] == ["seizure"]
    assert result.crisis_resources == load_crisis_resources().resources


def test_delirium_or_psychosis_now_calls_for_inpatient_withdrawal_management() -> None:
    record = parse_assessment({**ALICE_RECORD, "delirium_or_psychosis_now": True})
    result = level_of_care(record, SETTINGS)
    assert result.level == "inpatient"
    (reason,) = result.reasons
    assert (reason.code, reason.message, reason.source) == (
        "delirium-or-psychosis-now",
        "Delirium or psychosis now: severe or complicated withdrawal now; inpatient or "
        "residential medically managed withdrawal.",
        "ASAM 2025 Rec 5c; Table 3 (clinical reference, Level of care)",
    )
    assert result.alert_codes == ()


def test_a_fall_at_65_or_over_calls_for_closer_monitoring() -> None:
    codes, level = codes_and_level(falls_past_year=True, age=65)
    assert (codes, level) == (["falls-older-adult", "older-adult"], "intensive-outpatient")
    record = parse_assessment({**ALICE_RECORD, "falls_past_year": True, "age": 80})
    (falls,) = [r for r in level_of_care(record, SETTINGS).reasons if r.code.startswith("falls")]
    assert falls.message == "Falls: a fall in the past year at age 65 or over; closer monitoring."
    assert falls.source.startswith("ASAM 2025 Rec 5a names falls")


def test_a_fall_under_65_is_shown_without_raising_the_level() -> None:
    assert codes_and_level(falls_past_year=True, age=64) == (["falls"], "outpatient")
    record = parse_assessment({**ALICE_RECORD, "falls_past_year": True, "age": 64})
    (falls,) = level_of_care(record, SETTINGS).reasons
    assert (falls.level, falls.message, falls.source) == (
        "outpatient",
        "Falls: a fall in the past year; weigh it when planning the pace and the monitoring "
        "(closer monitoring for falls is advised from age 65).",
        "ASAM 2025 Rec 5a names falls among the risks of significant harm (clinical "
        "reference, Level of care); the age of 65 is the guideline's section on older adults",
    )


def test_a_record_from_before_the_new_inputs_is_read_with_safe_defaults() -> None:
    assert not set(OPTIONAL) & set(ALICE_RECORD)
    record = parse_assessment(ALICE_RECORD)
    assert (
        record.seizure_now,
        record.delirium_or_psychosis_now,
        record.falls_past_year,
        record.opioid_nonprescribed,
        record.opioid_use_disorder_untreated,
        record.opioid_agonist_treatment,
    ) == (False, False, False, False, False, "none")
    assert codes_and_level() == (["outpatient-default"], "outpatient")


@pytest.mark.parametrize(
    "field",
    [
        "seizure_now",
        "delirium_or_psychosis_now",
        "falls_past_year",
        "opioid_nonprescribed",
        "opioid_use_disorder_untreated",
    ],
)
def test_a_new_yes_no_input_is_true_or_false(field: str) -> None:
    with pytest.raises(ClinicalError) as exc:
        parse_assessment({**ALICE_RECORD, field: "yes"})
    assert exc.value.message == f'field {field!r} must be true or false; got "yes".'
