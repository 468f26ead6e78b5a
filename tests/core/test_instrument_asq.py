"""ASQ (NIMH Ask Suicide-Screening Questions).

Published rules: NIMH ASQ toolkit; Horowitz LM et al. Arch Pediatr Adolesc Med
2012;166:1170–1176. Any yes to questions 1–4 is a positive screen (a brief safety
assessment is needed); the acuity question (5) is asked only then, and yes to it means
imminent risk (an emergency response).
"""

from __future__ import annotations

import pytest

from clonacare.core.crisis import load_crisis_resources
from clonacare.core.instruments import ScoreResult, answers_from_tokens, instrument, score

ASQ = instrument("asq")


def _score(tokens: str) -> ScoreResult:
    return score(ASQ, answers_from_tokens(ASQ, tokens.split(",")), crisis=load_crisis_resources())


def _codes(result: ScoreResult) -> list[str]:
    return [a.code for a in result.alerts]


def test_it_is_negative_when_all_four_are_no() -> None:
    result = _score("no,no,no,no")
    assert (result.band, result.complete, result.total) == ("negative", True, None)
    assert result.alerts == ()
    assert result.crisis_resources == ()


def test_it_is_non_acute_positive_with_a_yes_and_acuity_no() -> None:
    result = _score("no,yes,no,no,no")
    assert result.band == "non-acute positive"
    assert _codes(result) == ["suicide-risk"]
    assert result.crisis_resources == load_crisis_resources().resources


def test_it_is_acute_positive_with_a_yes_and_acuity_yes() -> None:
    result = _score("no,yes,no,no,yes")
    assert result.band == "acute positive"
    assert _codes(result) == ["suicide-risk", "suicide-risk-imminent"]


@pytest.mark.parametrize("position", range(4))
def test_each_of_the_four_questions_alone_makes_the_screen_positive(position: int) -> None:
    answers = ["no"] * 4 + ["no"]
    answers[position] = "yes"
    result = _score(",".join(answers))
    assert result.band == "non-acute positive"
    assert _codes(result) == ["suicide-risk"]


def test_it_does_not_count_the_acuity_answer_when_all_four_are_no() -> None:
    result = _score("no,no,no,no,no")
    assert result.band == "negative"
    assert result.alerts == ()
    assert result.notes == (
        "asq item 5 was not counted: it applies only when an earlier answer calls for it.",
    )


def test_a_recorded_acuity_yes_raises_its_alert_even_outside_the_skip_logic() -> None:
    # The issue: the acuity answer counts (for the result) only after a yes; the safety
    # rule: ASQ acuity yes → suicide-risk-imminent, whatever else the form says.
    result = _score("no,no,no,no,yes")
    assert result.band == "negative"
    assert _codes(result) == ["suicide-risk-imminent"]
    assert result.crisis_resources != ()
    assert result.notes == (
        "asq item 5 was not counted: it applies only when an earlier answer calls for it. "
        "Its answer still raises its safety alert.",
    )


def test_it_needs_the_acuity_answer_after_a_yes_but_alerts_at_once() -> None:
    result = _score("yes,no,no,no")
    assert (result.complete, result.band) == (False, None)
    assert [i.id for i in result.missing] == ["asq-5"]
    assert _codes(result) == ["suicide-risk"]


def test_it_ships_the_nimh_wording() -> None:
    assert ASQ.wording == "published"
    assert ASQ.items[4].text == "Are you having thoughts of killing yourself right now?"
