"""SDS (benzodiazepine): five items 0–3, total 0–15, the cut-off as configuration.

Published rules: Gossop M et al. The Severity of Dependence Scale (SDS). Addiction
1995;90:607–614. Cut-off for benzodiazepine dependence: ≥ 6 (Lowton & Chiba 2021, our
default) or > 6 (de las Cuevas C et al. Addiction 2000;95:245–250).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clonacare.core.assessment import load_settings
from clonacare.core.crisis import load_crisis_resources
from clonacare.core.errors import ClinicalError
from clonacare.core.instruments import ScoreResult, answers_from_tokens, instrument, score

SDS = instrument("sds")


def _score(tokens: str, cutoff: int | None = 6) -> ScoreResult:
    settings = {} if cutoff is None else {"sds_dependence_cutoff": cutoff}
    return score(
        SDS,
        answers_from_tokens(SDS, tokens.split(",")),
        crisis=load_crisis_resources(),
        settings=settings,
    )


def test_it_defaults_to_the_lowton_and_chiba_cut_off_with_its_source() -> None:
    settings = load_settings()
    assert settings.sds_dependence_cutoff == 6
    assert "Lowton & Chiba 2021" in settings.sds_source
    assert "de las Cuevas 2000" in settings.sds_source


@pytest.mark.parametrize(
    ("tokens", "total", "band"),
    [
        ("1,1,1,1,1", 5, "below cut-off"),
        ("1,1,1,1,2", 6, "dependence likely"),
        ("0,0,0,0,0", 0, "below cut-off"),
        ("3,3,3,3,3", 15, "dependence likely"),
    ],
)
def test_it_calls_dependence_likely_at_6_or_more_by_default(
    tokens: str, total: int, band: str
) -> None:
    result = _score(tokens)
    assert (result.total, result.band) == (total, band)


def test_it_follows_de_las_cuevas_when_the_site_sets_7() -> None:
    assert _score("1,1,1,1,2", cutoff=7).band == "below cut-off"
    assert _score("1,1,1,2,2", cutoff=7).band == "dependence likely"


def test_it_refuses_to_band_without_the_cut_off() -> None:
    with pytest.raises(ClinicalError) as exc:
        _score("1,1,1,1,1", cutoff=None)
    assert exc.value.message == (
        "sds needs the setting 'sds_dependence_cutoff' (assessment settings file)."
    )


def test_it_refuses_a_cut_off_outside_the_scale() -> None:
    with pytest.raises(ClinicalError) as exc:
        _score("1,1,1,1,1", cutoff=16)
    assert exc.value.message == (
        "setting 'sds_dependence_cutoff' must be a whole number from 1 to 15; got 16."
    )


def test_it_ships_paraphrased_labels_only() -> None:
    assert SDS.wording == "paraphrased"
    assert len(SDS.items) == 5
    assert SDS.score_range == (0, 15)


def test_a_settings_file_cut_off_outside_the_scale_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(
        '[sds]\ndependence_cutoff = 0\nsource = "x"\n[failed_tapers]\nat_least = 2\nsource = "y"\n',
        encoding="utf-8",
    )
    with pytest.raises(ClinicalError) as exc:
        load_settings(path)
    assert exc.value.message == (
        "settings.toml [sds]: 'dependence_cutoff' must be a whole number from 1 to 15."
    )
