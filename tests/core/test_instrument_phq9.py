"""PHQ-9 scoring, bands and the item 9 rule.

Published rules: Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief
depression severity measure. J Gen Intern Med 2001;16:606–613 (nine items 0–3, total
0–27; 0–4 minimal, 5–9 mild, 10–14 moderate, 15–19 moderately severe, 20–27 severe);
item 9 above 0 calls for a same-day suicide-risk assessment whatever the total.
"""

from __future__ import annotations

import pytest

from clonacare.core.crisis import load_crisis_resources
from clonacare.core.errors import ClinicalError
from clonacare.core.instruments import ScoreResult, answers_from_tokens, instrument, score

PHQ9 = instrument("phq9")


def _score(tokens: str) -> ScoreResult:
    return score(PHQ9, answers_from_tokens(PHQ9, tokens.split(",")), crisis=load_crisis_resources())


def _answers_for(total: int) -> str:
    """Nine answers adding up to ``total`` with item 9 left at 0 (no alert)."""
    answers = []
    for _ in range(8):
        answers.append(min(3, total))
        total -= answers[-1]
    return ",".join(str(a) for a in [*answers, total])


def test_it_scores_the_contract_example() -> None:
    result = _score("1,2,0,3,1,0,2,1,0")
    assert (result.total, result.band, result.complete) == (10, "moderate", True)
    assert result.alerts == ()
    assert result.crisis_resources == ()


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (24, "severe"),
    ],
)
def test_it_bands_totals_as_kroenke_2001(total: int, band: str) -> None:
    result = _score(_answers_for(total))
    assert result.total == total
    assert result.band == band


def test_it_reaches_the_top_of_the_range() -> None:
    result = _score("3,3,3,3,3,3,3,3,3")
    assert (result.total, result.band) == (27, "severe")


def test_it_alerts_on_item_9_above_0_whatever_the_total() -> None:
    result = _score("0,0,0,0,0,0,0,0,1")
    assert (result.total, result.band) == (1, "minimal")
    assert [a.code for a in result.alerts] == ["suicide-risk"]
    assert result.crisis_resources == load_crisis_resources().resources


def test_it_does_not_alert_when_item_9_is_0() -> None:
    assert _score("3,3,3,3,3,3,3,3,0").alerts == ()


def test_it_accepts_the_unscored_difficulty_item() -> None:
    with_difficulty = _score("1,2,0,3,1,0,2,1,0,3")
    assert with_difficulty.total == 10
    assert with_difficulty.complete


def test_it_gives_no_total_when_an_item_is_missing() -> None:
    result = _score("1,2,0,3,1,0,2,1")
    assert (result.complete, result.total, result.band) == (False, None, None)
    assert [i.id for i in result.missing] == ["phq9-9"]


def test_it_still_alerts_on_item_9_when_another_item_is_missing() -> None:
    result = _score("1,,0,3,1,0,2,1,2")
    assert result.total is None
    assert [i.id for i in result.missing] == ["phq9-2"]
    assert [a.code for a in result.alerts] == ["suicide-risk"]


def test_it_refuses_an_out_of_range_answer_naming_the_item() -> None:
    with pytest.raises(ClinicalError) as exc:
        _score("1,2,0,4,1,0,2,1,0")
    assert exc.value.code == "answer-out-of-range"
    assert exc.value.message == "phq9 item 4: '4' is not an answer; choose one of 0, 1, 2, 3."


def test_it_ships_the_published_wording_and_loinc_codes() -> None:
    assert PHQ9.wording == "published"
    assert PHQ9.items[8].text.startswith("Thoughts that you would be better off dead")
    assert PHQ9.loinc is not None
    assert (PHQ9.loinc.panel, PHQ9.loinc.total) == ("44249-1", "44261-6")
    assert PHQ9.items[8].loinc == "44260-8"
