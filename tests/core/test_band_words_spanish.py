"""Issue 16: a result's band in Spanish for the Spanish portal comes from the instrument
file (``patient_label_es``), only where the words are Clonacare's own (the ASQ's
restatements of the answers, the SDS's two labels); a publication's band names (PHQ-9,
GAD-7) have none, so the portal shows them in English. An empty one is refused."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from clonacare.core.errors import ClinicalError
from clonacare.core.instruments import instrument
from clonacare.core.instruments.catalogue import DATA_DIR
from clonacare.core.instruments.definition import parse_instrument
from clonacare.core.sourced import load_toml


def test_the_band_words_in_spanish_come_from_the_file_and_only_where_they_are_ours() -> None:
    asq = instrument("asq")
    assert asq.patient_band("negative", "es") == "Respondió que no a todas las preguntas"
    assert asq.patient_band("negative") == "You answered no to every question"
    assert instrument("sds").patient_band_in("dependence likely", "es") == (
        "probable dependencia",
        "es",
    )
    # PHQ-9 and GAD-7 name their bands as their publications do: no Spanish words shipped.
    for published in ("phq9", "gad7"):
        definition = instrument(published)
        assert all(band.patient_label_es is None for band in definition.bands)
        assert definition.patient_band_in("mild", "es") == ("mild", "en")


def test_an_empty_spanish_band_label_is_refused_when_the_file_loads() -> None:
    data: dict[str, Any] = copy.deepcopy(load_toml(DATA_DIR / "asq.toml"))
    data["bands"][0]["patient_label_es"] = ""
    with pytest.raises(ClinicalError) as exc:
        parse_instrument(data, "test.toml")
    assert exc.value.message == "test.toml band 1: 'patient_label_es' must be a non-empty string."
