"""CIWA-B: 20 items 0–4 (total 0–80), reported as a trend, never a dose trigger.

Published scale: Busto UE, Sykora K, Sellers EM. A clinical scale to assess
benzodiazepine withdrawal. J Clin Psychopharmacol 1989;9:412–416. Bands disagree between
sources (clinical reference: unsettled), so none is shown.
"""

from __future__ import annotations

from clonacare.core.crisis import load_crisis_resources
from clonacare.core.instruments import ScoreResult, answers_from_tokens, instrument, score

CIWA = instrument("ciwa-b")


def _score(tokens: list[str]) -> ScoreResult:
    return score(CIWA, answers_from_tokens(CIWA, tokens), crisis=load_crisis_resources())


def test_it_sums_twenty_items_scored_0_to_4() -> None:
    scored = [i for i in CIWA.items if i.scored]
    assert len(scored) == 20
    assert {i.max_score for i in scored} == {4}
    assert CIWA.score_range == (0, 80)
    assert _score(["4"] * 20).total == 80
    assert _score(["1"] * 20).total == 20


def test_it_shows_no_band_and_says_why() -> None:
    result = _score(["2"] * 20)
    assert result.report == "trend"
    assert result.band is None
    assert any("trend" in note and "never changes a dose" in note for note in result.notes)


def test_it_rates_restlessness_tremor_and_sweating_by_observation() -> None:
    observed = [i.text for i in CIWA.items if i.scored and i.rater == "observer"]
    assert observed == [
        "Restlessness or agitation (observed)",
        "Tremor (observed)",
        "Sweating (observed)",
    ]


def test_a_reported_seizure_raises_the_seizure_alert() -> None:
    result = _score(["0"] * 20 + ["yes"])
    assert result.total == 0
    assert [a.code for a in result.alerts] == ["seizure"]
    assert result.crisis_resources == load_crisis_resources().resources


def test_no_seizure_no_alert() -> None:
    assert _score(["3"] * 20 + ["no"]).alerts == ()
    assert _score(["3"] * 20).alerts == ()
