"""GAD-7 scoring and bands.

Published rules: Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for
assessing generalized anxiety disorder: the GAD-7. Arch Intern Med 2006;166:1092–1097
(seven items 0–3, total 0–21; 0–4 minimal, 5–9 mild, 10–14 moderate, 15–21 severe).
"""

from __future__ import annotations

import pytest

from clonacare.core.crisis import load_crisis_resources
from clonacare.core.instruments import answers_from_tokens, instrument, score

GAD7 = instrument("gad7")


def _answers_for(total: int) -> list[str]:
    answers = []
    for _ in range(7):
        answers.append(min(3, total))
        total -= answers[-1]
    return [str(a) for a in answers]


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_it_bands_totals_as_spitzer_2006(total: int, band: str) -> None:
    result = score(
        GAD7, answers_from_tokens(GAD7, _answers_for(total)), crisis=load_crisis_resources()
    )
    assert (result.total, result.band) == (total, band)
    assert result.alerts == ()


def test_it_has_seven_items_and_the_loinc_codes_of_the_reference() -> None:
    assert len(GAD7.items) == 7
    assert GAD7.score_range == (0, 21)
    assert GAD7.loinc is not None
    assert (GAD7.loinc.panel, GAD7.loinc.total) == ("69737-5", "70274-6")
