"""The scoring engine: one set of rules for every instrument definition file."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clonacare.core.crisis import load_crisis_resources
from clonacare.core.errors import ClinicalError
from clonacare.core.instruments import (
    Instrument,
    TooManyAnswers,
    alert,
    answers_from_tokens,
    instrument,
    score,
    shipped_ids,
    unreadable_screen,
)
from clonacare.core.instruments.catalogue import DATA_DIR
from clonacare.core.instruments.definition import parse_instrument
from clonacare.core.sourced import load_toml

SETTINGS = {"sds_dependence_cutoff": 6}
SHIPPED = [instrument(i) for i in shipped_ids()]


def test_it_ships_the_six_instruments_of_the_issue() -> None:
    assert shipped_ids() == ("asq", "ciwa-b", "dsm5-sud", "gad7", "phq9", "sds")


def test_every_definition_names_its_source_and_licence() -> None:
    for chosen in SHIPPED:
        assert chosen.source.strip()
        assert chosen.licence.strip()


@st.composite
def answered(draw: st.DrawFn, chosen: Instrument) -> dict[str, str | None]:
    """Any answers at all: each item unanswered or one of its options."""
    return {
        item.id: draw(st.none() | st.sampled_from([o.code for o in item.options]))
        for item in chosen.items
    }


@given(data=st.data(), chosen=st.sampled_from(SHIPPED), prescribed=st.booleans())
def test_every_total_stays_within_its_instruments_range(
    data: st.DataObject, chosen: Instrument, prescribed: bool
) -> None:
    conditions = (
        frozenset({"taken-as-prescribed"}) if prescribed and chosen.conditions else frozenset()
    )
    result = score(
        chosen,
        data.draw(answered(chosen)),
        crisis=load_crisis_resources(),
        settings=SETTINGS,
        conditions=conditions,
    )
    if result.total is not None:
        assert chosen.score_range is not None
        low, high = chosen.score_range
        assert low <= result.total <= high
    assert (result.total is not None) == (result.complete and chosen.scoring == "sum")
    assert (result.band is not None) == (
        result.complete and chosen.report in ("bands", "classification")
    )
    assert bool(result.alerts) == bool(result.crisis_resources)


def test_an_empty_answer_leaves_the_item_unanswered() -> None:
    gad7 = instrument("gad7")
    result = score(
        gad7,
        answers_from_tokens(gad7, ["1", "", "1", "1", "1", "1", "1"]),
        crisis=load_crisis_resources(),
    )
    assert [i.id for i in result.missing] == ["gad7-2"]
    assert result.total is None


def test_it_refuses_more_answers_than_items() -> None:
    with pytest.raises(ClinicalError) as exc:
        answers_from_tokens(instrument("gad7"), ["0"] * 8)
    assert exc.value.message == "gad7 takes 7 answers; got 8."


def test_it_says_how_many_answers_an_instrument_with_optional_items_takes() -> None:
    with pytest.raises(ClinicalError) as exc:
        answers_from_tokens(instrument("phq9"), ["0"] * 11)
    assert exc.value.message == "phq9 takes 9 to 10 answers; got 11."


@pytest.mark.parametrize(
    ("tokens", "codes"),
    [
        # The ninth answer is item 9 when read from the first answer.
        (["0"] * 8 + ["2", "0", "0"], ["suicide-risk", "suicide-screen-incomplete"]),
        # One answer added at the start: read from the last, item 9 is the 3.
        (["0"] * 9 + ["3", "0"], ["suicide-risk", "suicide-screen-incomplete"]),
        # Neither reading has a suicide answer: the screen is still not negative.
        (["0"] * 11, ["suicide-screen-incomplete"]),
        # An unreadable answer does not stop the other answers being read.
        (["x"] * 8 + ["1", "x", "x"], ["suicide-risk", "suicide-screen-incomplete"]),
    ],
)
def test_more_answers_than_items_are_read_both_ways_for_safety(
    tokens: list[str], codes: list[str]
) -> None:
    phq9 = instrument("phq9")
    with pytest.raises(TooManyAnswers) as exc:
        answers_from_tokens(phq9, tokens)
    assert exc.value.code == "too-many-answers"
    result = unreadable_screen(phq9, crisis=load_crisis_resources(), tokens=exc.value.tokens)
    assert [a.code for a in result.alerts] == codes
    assert (result.complete, result.total, result.band) == (False, None, None)
    assert any(r.contact == "988" for r in result.crisis_resources)


def test_too_many_answers_without_a_suicide_question_raise_no_alert() -> None:
    with pytest.raises(TooManyAnswers) as exc:
        answers_from_tokens(instrument("gad7"), ["3"] * 8)
    result = unreadable_screen(
        instrument("gad7"), crisis=load_crisis_resources(), tokens=exc.value.tokens
    )
    assert result.alerts == ()
    assert any(r.contact == "988" for r in result.crisis_resources)


def test_each_instrument_gives_its_own_source_for_suicide_risk() -> None:
    crisis = load_crisis_resources()
    phq9 = score(instrument("phq9"), {"phq9-9": "1"}, crisis=crisis)
    asq = score(instrument("asq"), {"asq-1": "yes"}, crisis=crisis)
    (phq9_alert,) = [a for a in phq9.alerts if a.code == "suicide-risk"]
    (asq_alert,) = [a for a in asq.alerts if a.code == "suicide-risk"]
    assert phq9_alert.source.startswith("PHQ-9 item 9 above 0 calls for")
    assert "ASQ" not in phq9_alert.source
    assert asq_alert.source.startswith("Any ASQ yes is a positive screen")
    assert "PHQ-9" not in asq_alert.source
    # The message is the catalogue's, whichever instrument raised it.
    assert phq9_alert.message == asq_alert.message == alert("suicide-risk").message


def test_it_refuses_an_unknown_item() -> None:
    with pytest.raises(ClinicalError) as exc:
        score(instrument("gad7"), {"gad7-8": "1"}, crisis=load_crisis_resources())
    assert exc.value.code == "unknown-item"
    assert exc.value.message.startswith("gad7 has no item 'gad7-8'; its items: gad7-1,")


def test_it_refuses_a_condition_the_instrument_does_not_declare() -> None:
    with pytest.raises(ClinicalError) as exc:
        score(
            instrument("phq9"),
            {},
            crisis=load_crisis_resources(),
            conditions=frozenset({"taken-as-prescribed"}),
        )
    assert exc.value.message == "condition 'taken-as-prescribed' does not apply to phq9."


def test_it_refuses_an_unknown_instrument_listing_the_known_ones() -> None:
    with pytest.raises(ClinicalError) as exc:
        instrument("beck")
    assert exc.value.message == (
        "Unknown instrument 'beck'; choose one of: asq, ciwa-b, dsm5-sud, gad7, phq9, sds."
    )


# --- definition files are checked against themselves when loaded ----------------------


def _gad7_data() -> dict[str, Any]:
    return copy.deepcopy(load_toml(DATA_DIR / "gad7.toml"))


def _load_error(data: dict[str, Any]) -> str:
    with pytest.raises(ClinicalError) as exc:
        parse_instrument(data, "test.toml")
    assert exc.value.code == "data-file"
    return exc.value.message


def test_a_file_whose_range_disagrees_with_its_items_is_refused() -> None:
    data = _gad7_data()
    data["score_range"] = [0, 20]
    assert _load_error(data) == (
        "test.toml: 'score_range' is [0, 20] but the scored items add up to 0–21."
    )


def test_a_file_whose_bands_leave_a_gap_is_refused() -> None:
    data = _gad7_data()
    data["bands"][1]["min"] = 6
    assert _load_error(data) == "test.toml: bands must cover the score range once, without gaps."


def test_a_file_naming_an_undefined_option_set_is_refused() -> None:
    data = _gad7_data()
    data["items"][0]["options"] = "likert"
    assert _load_error(data) == (
        "test.toml item 1: option set 'likert' is not defined in [option_sets]."
    )


def test_a_file_without_a_source_is_refused() -> None:
    data = _gad7_data()
    del data["source"]
    assert _load_error(data) == "test.toml: 'source' must be a non-empty string."


def test_skip_logic_may_only_look_back() -> None:
    data = copy.deepcopy(load_toml(DATA_DIR / "asq.toml"))
    data["items"][0]["enabled_when"] = {"any_of": ["asq-2"], "above": 0}
    assert _load_error(data) == (
        "test.toml item 1: 'any_of' must name items of this instrument; unknown: ['asq-2']."
    )


def test_an_alert_outside_the_catalogue_is_refused() -> None:
    data = _gad7_data()
    data["alerts"] = [{"code": "panic", "any_of": ["gad7-1"], "above": 2}]
    assert _load_error(data) == (
        "test.toml: alert 'panic' is not one of suicide-risk, suicide-risk-imminent, "
        "suicide-screen-incomplete, seizure."
    )


def test_an_alert_source_that_is_not_text_is_refused() -> None:
    data = copy.deepcopy(load_toml(DATA_DIR / "phq9.toml"))
    data["alerts"][0]["source"] = ""
    assert _load_error(data) == "test.toml alert: an alert's 'source' must be non-empty text."
