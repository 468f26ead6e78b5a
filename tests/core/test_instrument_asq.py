"""ASQ (NIMH Ask Suicide-Screening Questions).

Published rules: NIMH ASQ toolkit; Horowitz LM et al. Arch Pediatr Adolesc Med
2012;166:1170–1176. Any yes to questions 1–4 is a positive screen (a brief safety
assessment is needed); the acuity question (5) is asked only then, and yes to it means
imminent risk (an emergency response) whatever questions 1–4 say (clinical reference,
Rules: NIMH ASQ pathway). Clonacare's rule: an unanswered question that applies is never
read as a no.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clonacare.core.crisis import load_crisis_resources
from clonacare.core.instruments import (
    AnswersRefused,
    ScoreResult,
    answers_from_tokens,
    instrument,
    score,
)

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


def test_an_acuity_yes_after_four_nos_is_an_acute_positive_screen() -> None:
    # Issue 8 reverses the earlier result ("negative" with a note): a yes to the acuity
    # question is an acute positive screen whatever questions 1–4 say.
    result = _score("no,no,no,no,yes")
    assert (result.band, result.complete) == ("acute positive", True)
    assert _codes(result) == ["suicide-risk", "suicide-risk-imminent"]
    assert result.crisis_resources == load_crisis_resources().resources
    assert [item.id for item, _ in result.answers] == ["asq-1", "asq-2", "asq-3", "asq-4", "asq-5"]
    assert result.notes == (
        "asq item 5 counts although no earlier answer calls for it: its answer raises a "
        "safety alert.",
    )


@given(four=st.lists(st.sampled_from(["yes", "no", None]), min_size=4, max_size=4))
def test_an_acuity_yes_raises_both_suicide_alerts_whatever_questions_1_to_4_say(
    four: list[str | None],
) -> None:
    answers = {f"asq-{n}": a for n, a in enumerate(four, start=1)} | {"asq-5": "yes"}
    result = score(ASQ, answers, crisis=load_crisis_resources())
    assert _codes(result)[:2] == ["suicide-risk", "suicide-risk-imminent"]
    assert result.band == ("acute positive" if None not in four else None)


def test_it_needs_the_acuity_answer_after_a_yes_and_asks_staff_to_complete_it() -> None:
    result = _score("yes,no,no,no")
    assert (result.complete, result.band) == (False, None)
    assert [i.id for i in result.missing] == ["asq-5"]
    assert _codes(result) == ["suicide-risk", "suicide-screen-incomplete"]


@pytest.mark.parametrize("position", range(4))
def test_an_unanswered_question_is_never_negative(position: int) -> None:
    answers = ["no"] * 4
    answers[position] = ""
    result = _score(",".join(answers))
    assert (result.complete, result.band) == (False, None)
    assert [i.number for i in result.missing] == [position + 1]
    assert _codes(result) == ["suicide-screen-incomplete"]
    assert result.crisis_resources == load_crisis_resources().resources


def test_nothing_answered_is_incomplete_not_negative() -> None:
    result = _score("")
    assert (result.complete, result.band) == (False, None)
    assert [i.id for i in result.missing] == ["asq-1", "asq-2", "asq-3", "asq-4"]
    assert _codes(result) == ["suicide-screen-incomplete"]


def test_a_refused_answer_still_carries_the_alerts_of_the_others() -> None:
    with pytest.raises(AnswersRefused) as refused:
        _score("yes,maybe,no,no,yes")
    assert refused.value.code == "answer-out-of-range"
    assert refused.value.message == "asq item 2: 'maybe' is not an answer; choose one of no, yes."
    result = refused.value.result
    assert (result.complete, result.band) == (False, None)
    assert _codes(result) == ["suicide-risk", "suicide-risk-imminent", "suicide-screen-incomplete"]
    assert result.crisis_resources == load_crisis_resources().resources


def test_it_ships_the_nimh_wording() -> None:
    assert ASQ.wording == "published"
    assert ASQ.items[4].text == "Are you having thoughts of killing yourself right now?"
