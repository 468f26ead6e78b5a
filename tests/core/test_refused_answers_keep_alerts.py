"""A bad answer never hides a safety answer: when the engine refuses an answer (not one
of its item's options, or an item the instrument does not have), the refusal carries
the result of the valid answers, with every alert they fire and the crisis resources."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clonacare.core.assessment import load_settings
from clonacare.core.crisis import load_crisis_resources
from clonacare.core.errors import ClinicalError
from clonacare.core.instruments import AnswersRefused, instrument, score, shipped_ids
from clonacare.core.instruments.definition import SCREEN_INCOMPLETE

CRISIS = load_crisis_resources()
SETTINGS = load_settings().instrument_settings()


@st.composite
def answers_with_one_bad(draw: st.DrawFn) -> tuple[str, dict[str, str | None], str]:
    """An instrument, answers to it (some blank), and the id of one item answered badly."""
    chosen = instrument(draw(st.sampled_from(shipped_ids())))
    answers: dict[str, str | None] = {
        item.id: draw(st.none() | st.sampled_from(item.codes)) for item in chosen.items
    }
    bad = draw(st.sampled_from([item.id for item in chosen.items]))
    answers[bad] = "not-an-answer"
    return chosen.id, answers, bad


@given(case=answers_with_one_bad())
def test_a_refusal_carries_the_alerts_of_every_valid_answer(
    case: tuple[str, dict[str, str | None], str],
) -> None:
    instrument_id, answers, bad = case
    chosen = instrument(instrument_id)
    with pytest.raises(AnswersRefused) as refused:
        score(chosen, answers, crisis=CRISIS, settings=SETTINGS)
    without_it = score(chosen, answers | {bad: None}, crisis=CRISIS, settings=SETTINGS)
    result = refused.value.result
    # Every alert the valid answers fire is kept; an unreadable answer to a suicide
    # question adds the incomplete screen even where the question does not apply (an
    # ASQ acuity "maybe" after four no's): the screen could not be read.
    watched = {i for r in chosen.alerts if r.code == SCREEN_INCOMPLETE for i in r.unanswered}
    expected = {a.code for a in without_it.alerts} | (
        {SCREEN_INCOMPLETE} if bad in watched else set()
    )
    assert set(without_it.alerts) <= set(result.alerts)
    assert {a.code for a in result.alerts} == expected
    assert result.crisis_resources == (CRISIS.resources if result.alerts else ())
    assert (result.complete, result.total, result.band) == (False, None, None)


def test_a_refused_phq9_still_raises_item_9() -> None:
    phq9 = instrument("phq9")
    answers = {f"phq9-{n}": "0" for n in range(1, 9)} | {"phq9-4": "9", "phq9-9": "3"}
    with pytest.raises(AnswersRefused) as refused:
        score(phq9, answers, crisis=CRISIS)
    assert (refused.value.code, refused.value.message) == (
        "answer-out-of-range",
        "phq9 item 4: '9' is not an answer; choose one of 0, 1, 2, 3.",
    )
    assert [a.code for a in refused.value.result.alerts] == ["suicide-risk"]


def test_a_bad_answer_to_item_9_itself_asks_staff_to_complete_the_screen() -> None:
    phq9 = instrument("phq9")
    answers = {f"phq9-{n}": "0" for n in range(1, 9)} | {"phq9-9": "often"}
    with pytest.raises(AnswersRefused) as refused:
        score(phq9, answers, crisis=CRISIS)
    assert refused.value.message == (
        "phq9 item 9: 'often' is not an answer; choose one of 0, 1, 2, 3."
    )
    assert [a.code for a in refused.value.result.alerts] == ["suicide-screen-incomplete"]


def test_a_refused_ciwa_b_still_raises_the_seizure() -> None:
    ciwa = instrument("ciwa-b")
    answers: dict[str, str | None] = {item.id: "0" for item in ciwa.items}
    answers |= {"ciwab-1": "7", "ciwab-seizure": "yes"}
    with pytest.raises(AnswersRefused) as refused:
        score(ciwa, answers, crisis=CRISIS)
    assert refused.value.message.startswith("ciwa-b item 1: '7' is not an answer; ")
    assert [a.code for a in refused.value.result.alerts] == ["seizure"]


def test_an_unknown_item_is_refused_with_the_alerts_of_the_known_ones() -> None:
    asq = instrument("asq")
    answers = {"asq-1": "yes", "asq-2": "no", "asq-3": "no", "asq-4": "no", "asq-9": "yes"}
    with pytest.raises(AnswersRefused) as refused:
        score(asq, answers, crisis=CRISIS)
    assert (refused.value.code, refused.value.message) == (
        "unknown-item",
        "asq has no item 'asq-9'; its items: asq-1, asq-2, asq-3, asq-4, asq-5.",
    )
    assert [a.code for a in refused.value.result.alerts] == [
        "suicide-risk",
        "suicide-screen-incomplete",
    ]


def test_a_refusal_is_still_a_clinical_error_with_its_code() -> None:
    with pytest.raises(ClinicalError) as refused:
        score(instrument("gad7"), {"gad7-4": "9"}, crisis=CRISIS)
    assert refused.value.code == "answer-out-of-range"
    assert isinstance(refused.value, AnswersRefused)
    assert refused.value.result.alerts == ()
