"""DSM-5 sedative, hypnotic, or anxiolytic use disorder: 11 criteria, A1–A11.

Published rules: American Psychiatric Association, DSM-5 (2013): severity 2–3 mild,
4–5 moderate, 6 or more severe; tolerance (A10) and withdrawal (A11) are not counted
when the drug is taken as prescribed under medical supervision.
"""

from __future__ import annotations

import pytest

from clonacare.core.crisis import load_crisis_resources
from clonacare.core.errors import ClinicalError
from clonacare.core.instruments import ScoreResult, answers_from_tokens, instrument, score

DSM5 = instrument("dsm5-sud")
PRESCRIBED = frozenset({"taken-as-prescribed"})


def _score(tokens: str, conditions: frozenset[str] = frozenset()) -> ScoreResult:
    return score(
        DSM5,
        answers_from_tokens(DSM5, tokens.split(",")),
        crisis=load_crisis_resources(),
        conditions=conditions,
    )


def test_it_counts_the_criteria_of_the_contract_example() -> None:
    result = _score("1,0,1,1,0,0,0,0,0,1,1")
    assert (result.total, result.band) == (5, "moderate")


def test_it_drops_tolerance_and_withdrawal_when_taken_as_prescribed() -> None:
    result = _score("1,0,1,1,0,0,0,0,0,1,1", PRESCRIBED)
    assert (result.total, result.band) == (3, "mild")
    assert result.conditions == ("taken-as-prescribed",)


def test_it_needs_no_answer_for_a10_and_a11_when_taken_as_prescribed() -> None:
    result = _score("1,1,0,0,0,0,0,0,0", PRESCRIBED)
    assert (result.complete, result.total, result.band) == (True, 2, "mild")


@pytest.mark.parametrize(
    ("count", "band"),
    [
        (0, "none"),
        (1, "none"),
        (2, "mild"),
        (3, "mild"),
        (4, "moderate"),
        (5, "moderate"),
        (6, "severe"),
        (11, "severe"),
    ],
)
def test_it_bands_as_dsm5(count: int, band: str) -> None:
    tokens = ",".join(["1"] * count + ["0"] * (11 - count))
    assert _score(tokens).band == band


def test_it_lists_the_criteria_in_dsm5_order_with_tolerance_10th_and_withdrawal_11th() -> None:
    assert [i.id for i in DSM5.items] == [f"A{n}" for n in range(1, 12)]
    assert DSM5.items[9].text == "Tolerance"
    assert DSM5.items[10].text == "Withdrawal"
    assert DSM5.wording == "own-labels"


def test_it_accepts_yes_and_no_for_present_and_absent() -> None:
    assert _score("yes,no,yes,yes,no,no,no,no,no,yes,yes").total == 5


def test_it_names_the_criterion_of_a_wrong_answer() -> None:
    with pytest.raises(ClinicalError) as exc:
        _score("1,0,1,1,0,0,0,0,0,2,1")
    assert exc.value.message == "dsm5-sud item 10 (A10): '2' is not an answer; choose one of 0, 1."


def test_the_criteria_are_rated_by_a_clinician() -> None:
    assert {i.rater for i in DSM5.items} == {"clinician"}
